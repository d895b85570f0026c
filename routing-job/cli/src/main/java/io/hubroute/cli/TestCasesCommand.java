package io.hubroute.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubroute.config.ConfigProblem;
import io.hubroute.config.RoutingConfig;
import io.hubroute.config.YamlFile;
import io.hubroute.message.Message;
import io.hubroute.message.MessageJson;
import io.hubroute.message.MessageProperties;
import io.hubroute.message.RoutingSource;
import io.hubroute.message.Twin;
import io.hubroute.query.Engine;
import io.hubroute.query.RouteResult;
import io.hubroute.routing.Delivery;
import io.hubroute.routing.Router;
import io.hubroute.routing.RoutingDecision;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;

/** {@code hubroute test}: runs the route test cases users keep beside their routes. */
final class TestCasesCommand implements Command {
    private static final ObjectMapper MAPPER =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Set<String> TOP_KEYS = ordered("routes", "cases");
    private static final Set<String> CASE_KEYS =
            ordered("name", "source", "message", "twin", "expect");
    private static final Set<String> EXPECT_KEYS =
            ordered("routes", "endpoints", "fallback", "results", "appProperties");

    @Override
    public String name() {
        return "test";
    }

    @Override
    public String summary() {
        return "run route test cases (expected routes, endpoints, results, enrichments)";
    }

    @Override
    public String usage() {
        return String.join(
                "\n",
                "usage: hubroute test CASES.yaml [--routes routes.yaml] [--report-json FILE] [--junit-xml FILE]",
                "",
                "CASES.yaml:",
                "  routes: routes.yaml          # relative to CASES.yaml; --routes overrides",
                "  cases:",
                "    - name: critical readings go to the queue",
                "      source: DeviceMessages    # default",
                "      message: {systemProperties: {...}, appProperties: {...}, body: '...'}",
                "      twin: {tags: {...}}       # optional",
                "      expect:                   # every key optional",
                "        routes: [SBQueueRoute]  # exactly the routes that evaluate true",
                "        endpoints: [CriticalQueue]",
                "        fallback: false",
                "        results: {StorageRoute: \"false\"}",
                "        appProperties: {CriticalQueue: {hub: demo-hub}}",
                "",
                "Exit code 0 when every case passes, 1 when any fails, 2 when a file is invalid.");
    }

    /** One parsed case. */
    private record TestCase(
            String name,
            Message message,
            Twin twin,
            List<String> routes,
            List<String> endpoints,
            Boolean fallback,
            Map<String, String> results,
            Map<String, Map<String, String>> appProperties) {}

    /** One case's outcome. */
    private record Outcome(String name, List<String> failures) {
        boolean passed() {
            return failures.isEmpty();
        }
    }

    @Override
    public int run(List<String> arguments, InputStream in, PrintStream out, PrintStream err)
            throws Exception {
        Options options =
                Options.parse(
                        arguments, Set.of("--routes", "--report-json", "--junit-xml"), Set.of());
        if (options.positionals().size() != 1) {
            throw new UsageException("give exactly one test cases file");
        }
        Path casesFile = Path.of(options.positionals().get(0));
        String text;
        try {
            text = Files.readString(casesFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            err.println(casesFile + ":1:1: cannot read: " + e);
            return 2;
        }
        YamlFile yaml = YamlFile.parse(text, casesFile.toString());
        Map<String, NodeTuple> top =
                yaml.root() == null
                        ? null
                        : yaml.mapping(yaml.root(), "the test cases file", TOP_KEYS);
        if (top == null) {
            return invalid(yaml, err);
        }
        Path routesFile;
        if (options.get("--routes") != null) {
            routesFile = Path.of(options.get("--routes"));
        } else if (top.containsKey("routes")) {
            String routes = yaml.string(top.get("routes").getValueNode(), "routes");
            if (routes == null) {
                return invalid(yaml, err);
            }
            Path directory = casesFile.toAbsolutePath().getParent();
            routesFile = directory == null ? Path.of(routes) : directory.resolve(routes);
        } else {
            yaml.problem(
                    yaml.root(), "no route file", "add `routes: routes.yaml` or pass --routes");
            return invalid(yaml, err);
        }
        RoutingConfig config;
        try {
            config = InputFiles.routes(routesFile);
        } catch (InputFiles.InvalidInputException e) {
            err.println(e.getMessage());
            return 2;
        }
        List<TestCase> cases = new ArrayList<>();
        if (!top.containsKey("cases")) {
            yaml.problem(yaml.root(), "no cases", "add `cases:` with at least one case");
        } else {
            List<Node> items = yaml.sequence(top.get("cases").getValueNode(), "cases");
            if (items != null) {
                for (Node item : items) {
                    TestCase testCase = readCase(yaml, item, config);
                    if (testCase != null) {
                        cases.add(testCase);
                    }
                }
            }
        }
        if (yaml.hasProblems()) {
            return invalid(yaml, err);
        }

        Router router = Router.create(config, Engine.COMPILED);
        List<Outcome> outcomes = new ArrayList<>();
        for (TestCase testCase : cases) {
            Outcome outcome =
                    new Outcome(
                            testCase.name(),
                            check(testCase, router.route(testCase.message(), testCase.twin())));
            outcomes.add(outcome);
            out.println((outcome.passed() ? "PASS  " : "FAIL  ") + outcome.name());
            for (String failure : outcome.failures()) {
                out.println("      " + failure);
            }
        }
        long failed = outcomes.stream().filter(outcome -> !outcome.passed()).count();
        out.println((outcomes.size() - failed) + " passed, " + failed + " failed");
        if (options.get("--report-json") != null) {
            Files.writeString(
                    Path.of(options.get("--report-json")),
                    reportJson(casesFile, routesFile, outcomes));
        }
        if (options.get("--junit-xml") != null) {
            Files.writeString(Path.of(options.get("--junit-xml")), junitXml(casesFile, outcomes));
        }
        return failed == 0 ? 0 : 1;
    }

    private static int invalid(YamlFile yaml, PrintStream err) {
        for (ConfigProblem problem : yaml.problems()) {
            err.println(problem);
        }
        return 2;
    }

    private static TestCase readCase(YamlFile yaml, Node node, RoutingConfig config) {
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
        return new TestCase(
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
            if (!(properties instanceof org.snakeyaml.engine.v2.nodes.MappingNode)) {
                yaml.problem(
                        properties,
                        "expected application properties of '"
                                + entry.getKey()
                                + "' must be a mapping",
                        "write {name: value, ...}");
                continue;
            }
            Map<String, String> expected = new LinkedHashMap<>();
            for (NodeTuple property :
                    ((org.snakeyaml.engine.v2.nodes.MappingNode) properties).getValue()) {
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

    private static List<String> check(TestCase testCase, RoutingDecision decision) {
        List<String> failures = new ArrayList<>();
        if (testCase.routes() != null
                && !new TreeSet<>(testCase.routes())
                        .equals(new TreeSet<>(decision.matchedRoutes()))) {
            failures.add(
                    "routes: expected "
                            + testCase.routes()
                            + " but got "
                            + decision.matchedRoutes());
        }
        if (testCase.endpoints() != null
                && !new TreeSet<>(testCase.endpoints())
                        .equals(new TreeSet<>(decision.endpointNames()))) {
            failures.add(
                    "endpoints: expected "
                            + testCase.endpoints()
                            + " but got "
                            + decision.endpointNames());
        }
        if (testCase.fallback() != null && testCase.fallback() != decision.fallback()) {
            failures.add(
                    "fallback: expected "
                            + testCase.fallback()
                            + " but got "
                            + decision.fallback());
        }
        if (testCase.results() != null) {
            for (Map.Entry<String, String> expected : testCase.results().entrySet()) {
                String actual =
                        decision.result(expected.getKey())
                                .map(RouteResult::text)
                                .orElse("not evaluated");
                if (!actual.equals(expected.getValue())) {
                    failures.add(
                            "results."
                                    + expected.getKey()
                                    + ": expected "
                                    + expected.getValue()
                                    + " but got "
                                    + actual);
                }
            }
        }
        if (testCase.appProperties() != null) {
            for (Map.Entry<String, Map<String, String>> endpoint :
                    testCase.appProperties().entrySet()) {
                Delivery delivery = null;
                for (Delivery candidate : decision.deliveries()) {
                    if (candidate.endpointName().equals(endpoint.getKey())) {
                        delivery = candidate;
                    }
                }
                if (delivery == null) {
                    failures.add(
                            "appProperties."
                                    + endpoint.getKey()
                                    + ": the message was not delivered to "
                                    + endpoint.getKey());
                    continue;
                }
                MessageProperties actual = delivery.appProperties();
                for (Map.Entry<String, String> property : endpoint.getValue().entrySet()) {
                    String where = "appProperties." + endpoint.getKey() + "." + property.getKey();
                    if (!actual.contains(property.getKey())) {
                        failures.add(
                                where
                                        + ": expected "
                                        + quoted(property.getValue())
                                        + " but it is missing");
                    } else if (!java.util.Objects.equals(
                            actual.get(property.getKey()), property.getValue())) {
                        failures.add(
                                where
                                        + ": expected "
                                        + quoted(property.getValue())
                                        + " but got "
                                        + quoted(actual.get(property.getKey())));
                    }
                }
            }
        }
        return failures;
    }

    private static String quoted(String value) {
        return value == null ? "null" : "\"" + value + "\"";
    }

    private static String reportJson(Path casesFile, Path routesFile, List<Outcome> outcomes)
            throws IOException {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("cases", casesFile.toString());
        root.put("routes", routesFile.toString());
        long failed = outcomes.stream().filter(outcome -> !outcome.passed()).count();
        root.put("passed", outcomes.size() - failed);
        root.put("failed", failed);
        ArrayNode results = root.putArray("results");
        for (Outcome outcome : outcomes) {
            ObjectNode entry = results.addObject();
            entry.put("name", outcome.name());
            entry.put("passed", outcome.passed());
            ArrayNode failures = entry.putArray("failures");
            outcome.failures().forEach(failures::add);
        }
        return MAPPER.writeValueAsString(root) + "\n";
    }

    private static String junitXml(Path casesFile, List<Outcome> outcomes) {
        long failed = outcomes.stream().filter(outcome -> !outcome.passed()).count();
        String suite = xml(casesFile.getFileName().toString());
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        xml.append("<testsuite name=\"")
                .append(suite)
                .append("\" tests=\"")
                .append(outcomes.size())
                .append("\" failures=\"")
                .append(failed)
                .append("\" errors=\"0\" skipped=\"0\">\n");
        for (Outcome outcome : outcomes) {
            xml.append("  <testcase classname=\"")
                    .append(suite)
                    .append("\" name=\"")
                    .append(xml(outcome.name()))
                    .append('"');
            if (outcome.passed()) {
                xml.append("/>\n");
            } else {
                xml.append(">\n    <failure message=\"")
                        .append(xml(outcome.failures().get(0)))
                        .append("\">")
                        .append(xml(String.join("\n", outcome.failures())))
                        .append("</failure>\n  </testcase>\n");
            }
        }
        return xml.append("</testsuite>\n").toString();
    }

    private static String xml(String text) {
        return text.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;");
    }

    private static Node value(Map<String, NodeTuple> entries, String key) {
        return entries.get(key).getValueNode();
    }

    private static Set<String> ordered(String... keys) {
        return new LinkedHashSet<>(List.of(keys));
    }
}
