package io.hubroute.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.hubroute.config.Endpoint;
import io.hubroute.config.EndpointKind;
import io.hubroute.config.FallbackRoute;
import io.hubroute.config.Route;
import io.hubroute.config.RoutingConfig;
import io.hubroute.config.Secret;
import io.hubroute.enrichment.Enrichment;
import io.hubroute.enrichment.EnrichmentValue;
import io.hubroute.message.Message;
import io.hubroute.message.MessageProperties;
import io.hubroute.message.RoutingSource;
import io.hubroute.message.Twin;
import io.hubroute.query.Engine;
import io.hubroute.query.RouteResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RouterTest {
    private static final RoutingSource DEVICE = RoutingSource.DEVICE_MESSAGES;
    private static final Twin TWIN =
            Twin.parse("{\"tags\": {\"deploymentLocation\": {\"building\": \"43\"}}}");

    private static Endpoint queue(String name) {
        return new Endpoint(
                name, EndpointKind.SERVICE_BUS_QUEUE, Secret.inline("x"), null, null, null);
    }

    private static Route route(String name, String condition, String... endpoints) {
        return new Route(name, DEVICE, condition, List.of(endpoints), true);
    }

    private static RoutingConfig config(
            List<Route> routes, FallbackRoute fallback, List<Enrichment> enrichments) {
        return new RoutingConfig(
                "demo-hub",
                Endpoint.builtInEvents(null, null),
                List.of(queue("A"), queue("B"), queue("C")),
                routes,
                fallback,
                enrichments);
    }

    private static RoutingConfig config(Route... routes) {
        return config(List.of(routes), FallbackRoute.defaultRoute(), List.of());
    }

    private static Message message(String... appProperties) {
        return Message.builder(DEVICE)
                .systemProperties(
                        MessageProperties.of(
                                "contentType",
                                "application/json",
                                "contentEncoding",
                                "utf-8",
                                "connectionDeviceId",
                                "sensor-7"))
                .appProperties(MessageProperties.of(appProperties))
                .body("{\"temperature\": 31.5}")
                .build();
    }

    private static Router router(RoutingConfig config) {
        return Router.create(config, Engine.COMPILED);
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aRouteMatchesOnlyOnTrue(Engine engine) {
        Router router =
                Router.create(
                        config(
                                route("True", "level = 'critical'", "A"),
                                route("False", "level = 'normal'", "B"),
                                route("Undefined", "missing = 'x'", "C"),
                                route("BodyTrue", "$body.temperature > 30", "C")),
                        engine);

        RoutingDecision decision = router.route(message("level", "critical"), null);

        assertThat(decision.routeResults())
                .containsExactly(
                        new RouteOutcome("True", RouteResult.TRUE, null),
                        new RouteOutcome("False", RouteResult.FALSE, null),
                        new RouteOutcome(
                                "Undefined",
                                RouteResult.UNDEFINED,
                                "condition evaluated to undefined"),
                        new RouteOutcome("BodyTrue", RouteResult.TRUE, null));
        assertThat(decision.matchedRoutes()).containsExactly("True", "BodyTrue");
        assertThat(decision.endpointNames()).containsExactly("A", "C");
        assertThat(decision.fallback()).isFalse();
    }

    @Test
    void onlyEnabledRoutesOfTheMessagesSourceAreEvaluated() {
        Router router =
                router(
                        config(
                                List.of(
                                        route("Device", "", "A"),
                                        new Route("Disabled", DEVICE, "", List.of("B"), false),
                                        new Route(
                                                "Twin",
                                                RoutingSource.TWIN_CHANGE_EVENTS,
                                                "",
                                                List.of("C"),
                                                true)),
                                FallbackRoute.defaultRoute(),
                                List.of()));

        RoutingDecision decision = router.route(message(), null);

        assertThat(decision.routeResults())
                .extracting(RouteOutcome::routeName)
                .containsExactly("Device");
        assertThat(decision.endpointNames()).containsExactly("A");
        assertThat(decision.result("Disabled")).isEmpty();
    }

    @Test
    void aBlankConditionIsTrue() {
        RoutingDecision decision =
                router(config(route("Blank", "   ", "A"))).route(message(), null);

        assertThat(decision.result("Blank")).contains(RouteResult.TRUE);
        assertThat(decision.endpointNames()).containsExactly("A");
    }

    @Test
    void eachEndpointGetsTheMessageOnce() {
        RoutingDecision decision =
                router(
                                config(
                                        route("One", "level = 'critical'", "A", "B"),
                                        route("Two", "$body.temperature > 30", "A"),
                                        route("Three", "", "B", "A")))
                        .route(message("level", "critical"), null);

        assertThat(decision.matchedRoutes()).containsExactly("One", "Two", "Three");
        assertThat(decision.endpointNames()).containsExactly("A", "B");
        assertThat(decision.counters()).isEqualTo(new RoutingCounters(2, 0, 0, 0, 0));
    }

    @Test
    void eventsGetsAMessageOnlyThroughARouteOrTheFallback() {
        Router router =
                router(
                        config(
                                route("ToA", "level = 'critical'", "A"),
                                route("ToEvents", "level = 'normal'", "events")));

        assertThat(router.route(message("level", "critical"), null).endpointNames())
                .containsExactly("A");
        assertThat(router.route(message("level", "normal"), null).endpointNames())
                .containsExactly("events");
        RoutingDecision unmatched = router.route(message("level", "other"), null);
        assertThat(unmatched.endpointNames()).containsExactly("events");
        assertThat(unmatched.fallback()).isTrue();
    }

    @Test
    void unmatchedDeviceMessagesFallBack() {
        Router router =
                router(
                        config(
                                List.of(route("R", "level = 'critical'", "A")),
                                new FallbackRoute(true, List.of("events", "B"), ""),
                                List.of()));

        RoutingDecision decision = router.route(message("level", "normal"), null);

        assertThat(decision.fallback()).isTrue();
        assertThat(decision.endpointNames()).containsExactly("events", "B");
        assertThat(decision.counters()).isEqualTo(new RoutingCounters(2, 1, 0, 0, 0));
    }

    @Test
    void anUndefinedResultCountsAsNoMatchForTheFallback() {
        RoutingDecision decision =
                router(config(route("R", "missing = 'x'", "A"))).route(message(), null);

        assertThat(decision.result("R")).contains(RouteResult.UNDEFINED);
        assertThat(decision.fallback()).isTrue();
    }

    @Test
    void aDisabledFallbackLeavesTheMessageOrphaned() {
        Router router =
                router(
                        config(
                                List.of(route("R", "level = 'critical'", "A")),
                                new FallbackRoute(false, List.of("events"), ""),
                                List.of()));

        RoutingDecision decision = router.route(message("level", "normal"), null);

        assertThat(decision.fallback()).isFalse();
        assertThat(decision.deliveries()).isEmpty();
        assertThat(decision.counters()).isEqualTo(new RoutingCounters(0, 0, 1, 0, 0));
    }

    @Test
    void theFallbackConditionMustBeTrue() {
        Router router =
                router(
                        config(
                                List.of(route("R", "level = 'critical'", "A")),
                                new FallbackRoute(true, List.of("events"), "level != 'debug'"),
                                List.of()));

        assertThat(router.route(message("level", "normal"), null).fallback()).isTrue();
        RoutingDecision debug = router.route(message("level", "debug"), null);
        assertThat(debug.fallback()).isFalse();
        assertThat(debug.counters().orphaned()).isEqualTo(1);
        assertThat(router.route(message(), null).fallback()).isFalse();
    }

    @Test
    void otherSourcesNeverFallBack() {
        Router router = router(config(route("R", "", "A")));
        Message twinChange = Message.builder(RoutingSource.TWIN_CHANGE_EVENTS).body("{}").build();

        RoutingDecision decision = router.route(twinChange, null);

        assertThat(decision.routeResults()).isEmpty();
        assertThat(decision.fallback()).isFalse();
        assertThat(decision.deliveries()).isEmpty();
        assertThat(decision.counters()).isEqualTo(new RoutingCounters(0, 0, 1, 0, 0));
    }

    private static Enrichment enrichment(String key, String value, String... endpoints) {
        return new Enrichment(key, EnrichmentValue.parse(value), List.of(endpoints));
    }

    @Test
    void enrichmentsApplyPerEndpointAndReplaceProperties() {
        Router router =
                router(
                        config(
                                List.of(route("All", "", "A", "B", "C")),
                                FallbackRoute.defaultRoute(),
                                List.of(
                                        enrichment("hub", "$iothubname", "A", "B"),
                                        enrichment(
                                                "building",
                                                "$twin.tags.deploymentLocation.building",
                                                "B"),
                                        enrichment("Level", "overridden", "B"),
                                        enrichment("static", "text", "C"))));

        RoutingDecision decision =
                router.route(message("level", "critical", "other", "kept"), TWIN);

        Map<String, Map<String, String>> properties = new java.util.LinkedHashMap<>();
        for (Delivery delivery : decision.deliveries()) {
            properties.put(delivery.endpointName(), delivery.appProperties().toMap());
        }
        assertThat(properties)
                .containsExactly(
                        Map.entry(
                                "A",
                                Map.of("level", "critical", "other", "kept", "hub", "demo-hub")),
                        Map.entry(
                                "B",
                                Map.of(
                                        "other",
                                        "kept",
                                        "hub",
                                        "demo-hub",
                                        "building",
                                        "43",
                                        "Level",
                                        "overridden")),
                        Map.entry(
                                "C",
                                Map.of("level", "critical", "other", "kept", "static", "text")));
        assertThat(decision.message().appProperties().toMap()).containsOnlyKeys("level", "other");
    }

    @Test
    void twinEnrichmentsWithoutATwinAreThePathText() {
        Router router =
                router(
                        config(
                                List.of(route("All", "", "A")),
                                FallbackRoute.defaultRoute(),
                                List.of(
                                        enrichment(
                                                "building",
                                                "$twin.tags.deploymentLocation.building",
                                                "A"),
                                        enrichment(
                                                "floor", "$twin.tags.deploymentLocation", "A"))));

        assertThat(router.route(message(), null).deliveries().get(0).appProperties().toMap())
                .containsEntry("building", "$twin.tags.deploymentLocation.building");
        assertThat(router.route(message(), TWIN).deliveries().get(0).appProperties().toMap())
                .containsEntry("building", "43")
                .containsEntry("floor", "$twin.tags.deploymentLocation");
    }

    @Test
    void aMessageTooLargeOnceEnrichedIsInvalidForThatEndpointOnly() {
        String big = "x".repeat(Router.MAX_MESSAGE_BYTES - 200);
        Router router =
                router(
                        config(
                                List.of(route("All", "", "A", "B")),
                                FallbackRoute.defaultRoute(),
                                List.of(
                                        enrichment("padding", "p".repeat(120), "B"),
                                        enrichment("more", "q".repeat(120), "B"))));
        Message message = Message.builder(DEVICE).body(big).build();

        RoutingDecision decision = router.route(message, null);

        assertThat(decision.endpointNames()).containsExactly("A");
        assertThat(decision.invalidEndpoints()).containsExactly("B");
        assertThat(decision.counters()).isEqualTo(new RoutingCounters(1, 0, 0, 1, 0));
        InvalidDelivery invalid = decision.invalidDeliveries().get(0);
        assertThat(invalid.endpointIndex())
                .isEqualTo(decision.deliveries().get(0).endpointIndex() + 1);
        assertThat(invalid.messageBytes())
                .isEqualTo(big.length() + "padding".length() + 120 + "more".length() + 120);
        assertThat(invalid.reason())
                .isEqualTo(
                        "the message is "
                                + invalid.messageBytes()
                                + " bytes with the enrichments of endpoint 'B', over IoT Hub's limit of 262144 bytes (256 KB)");
    }

    @Test
    void theSizeLimitCountsWhatTheDeviceSentNotWhatTheHubAdded() {
        Router router =
                router(
                        config(
                                List.of(route("All", "", "A")),
                                FallbackRoute.defaultRoute(),
                                List.of()));
        String body = "x".repeat(Router.MAX_MESSAGE_BYTES - 40);
        // the hub's own annotations push the total over 256 KB, the device's part stays under
        Message fromTheHub =
                Message.builder(DEVICE)
                        .systemProperties(
                                MessageProperties.of(
                                        "iothub-connection-device-id",
                                        "d".repeat(60),
                                        "iothub-connection-auth-method",
                                        "{\"scope\":\"device\"}",
                                        "iothub-enqueuedtime",
                                        "2026-11-30T10:00:00.0000000Z",
                                        "messageId",
                                        "m-1"))
                        .body(body)
                        .build();

        RoutingDecision decision = router.route(fromTheHub, null);

        assertThat(decision.endpointNames()).containsExactly("A");
        assertThat(decision.invalidDeliveries()).isEmpty();

        // what the device sent counts: its own system properties and application properties
        Message fromTheDevice =
                Message.builder(DEVICE)
                        .systemProperties(MessageProperties.of("messageId", "m".repeat(60)))
                        .body(body)
                        .build();
        assertThat(router.route(fromTheDevice, null).invalidEndpoints()).containsExactly("A");
    }

    @Test
    void indexedEqualityRoutesReportTheirResults() {
        List<Route> routes = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            routes.add(route("Type" + i, "deviceType = 'type-" + i + "'", i % 2 == 0 ? "A" : "B"));
        }
        routes.add(route("Hot", "$body.temperature > 30", "C"));
        Router router = router(config(routes, FallbackRoute.defaultRoute(), List.of()));

        RoutingDecision decision = router.route(message("DeviceType", "type-501"), null);

        assertThat(decision.matchedRoutes()).containsExactly("Type501", "Hot");
        assertThat(decision.endpointNames()).containsExactly("B", "C");
        assertThat(decision.result("Type501")).contains(RouteResult.TRUE);
        assertThat(decision.result("Type500")).contains(RouteResult.FALSE);
        RoutingDecision missing = router.route(message(), null);
        assertThat(missing.result("Type7")).contains(RouteResult.UNDEFINED);
        assertThat(missing.routeResults().get(7).undefinedReason())
                .isEqualTo("condition evaluated to undefined");
    }

    @Test
    void theCompiledRouterDecidesAsTheReferenceDoes() {
        List<Route> routes = new ArrayList<>();
        String[] conditions = {
            "deviceType = 'type-%d'",
            "level = 'l%d'",
            "'v%d' = mode",
            "$body.temperature > %d",
            "starts_with($connectionDeviceId, 'sensor-%d')",
            "$twin.tags.site = 's%d'",
            "as_number(severity) >= %d",
            "level = 'l%d' AND $body.ok = true",
        };
        for (int i = 0; i < 200; i++) {
            String condition = String.format(conditions[i % conditions.length], i % 13);
            routes.add(route("R" + i, condition, i % 3 == 0 ? "A" : i % 3 == 1 ? "B" : "C"));
        }
        RoutingConfig config =
                config(
                        routes,
                        new FallbackRoute(true, List.of("events"), "NOT (level = 'l0')"),
                        List.of(enrichment("hub", "$iothubname", "A")));
        Router compiled = Router.create(config, Engine.COMPILED);
        Router reference = Router.create(config, Engine.REFERENCE);
        Random random = new Random(42);
        for (int n = 0; n < 500; n++) {
            List<String> app = new ArrayList<>();
            for (String name :
                    new String[] {"deviceType", "DEVICETYPE", "level", "mode", "severity"}) {
                int pick = random.nextInt(16);
                if (pick < 13) {
                    app.add(name);
                    app.add(
                            name.equalsIgnoreCase("deviceType")
                                    ? "type-" + pick
                                    : name.equals("level")
                                            ? "l" + pick
                                            : name.equals("mode")
                                                    ? "v" + pick
                                                    : Integer.toString(pick));
                } else if (pick == 13) {
                    app.add(name);
                    app.add(null);
                }
            }
            Message message =
                    Message.builder(DEVICE)
                            .systemProperties(
                                    MessageProperties.of(
                                            "contentType",
                                            "application/json",
                                            "contentEncoding",
                                            "utf-8",
                                            "connectionDeviceId",
                                            "sensor-" + random.nextInt(13)))
                            .appProperties(MessageProperties.of(app.toArray(new String[0])))
                            .body(
                                    "{\"temperature\": "
                                            + random.nextInt(15)
                                            + ", \"ok\": "
                                            + random.nextBoolean()
                                            + "}")
                            .build();
            Twin twin =
                    random.nextBoolean()
                            ? null
                            : Twin.parse("{\"tags\": {\"site\": \"s" + random.nextInt(13) + "\"}}");

            RoutingDecision fast = compiled.route(message, twin);
            RoutingDecision slow = reference.route(message, twin);

            assertThat(fast.routeResults())
                    .as("message %s", message)
                    .isEqualTo(slow.routeResults());
            assertThat(fast.deliveries())
                    .extracting(Delivery::endpointName, Delivery::appProperties)
                    .isEqualTo(
                            slow.deliveries().stream()
                                    .map(
                                            d ->
                                                    org.assertj.core.groups.Tuple.tuple(
                                                            d.endpointName(), d.appProperties()))
                                    .toList());
            assertThat(fast.fallback()).isEqualTo(slow.fallback());
            assertThat(fast.counters()).isEqualTo(slow.counters());
        }
    }
}
