package io.hubroute.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubroute.config.Route;
import io.hubroute.config.RoutingConfig;
import io.hubroute.message.Message;
import io.hubroute.message.MessageProperties;
import io.hubroute.message.RoutingSource;
import io.hubroute.message.Twin;
import io.hubroute.query.Engine;
import io.hubroute.routing.Delivery;
import io.hubroute.routing.RouteOutcome;
import io.hubroute.routing.Router;
import io.hubroute.routing.RoutingDecision;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/** {@code hubroute test-all}: IoT Hub's "Test all routes" against a route file. */
final class TestAllCommand implements Command {
    private static final ObjectMapper MAPPER =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Override
    public String name() {
        return "test-all";
    }

    @Override
    public String summary() {
        return "route one message through a route file (IoT Hub's Test all routes)";
    }

    @Override
    public String usage() {
        return String.join(
                "\n",
                "usage: hubroute test-all --routes routes.yaml --message m.json [--twin t.json] [--source DeviceMessages]",
                "",
                "Prints {\"routes\": [matched routes], \"results\": {route: true|false|undefined},",
                "\"deliveries\": [{\"endpoint\": ..., \"appProperties\": {...}}], \"fallback\": false}.",
                "Exit code 0; 2 for usage errors and invalid files.");
    }

    @Override
    public int run(List<String> arguments, InputStream in, PrintStream out, PrintStream err)
            throws Exception {
        Options options =
                Options.parse(
                        arguments, Set.of("--routes", "--message", "--twin", "--source"), Set.of());
        if (!options.positionals().isEmpty()) {
            throw new UsageException("unexpected argument " + options.positionals().get(0));
        }
        RoutingSource source = InputFiles.source(options.get("--source"));
        RoutingConfig config;
        Message message;
        Twin twin;
        try {
            config = InputFiles.routes(Path.of(options.require("--routes")));
            message = InputFiles.message(Path.of(options.require("--message")), source);
            twin =
                    InputFiles.twin(
                            options.get("--twin") == null ? null : Path.of(options.get("--twin")));
        } catch (InputFiles.InvalidInputException e) {
            err.println(e.getMessage());
            return 2;
        }
        RoutingDecision decision = Router.create(config, Engine.COMPILED).route(message, twin);
        out.println(MAPPER.writeValueAsString(toJson(config, decision)));
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
        root.put("fallback", decision.fallback());
        return root;
    }
}
