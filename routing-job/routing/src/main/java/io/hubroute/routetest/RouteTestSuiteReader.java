package io.hubroute.routetest;

import io.hubroute.config.RoutingConfig;
import io.hubroute.config.RoutingConfigLoader;
import io.hubroute.config.YamlFile;
import io.hubroute.message.Message;
import io.hubroute.message.MessageJson;
import io.hubroute.message.RoutingSource;
import io.hubroute.message.Twin;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;

/**
 * Reads a cases file into a {@link RouteTestSuite}, recording every problem at its position and
 * reporting them all at once.
 */
final class RouteTestSuiteReader {
    private static final Set<String> TOP_KEYS = ordered("routes", "cases");
    private static final Set<String> CASE_KEYS =
            ordered("name", "source", "message", "twin", "expect");
    private static final Set<String> EXPECT_KEYS =
            ordered("routes", "endpoints", "fallback", "results", "appProperties");

    private RouteTestSuiteReader() {}

    static RouteTestSuite.Result read(Path casesFile, Path routesOverride) {
        YamlFile yaml = YamlFile.read(casesFile);
        Map<String, NodeTuple> top =
                yaml.root() == null
                        ? null
                        : yaml.mapping(yaml.root(), "the test cases file", TOP_KEYS);
        if (top == null) {
            return invalid(yaml);
        }
        Path routesFile;
        if (routesOverride != null) {
            routesFile = routesOverride;
        } else if (top.containsKey("routes")) {
            String routes = yaml.string(top.get("routes").getValueNode(), "routes");
            if (routes == null) {
                return invalid(yaml);
            }
            Path directory = casesFile.toAbsolutePath().getParent();
            routesFile = directory == null ? Path.of(routes) : directory.resolve(routes);
        } else {
            yaml.problem(
                    yaml.root(), "no route file", "add `routes: routes.yaml` or pass --routes");
            return invalid(yaml);
        }
        RoutingConfigLoader.Result loaded = RoutingConfigLoader.withoutSecrets().load(routesFile);
        if (!loaded.isValid()) {
            // the cases are checked against the routes: without valid routes there is no point
            return new RouteTestSuite.Result(null, loaded.problems());
        }
        RoutingConfig config = loaded.orThrow();
        List<RouteTestCase> cases = new ArrayList<>();
        if (!top.containsKey("cases")) {
            yaml.problem(yaml.root(), "no cases", "add `cases:` with at least one case");
        } else {
            List<Node> items = yaml.sequence(top.get("cases").getValueNode(), "cases");
            if (items != null) {
                for (Node item : items) {
                    RouteTestCase testCase = readCase(yaml, item, config);
                    if (testCase != null) {
                        cases.add(testCase);
                    }
                }
            }
        }
        if (yaml.hasProblems()) {
            return invalid(yaml);
        }
        return new RouteTestSuite.Result(
                new RouteTestSuite(casesFile, routesFile, config, cases), List.of());
    }

    private static RouteTestSuite.Result invalid(YamlFile yaml) {
        return new RouteTestSuite.Result(null, yaml.problems());
    }

    private static RouteTestCase readCase(YamlFile yaml, Node node, RoutingConfig config) {
        Map<String, NodeTuple> entries = yaml.mapping(node, "a case", CASE_KEYS);
        if (entries == null) {
            return null;
        }
        if (!entries.containsKey("name")) {
            yaml.problem(node, "a case has no name", "add `name: <what the case checks>`");
            return null;
        }
        String name = yaml.string(value(entries, "name"), "a case name");
        RoutingSource source = RoutingSource.DEVICE_MESSAGES;
        if (entries.containsKey("source")) {
            String sourceName = yaml.string(value(entries, "source"), "source");
            Optional<RoutingSource> parsed =
                    sourceName == null ? Optional.empty() : RoutingSource.fromName(sourceName);
            if (sourceName != null && parsed.isEmpty()) {
                yaml.problem(
                        value(entries, "source"),
                        "unknown source '" + sourceName + "'",
                        "use one of " + RoutingSource.acceptedNames());
            }
            source = parsed.orElse(source);
        }
        Message message = null;
        if (!entries.containsKey("message")) {
            yaml.problem(
                    node,
                    "case '" + name + "' has no message",
                    "add `message: {systemProperties: {...}, appProperties: {...}, body: '...'}`");
        } else {
            try {
                message =
                        MessageJson.parseMessage(
                                YamlFile.toJson(value(entries, "message")), source);
            } catch (IllegalArgumentException e) {
                yaml.problem(
                        value(entries, "message"),
                        "case '" + name + "': " + e.getMessage(),
                        "write the message as {systemProperties: {...}, appProperties: {...}, body: '...'}");
            }
        }
        Twin twin = null;
        if (entries.containsKey("twin")) {
            try {
                twin = MessageJson.parseTwin(YamlFile.toJson(value(entries, "twin")));
            } catch (IllegalArgumentException e) {
                yaml.problem(
                        value(entries, "twin"),
                        "case '" + name + "': " + e.getMessage(),
                        "write the twin as {tags: {...}, properties: {desired: {...}, reported: {...}}}");
            }
        }
        List<String> routes = null;
        List<String> endpoints = null;
        Boolean fallback = null;
        Map<String, String> results = null;
        Map<String, Map<String, String>> appProperties = null;
        if (entries.containsKey("expect")) {
            Map<String, NodeTuple> expect =
                    yaml.mapping(value(entries, "expect"), "expect", EXPECT_KEYS);
            if (expect != null) {
                Set<String> routeNames = new LinkedHashSet<>();
                config.routes().forEach(route -> routeNames.add(route.name()));
                Set<String> endpointNames = new LinkedHashSet<>();
                config.allEndpoints().forEach(endpoint -> endpointNames.add(endpoint.name()));
                if (expect.containsKey("routes")) {
                    routes = names(yaml, value(expect, "routes"), "route", routeNames);
                }
                if (expect.containsKey("endpoints")) {
                    endpoints = names(yaml, value(expect, "endpoints"), "endpoint", endpointNames);
                }
                if (expect.containsKey("fallback")) {
                    fallback = yaml.bool(value(expect, "fallback"), "expect.fallback");
                }
                if (expect.containsKey("results")) {
                    results = readResults(yaml, value(expect, "results"), routeNames);
                }
                if (expect.containsKey("appProperties")) {
                    appProperties =
                            readAppProperties(yaml, value(expect, "appProperties"), endpointNames);
                }
            }
        }
        if (name == null || message == null) {
            return null;
        }
        return new RouteTestCase(
                name, message, twin, routes, endpoints, fallback, results, appProperties);
    }

    private static List<String> names(YamlFile yaml, Node node, String kind, Set<String> known) {
        List<Node> items = yaml.sequence(node, "the expected " + kind + "s");
        if (items == null) {
            return null;
        }
        List<String> names = new ArrayList<>();
        for (Node item : items) {
            String name = yaml.string(item, "a " + kind + " name");
            if (name != null && !known.contains(name)) {
                yaml.problem(
                        item,
                        "unknown " + kind + " '" + name + "'",
                        "use one of: " + String.join(", ", known));
            } else if (name != null) {
                names.add(name);
            }
        }
        return names;
    }

    private static Map<String, String> readResults(
            YamlFile yaml, Node node, Set<String> routeNames) {
        Map<String, NodeTuple> entries = yaml.mapping(node, "expect.results", routeNames);
        if (entries == null) {
            return null;
        }
        Map<String, String> results = new LinkedHashMap<>();
        for (Map.Entry<String, NodeTuple> entry : entries.entrySet()) {
            String result = yaml.string(entry.getValue().getValueNode(), "a route result");
            if (result != null
                    && !result.equals("true")
                    && !result.equals("false")
                    && !result.equals("undefined")) {
                yaml.problem(
                        entry.getValue().getValueNode(),
                        "unknown route result '" + result + "'",
                        "use \"true\", \"false\" or \"undefined\"");
            } else if (result != null) {
                results.put(entry.getKey(), result);
            }
        }
        return results;
    }

    private static Map<String, Map<String, String>> readAppProperties(
            YamlFile yaml, Node node, Set<String> endpointNames) {
        Map<String, NodeTuple> entries = yaml.mapping(node, "expect.appProperties", endpointNames);
        if (entries == null) {
            return null;
        }
        Map<String, Map<String, String>> byEndpoint = new LinkedHashMap<>();
        for (Map.Entry<String, NodeTuple> entry : entries.entrySet()) {
            Node properties = entry.getValue().getValueNode();
            if (!(properties instanceof MappingNode)) {
                yaml.problem(
                        properties,
                        "expected application properties of '"
                                + entry.getKey()
                                + "' must be a mapping",
                        "write {name: value, ...}");
                continue;
            }
            Map<String, String> expected = new LinkedHashMap<>();
            for (NodeTuple property : ((MappingNode) properties).getValue()) {
                String name = yaml.string(property.getKeyNode(), "a property name");
                Node valueNode = property.getValueNode();
                String value =
                        YamlFile.isNull(valueNode)
                                ? null
                                : yaml.string(valueNode, "a property value");
                if (name != null) {
                    expected.put(name, value);
                }
            }
            byEndpoint.put(entry.getKey(), expected);
        }
        return byEndpoint;
    }

    private static Node value(Map<String, NodeTuple> entries, String key) {
        return entries.get(key).getValueNode();
    }

    private static Set<String> ordered(String... keys) {
        return new LinkedHashSet<>(List.of(keys));
    }
}
