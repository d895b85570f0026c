package io.hubroute.routing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubroute.config.Endpoint;
import io.hubroute.config.EndpointKind;
import io.hubroute.config.FallbackRoute;
import io.hubroute.config.Route;
import io.hubroute.config.RoutingConfig;
import io.hubroute.config.RoutingConfigLoader;
import io.hubroute.config.Secret;
import io.hubroute.message.Json;
import io.hubroute.message.Message;
import io.hubroute.message.MessageProperties;
import io.hubroute.message.RoutingSource;
import io.hubroute.message.Twin;
import io.hubroute.query.Engine;
import io.hubroute.query.IndexableCondition;
import io.hubroute.query.QueryLanguage;
import io.hubroute.query.RouteResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Routes decided by the operand indexes ({@link OperandIndex}) must report what evaluating their
 * conditions reports: edge cases by hand, then generated routes and messages against the reference
 * engine, which never indexes.
 */
class RouterIndexTest {
    private static final RoutingSource DEVICE = RoutingSource.DEVICE_MESSAGES;
    private static final String[] ENDPOINTS = {"A", "B", "C", "D"};

    private static RoutingConfig config(List<Route> routes, FallbackRoute fallback) {
        List<Endpoint> queues = new ArrayList<>();
        for (String name : ENDPOINTS) {
            queues.add(
                    new Endpoint(
                            name,
                            EndpointKind.SERVICE_BUS_QUEUE,
                            Secret.inline("x"),
                            null,
                            null,
                            null));
        }
        return new RoutingConfig(
                "demo-hub",
                Endpoint.builtInEvents(null, null),
                queues,
                routes,
                fallback,
                List.of());
    }

    private static RoutingConfig config(String... conditions) {
        List<Route> routes = new ArrayList<>();
        for (int i = 0; i < conditions.length; i++) {
            routes.add(
                    new Route(
                            "R" + i,
                            DEVICE,
                            conditions[i],
                            List.of(ENDPOINTS[i % ENDPOINTS.length]),
                            true));
        }
        return config(routes, FallbackRoute.defaultRoute());
    }

    private static Message message(String body, String... appProperties) {
        return Message.builder(DEVICE)
                .systemProperties(
                        MessageProperties.of(
                                "contentType",
                                "application/json",
                                "contentEncoding",
                                "utf-8",
                                "connectionDeviceId",
                                "sensor-17"))
                .appProperties(MessageProperties.of(appProperties))
                .body(body)
                .build();
    }

    /**
     * Routes the message with both engines, checks that they decide alike and that every route was
     * indexed, and returns the compiled decision.
     */
    private static RoutingDecision decide(RoutingConfig config, Message message, Twin twin) {
        return new Routers(config).decide(message, twin);
    }

    /** A configuration's compiled and reference routers; every route must be indexable. */
    private static final class Routers {
        final Router compiled;
        final Router reference;

        Routers(RoutingConfig config) {
            for (Route route : config.routes()) {
                assertThat(QueryLanguage.compileOrThrow(route.condition(), DEVICE).indexable())
                        .as(route.condition())
                        .isPresent();
            }
            compiled = Router.create(config, Engine.COMPILED);
            reference = Router.create(config, Engine.REFERENCE);
        }

        RoutingDecision decide(Message message, Twin twin) {
            RoutingDecision decision = compiled.route(message, twin);
            assertSameDecision(
                    decision, reference.route(message, twin), message + " with twin " + twin);
            return decision;
        }
    }

    private static void assertSameDecision(
            RoutingDecision compiled, RoutingDecision reference, String what) {
        assertThat(comparable(compiled.routeResults()))
                .as(what)
                .isEqualTo(comparable(reference.routeResults()));
        assertThat(compiled.matchedRoutes()).as(what).isEqualTo(reference.matchedRoutes());
        assertThat(compiled.endpointNames()).as(what).isEqualTo(reference.endpointNames());
        for (int i = 0; i < compiled.deliveries().size(); i++) {
            assertThat(compiled.deliveries().get(i).appProperties())
                    .as(what)
                    .isEqualTo(reference.deliveries().get(i).appProperties());
        }
        assertThat(compiled.fallback()).as(what).isEqualTo(reference.fallback());
        assertThat(compiled.counters()).as(what).isEqualTo(reference.counters());
    }

    /**
     * The outcomes with the parser's own words left out of invalid-JSON reasons: the fast path's
     * scanner and the reference's Jackson describe a syntax error differently.
     */
    private static List<RouteOutcome> comparable(List<RouteOutcome> outcomes) {
        List<RouteOutcome> comparable = new ArrayList<>();
        for (RouteOutcome outcome : outcomes) {
            String reason = outcome.undefinedReason();
            int detail = reason == null ? -1 : reason.indexOf("not valid JSON (");
            comparable.add(
                    detail < 0
                            ? outcome
                            : new RouteOutcome(
                                    outcome.routeName(),
                                    outcome.result(),
                                    reason.substring(0, detail) + "not valid JSON"));
        }
        return comparable;
    }

    @Test
    void aThresholdEqualToTheValueHoldsOnlyForInclusiveOperators() {
        RoutingConfig config =
                config(
                        "$body.t > 5",
                        "$body.t >= 5",
                        "$body.t < 5",
                        "$body.t <= 5",
                        "5 < $body.t",
                        "5 <= $body.t",
                        "5.0 > $body.t",
                        "5 >= $body.t");

        assertThat(decide(config, message("{\"t\": 5}"), null).matchedRoutes())
                .containsExactly("R1", "R3", "R5", "R7");
        assertThat(decide(config, message("{\"t\": 5.000001}"), null).matchedRoutes())
                .containsExactly("R0", "R1", "R4", "R5");
        assertThat(decide(config, message("{\"t\": 4.999999}"), null).matchedRoutes())
                .containsExactly("R2", "R3", "R6", "R7");
    }

    @Test
    void minusZeroEqualsZero() {
        RoutingConfig config =
                config("$body.t = 0", "$body.t >= 0", "$body.t < -0", "$body.t = -0");

        assertThat(decide(config, message("{\"t\": -0}"), null).matchedRoutes())
                .containsExactly("R0", "R1", "R3");
        assertThat(decide(config, message("{\"t\": 0.0}"), null).matchedRoutes())
                .containsExactly("R0", "R1", "R3");
    }

    @Test
    void infiniteValuesAndThresholdsAreOrdered() {
        RoutingConfig config =
                config("$body.t > 1e308", "$body.t >= 1e400", "$body.t < - 1e400", "$body.t > 0");

        assertThat(decide(config, message("{\"t\": 1e999}"), null).matchedRoutes())
                .containsExactly("R0", "R1", "R3");
        assertThat(decide(config, message("{\"t\": -1e999}"), null).matchedRoutes()).isEmpty();
    }

    @Test
    void otherKindsAreOrderedBoolNumberStringNull() {
        RoutingConfig config = config("$body.t > 5", "$body.t >= 5", "$body.t < 5", "$body.t <= 5");

        // a bool is below every number; a string, JSON null and an unmatched path above
        assertThat(decide(config, message("{\"t\": true}"), null).matchedRoutes())
                .containsExactly("R2", "R3");
        assertThat(decide(config, message("{\"t\": \"1\"}"), null).matchedRoutes())
                .containsExactly("R0", "R1");
        assertThat(decide(config, message("{\"t\": null}"), null).matchedRoutes())
                .containsExactly("R0", "R1");
        assertThat(decide(config, message("{}"), null).matchedRoutes()).containsExactly("R0", "R1");
        // objects, arrays, date-like strings and an unreadable body are undefined
        for (String body :
                new String[] {"{\"t\": {}}", "{\"t\": [6]}", "{\"t\": \"2024-05-01T08:30:00Z\"}"}) {
            RoutingDecision decision = decide(config, message(body), null);
            assertThat(decision.matchedRoutes()).isEmpty();
            assertThat(decision.routeResults())
                    .extracting(RouteOutcome::result)
                    .containsOnly(RouteResult.UNDEFINED);
        }
        RoutingDecision invalid = decide(config, message("{\"t\": 6"), null);
        assertThat(invalid.routeResults().get(0).undefinedReason()).contains("JSON");
        assertThat(invalid.fallback()).isTrue();
    }

    @Test
    void manyRangesOnOnePathSelectExactlyTheTrueOnes() {
        String[] conditions = new String[1000];
        for (int i = 0; i < conditions.length; i++) {
            String operator = new String[] {">", ">=", "<", "<="}[i % 4];
            conditions[i] = "$body.t " + operator + " " + (i / 4);
        }
        Routers routers = new Routers(config(conditions));

        for (String value : new String[] {"-1", "0", "100", "124.5", "249", "250"}) {
            double t = Double.parseDouble(value);
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < conditions.length; i++) {
                int threshold = i / 4;
                boolean holds =
                        switch (i % 4) {
                            case 0 -> t > threshold;
                            case 1 -> t >= threshold;
                            case 2 -> t < threshold;
                            default -> t <= threshold;
                        };
                if (holds) {
                    expected.add("R" + i);
                }
            }
            assertThat(routers.decide(message("{\"t\": " + value + "}"), null).matchedRoutes())
                    .as(value)
                    .isEqualTo(expected);
        }
    }

    @Test
    void duplicateConditionsDeliverToEveryEndpoint() {
        RoutingConfig config =
                config(
                        "$body.t > 5",
                        "$body.t > 5",
                        "$body.t > 5",
                        "level = 'x'",
                        "LEVEL = 'x'",
                        "starts_with(level, 'x')",
                        "starts_with(Level, 'x')",
                        "ends_with(level, 'x')");

        RoutingDecision decision = decide(config, message("{\"t\": 6}", "level", "x"), null);

        assertThat(decision.matchedRoutes())
                .containsExactly("R0", "R1", "R2", "R3", "R4", "R5", "R6", "R7");
        assertThat(decision.endpointNames()).containsExactly("A", "B", "C", "D");
    }

    @Test
    void prefixesIncludingTheEmptyOneMatchEveryStartOfTheValue() {
        RoutingConfig config =
                config(
                        "starts_with($connectionDeviceId, '')",
                        "starts_with($connectionDeviceId, 's')",
                        "starts_with($connectionDeviceId, 'sensor-1')",
                        "starts_with($connectionDeviceId, 'sensor-17')",
                        "starts_with($connectionDeviceId, 'sensor-170')",
                        "starts_with($connectionDeviceId, 'Sensor')",
                        "starts_with($connectionDeviceId, 'sensor-2')",
                        "ends_with($connectionDeviceId, '')",
                        "ends_with($connectionDeviceId, '17')",
                        "ends_with($connectionDeviceId, 'sensor-17')",
                        "ends_with($connectionDeviceId, 'x-sensor-17')");

        assertThat(decide(config, message("{}"), null).matchedRoutes())
                .containsExactly("R0", "R1", "R2", "R3", "R7", "R8", "R9");
        Message noDevice =
                Message.builder(DEVICE)
                        .systemProperties(MessageProperties.of("connectionDeviceId", null))
                        .body("{}")
                        .build();
        RoutingDecision undefined = decide(config, noDevice, null);
        assertThat(undefined.routeResults())
                .extracting(RouteOutcome::result)
                .containsOnly(RouteResult.UNDEFINED);
        assertThat(undefined.fallback()).isTrue();
    }

    @Test
    void suffixesCompareUtf16Units() {
        RoutingConfig config =
                config(
                        "ends_with(level, '😀')",
                        "ends_with(level, '\\uDE00')",
                        "ends_with(level, 'a😀')");

        assertThat(decide(config, message("{}", "level", "xa😀"), null).matchedRoutes())
                .containsExactly("R0", "R1", "R2");
    }

    @Test
    void twinEqualitiesAreUndefinedWithoutATwin() {
        RoutingConfig config =
                config(
                        "$twin.tags.site = 'site-19'",
                        "$twin.properties.reported.fw = 3",
                        "$twin.tags.on = true",
                        "$twin.tags.site = 'site-2'",
                        "$twin.properties.reported.battery < 20");
        Twin twin =
                Twin.parse(
                        "{\"tags\": {\"site\": \"site-19\", \"on\": true}, \"properties\":"
                                + " {\"reported\": {\"fw\": 3.0, \"battery\": 12}}}");

        assertThat(decide(config, message("{}"), twin).matchedRoutes())
                .containsExactly("R0", "R1", "R2", "R4");
        RoutingDecision noTwin = decide(config, message("{}"), null);
        assertThat(noTwin.routeResults())
                .extracting(RouteOutcome::undefinedReason)
                .containsOnly("$twin is not queryable: no twin is known for device 'sensor-17'");
    }

    @Test
    void theBenchMixIsIndexedAndDecidedAsTheReferenceDoes() throws Exception {
        Path bench = Path.of("..", "..", "examples", "bench");
        RoutingConfig config =
                RoutingConfigLoader.withoutSecrets()
                        .load(bench.resolve("routes-mix-1000.yaml"))
                        .orThrow();
        JsonNode json = Json.MAPPER.readTree(bench.resolve("message.json").toFile());
        List<String> system = new ArrayList<>();
        json.get("systemProperties")
                .fields()
                .forEachRemaining(e -> system.addAll(List.of(e.getKey(), e.getValue().asText())));
        List<String> app = new ArrayList<>();
        json.get("appProperties")
                .fields()
                .forEachRemaining(e -> app.addAll(List.of(e.getKey(), e.getValue().asText())));
        Message message =
                Message.builder(DEVICE)
                        .systemProperties(MessageProperties.of(system.toArray(new String[0])))
                        .appProperties(MessageProperties.of(app.toArray(new String[0])))
                        .body(json.get("body").asText())
                        .build();
        Twin twin = Twin.parse(Files.readString(bench.resolve("twin.json")));

        RoutingDecision decision = new Routers(config).decide(message, twin);

        // a few routes of each kind match: what generate.py promises for the bench
        assertThat(decision.matchedRoutes())
                .containsExactly(
                        "route6",
                        "route7",
                        "route42",
                        "route98",
                        "route99",
                        "route376",
                        "route377",
                        "route746",
                        "route747");
        assertThat(decision.endpointNames())
                .containsExactly("hub2", "hub6", "hub7", "hub8", "hub9");
    }

    // ---- generated routes and messages ------------------------------------------------------

    private static final int CONFIGS = 12;
    private static final int ROUTES = 300;
    private static final int MESSAGES_PER_CONFIG = 150;

    @Test
    void indexedRoutesDecideAsTheReferenceDoes() {
        Random random = new Random(20261201L);
        int[][] outcomes = new int[4][3];
        for (int c = 0; c < CONFIGS; c++) {
            List<Route> routes = new ArrayList<>();
            for (int i = 0; i < ROUTES; i++) {
                List<String> endpoints = new ArrayList<>();
                endpoints.add(pick(random, ENDPOINTS));
                if (random.nextInt(4) == 0) {
                    endpoints.add(random.nextBoolean() ? "events" : pick(random, ENDPOINTS));
                }
                routes.add(
                        new Route(
                                "R" + i,
                                DEVICE,
                                condition(random),
                                endpoints.stream().distinct().toList(),
                                random.nextInt(20) > 0));
            }
            FallbackRoute fallback =
                    new FallbackRoute(
                            random.nextBoolean(),
                            List.of("events"),
                            random.nextBoolean() ? "" : "$body.t >= 0");
            RoutingConfig config = config(routes, fallback);
            IndexableCondition[] forms = new IndexableCondition[routes.size()];
            for (int i = 0; i < forms.length; i++) {
                forms[i] =
                        QueryLanguage.compileOrThrow(routes.get(i).condition(), DEVICE)
                                .indexable()
                                .orElse(null);
            }
            Router compiled = Router.create(config, Engine.COMPILED);
            Router reference = Router.create(config, Engine.REFERENCE);
            for (int m = 0; m < MESSAGES_PER_CONFIG; m++) {
                Message message = message(random);
                Twin twin = twin(random);
                RoutingDecision fast = compiled.route(message, twin);
                RoutingDecision slow = reference.route(message, twin);
                assertSameDecision(fast, slow, message + " with twin " + twin);
                for (int i = 0; i < fast.decidedRouteCount(); i++) {
                    IndexableCondition form = forms[fast.routeIndex(i)];
                    if (form != null) {
                        outcomes[formIndex(form)][fast.routeResult(i).ordinal()]++;
                    }
                }
            }
        }
        // every form must be decided true, false and undefined often, or this proves little
        for (int[] form : outcomes) {
            for (int count : form) {
                assertThat(count).as(Arrays.deepToString(outcomes)).isGreaterThan(1000);
            }
        }
    }

    private static int formIndex(IndexableCondition form) {
        if (form instanceof IndexableCondition.Equality) {
            return 0;
        }
        if (form instanceof IndexableCondition.Range) {
            return 1;
        }
        return form instanceof IndexableCondition.Prefix ? 2 : 3;
    }

    private static String pick(Random random, String[] options) {
        return options[random.nextInt(options.length)];
    }

    private static String number(Random random) {
        return switch (random.nextInt(8)) {
            case 0 -> "-0";
            case 1 -> Integer.toString(random.nextInt(20) - 5);
            case 2 -> (random.nextInt(40) - 10) / 2.0 + "";
            case 3 -> "1e400";
            default -> Integer.toString(random.nextInt(15));
        };
    }

    private static String prefixOf(Random random, String text) {
        return text.substring(0, random.nextInt(text.length() + 1));
    }

    private static String suffixOf(Random random, String text) {
        return text.substring(random.nextInt(text.length() + 1));
    }

    private static final String[] RANGES = {">", ">=", "<", "<="};

    private static String condition(Random random) {
        int k = random.nextInt(12);
        switch (random.nextInt(20)) {
            case 0:
                return "deviceType = 'type-" + k + "'";
            case 1:
                return "'type-" + k + "' = DEVICETYPE";
            case 2:
                return (random.nextBoolean() ? "$connectionDeviceId" : "{$connectionDeviceId}")
                        + " = 'sensor-"
                        + k
                        + "'";
            case 3:
                return "$twin.tags.site = " + (random.nextBoolean() ? "'site-" + k + "'" : k);
            case 4:
                return "$body.mode = "
                        + pick(random, new String[] {"'m1'", "'m2'", "1", "true", "false", "'1'"});
            case 5:
                return "$body.t = " + number(random);
            case 6:
            case 7:
            case 8:
                return random.nextBoolean()
                        ? "$body.t " + pick(random, RANGES) + " " + number(random)
                        : number(random) + " " + pick(random, RANGES) + " $body.t";
            case 9:
                return "$twin.properties.reported.battery "
                        + pick(random, RANGES)
                        + " "
                        + number(random);
            case 10:
            case 11:
                return "starts_with($connectionDeviceId, '"
                        + prefixOf(random, "sensor-" + k)
                        + "')";
            case 12:
                return "starts_with("
                        + pick(random, new String[] {"deviceType", "$body.mode", "$twin.tags.site"})
                        + ", '"
                        + prefixOf(random, pick(random, new String[] {"type-1", "m1", "site-1"}))
                        + "')";
            case 13:
                return "ends_with($connectionDeviceId, '" + suffixOf(random, "sensor-" + k) + "')";
            case 14:
                return "ends_with("
                        + pick(random, new String[] {"DeviceType", "$body.mode", "$twin.tags.site"})
                        + ", '"
                        + suffixOf(random, pick(random, new String[] {"type-1", "m1", "site-11"}))
                        + "')";
            case 15:
                // not indexed: evaluated next to the indexes
                return "$body.t > " + k + " AND deviceType = 'type-" + k + "'";
            case 16:
                return "NOT (deviceType = 'type-" + k + "')";
            case 17:
                return random.nextBoolean() ? "" : "$body.t != " + k;
            default:
                return "starts_with($body.mode, 'm') OR $twin.tags.site = 'site-" + k + "'";
        }
    }

    private static Message message(Random random) {
        List<String> app = new ArrayList<>();
        int type = random.nextInt(6);
        if (type < 5) {
            app.add(random.nextBoolean() ? "deviceType" : "DeviceType");
            app.add(type == 4 ? null : "type-" + random.nextInt(12));
        }
        List<String> system = new ArrayList<>();
        system.add("contentType");
        system.add(random.nextInt(10) == 0 ? "text/plain" : "application/json");
        system.add("contentEncoding");
        system.add("utf-8");
        int device = random.nextInt(8);
        if (device < 7) {
            system.add(device < 3 ? "iothub-connection-device-id" : "connectionDeviceId");
            system.add(device == 6 ? null : "sensor-" + random.nextInt(12));
        }
        if (random.nextInt(10) == 0) {
            // the application property shadows the system property for $connectionDeviceId
            app.add("$connectionDeviceId");
            app.add("sensor-" + random.nextInt(12));
        }
        StringBuilder body = new StringBuilder("{");
        String t =
                switch (random.nextInt(12)) {
                    case 0 -> null;
                    case 1 -> "null";
                    case 2 -> "\"5\"";
                    case 3 -> random.nextBoolean() ? "true" : "false";
                    case 4 -> "{}";
                    case 5 -> "\"2024-05-01T08:30:00Z\"";
                    case 6 -> "-0";
                    default -> number(random);
                };
        if (t != null) {
            body.append("\"t\": ").append(t);
        }
        String mode = pick(random, new String[] {"\"m1\"", "\"m2\"", "1", "true", "null", "[]"});
        body.append(t != null ? ", " : "").append("\"mode\": ").append(mode).append('}');
        String text = random.nextInt(15) == 0 ? body.substring(1) : body.toString();
        return Message.builder(DEVICE)
                .systemProperties(MessageProperties.of(system.toArray(new String[0])))
                .appProperties(MessageProperties.of(app.toArray(new String[0])))
                .body(text)
                .build();
    }

    private static Twin twin(Random random) {
        if (random.nextInt(5) == 0) {
            return null;
        }
        String site =
                switch (random.nextInt(5)) {
                    case 0 -> "null";
                    case 1 -> Integer.toString(random.nextInt(12));
                    default -> "\"site-" + random.nextInt(12) + "\"";
                };
        String battery = random.nextInt(4) == 0 ? "\"low\"" : number(random);
        return Twin.parse(
                "{\"tags\": {\"site\": "
                        + site
                        + "}, \"properties\": {\"reported\": {\"battery\": "
                        + battery
                        + "}}}");
    }
}
