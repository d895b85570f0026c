package io.hubroute.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubroute.config.Route;
import io.hubroute.config.RoutingConfig;
import io.hubroute.message.Json;
import io.hubroute.message.MessageProperties;
import io.hubroute.query.Engine;
import io.hubroute.routing.Delivery;
import io.hubroute.routing.InvalidDelivery;
import io.hubroute.routing.RouteOutcome;
import io.hubroute.routing.Router;
import io.hubroute.routing.RoutingDecision;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code hubroute test-all}: IoT Hub's "Test all routes" against a route file. */
@Command(
        name = "test-all",
        sortOptions = false,
        sortSynopsis = false,
        description = {
            "route one message through a route file (IoT Hub's Test all routes)",
            "%nPrints {\"routes\": [matched routes], \"results\": {route: true|false|undefined},",
            "\"deliveries\": [{\"endpoint\": ..., \"appProperties\": {...}}], \"fallback\": false};"
                    + " deliveries over IoT Hub's 256 KB limit once enriched are listed under"
                    + " \"invalidDeliveries\" with their size and reason."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:routed", "2:usage error, or an invalid route, message or twin file"})
final class TestAllCommand implements Callable<Integer> {
    private static final ObjectMapper MAPPER = Json.MAPPER;

    @Mixin private RouteInputs inputs;

    @Mixin private HelpOption help;

    private final Streams streams;

    TestAllCommand(Streams streams) {
        this.streams = streams;
    }

    @Override
    public Integer call() throws Exception {
        RouteInputs.Read read;
        try {
            read = inputs.read();
        } catch (InputFiles.InvalidInputException e) {
            streams.err().println(e.getMessage());
            return 2;
        }
        RoutingDecision decision =
                Router.create(read.config(), Engine.COMPILED).route(read.message(), read.twin());
        streams.out().println(Json.PRETTY.writeValueAsString(toJson(read.config(), decision)));
        return 0;
    }

    static ObjectNode toJson(RoutingConfig config, RoutingDecision decision) {
        ObjectNode root = MAPPER.createObjectNode();
        ArrayNode routes = root.putArray("routes");
        for (String name : decision.matchedRoutes()) {
            Route route = config.route(name).orElseThrow();
            ObjectNode properties = routes.addObject().putObject("properties");
            properties.put("name", route.name());
            properties.put("source", route.source().iotHubName());
            properties.put("condition", route.condition());
            ArrayNode endpoints = properties.putArray("endpointNames");
            route.endpointNames().forEach(endpoints::add);
            properties.put("isEnabled", route.enabled());
        }
        ObjectNode results = root.putObject("results");
        for (RouteOutcome outcome : decision.routeResults()) {
            results.put(outcome.routeName(), outcome.result().text());
        }
        ArrayNode deliveries = root.putArray("deliveries");
        for (Delivery delivery : decision.deliveries()) {
            ObjectNode entry = deliveries.addObject();
            entry.put("endpoint", delivery.endpointName());
            ObjectNode properties = entry.putObject("appProperties");
            for (MessageProperties.Property property : delivery.appProperties().entries()) {
                properties.put(property.name(), property.value());
            }
        }
        if (!decision.invalidDeliveries().isEmpty()) {
            // selected for these endpoints but too large once enriched: not delivered, and why
            ArrayNode invalid = root.putArray("invalidDeliveries");
            for (InvalidDelivery delivery : decision.invalidDeliveries()) {
                ObjectNode entry = invalid.addObject();
                entry.put("endpoint", delivery.endpointName());
                entry.put("messageBytes", delivery.messageBytes());
                entry.put("reason", delivery.reason());
            }
        }
        root.put("fallback", decision.fallback());
        return root;
    }
}
