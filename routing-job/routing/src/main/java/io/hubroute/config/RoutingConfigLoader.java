package io.hubroute.config;

import io.hubroute.enrichment.Enrichment;
import io.hubroute.enrichment.EnrichmentValue;
import io.hubroute.message.RoutingSource;
import io.hubroute.query.CompilationResult;
import io.hubroute.query.CompileError;
import io.hubroute.query.QueryLanguage;
import io.hubroute.query.SourcePosition;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * Reads a route file (YAML that mirrors IoT Hub's {@code properties.routing}) into a {@link
 * RoutingConfig}, checking every rule and reporting every problem at once with file:line:column and
 * a fix: names, unknown endpoints, storage settings, route condition compile errors (positioned
 * inside the YAML), enrichments and secret references.
 *
 * <pre>{@code
 * RoutingConfig config = RoutingConfigLoader.resolvingSecrets(SecretLookup.system())
 *     .load(Path.of("routes.yaml"))
 *     .orThrow();
 * }</pre>
 */
public final class RoutingConfigLoader {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9\\-._]{1,64}");
    private static final String NAME_FIX = "use 1 to 64 letters, digits, '-', '.' or '_'";
    private static final Set<String> RESERVED_NAMES =
            Set.of("events", "filenotifications", "$default");
    private static final Set<String> TOP_KEYS =
            ordered(
                    "hubName",
                    "builtInEndpoint",
                    "endpoints",
                    "routes",
                    "fallbackRoute",
                    "enrichments");
    private static final Set<String> BUILT_IN_KEYS =
            ordered("connectionString", "entityPath", "deliveryGuarantee");
    private static final Set<String> ENDPOINT_LIST_KEYS =
            ordered(
                    "storageContainers",
                    "serviceBusQueues",
                    "serviceBusTopics",
                    "eventHubs",
                    "cosmosDBSqlContainers",
                    "cosmosDBSqlCollections");

    /** Resource-model members that describe the Azure resource and do not matter here. */
    private static final List<String> ARM_ONLY_KEYS =
            List.of("id", "subscriptionId", "resourceGroup", "authenticationType", "identity");

    private static final Set<String> MESSAGING_KEYS =
            ordered(
                    "name",
                    "connectionString",
                    "endpointUri",
                    "entityPath",
                    "deliveryGuarantee",
                    ARM_ONLY_KEYS);
    private static final Set<String> STORAGE_KEYS =
            ordered(
                    "name",
                    "connectionString",
                    "endpointUri",
                    "containerName",
                    "encoding",
                    "fileNameFormat",
                    "batchFrequencyInSeconds",
                    "maxChunkSizeInBytes",
                    ARM_ONLY_KEYS);
    private static final Set<String> ROUTE_KEYS =
            ordered("name", "source", "condition", "endpointNames", "isEnabled");
    private static final Set<String> FALLBACK_KEYS =
            ordered("name", "source", "condition", "endpointNames", "isEnabled");
    private static final Set<String> ENRICHMENT_KEYS = ordered("key", "value", "endpointNames");

    private final SecretLookup secrets;

    private RoutingConfigLoader(SecretLookup secrets) {
        this.secrets = secrets;
    }

    /**
     * A loader that resolves {@code ${env:NAME}} and {@code ${file:PATH}} references (relative
     * paths against the route file's directory); a missing one is a problem naming the endpoint and
     * the reference.
     */
    public static RoutingConfigLoader resolvingSecrets(SecretLookup secrets) {
        return new RoutingConfigLoader(Objects.requireNonNull(secrets, "secrets"));
    }

    /**
     * A loader that checks the form of secret references but does not resolve them: for offline
     * checks and route tests, which never connect to an endpoint.
     */
    public static RoutingConfigLoader withoutSecrets() {
        return new RoutingConfigLoader(null);
    }

    /** Loads a route file; an unreadable file or one that is not UTF-8 is reported as a problem. */
    public Result load(Path file) {
        return parse(YamlFile.read(file), file.toAbsolutePath().getParent());
    }

    /**
     * Parses route file text.
     *
     * @param fileName how problems name the file
     * @param directory what relative {@code ${file:...}} paths are resolved against
     */
    public Result parse(String text, String fileName, Path directory) {
        return parse(YamlFile.parse(text, fileName), directory);
    }

    private Result parse(YamlFile yaml, Path directory) {
        if (yaml.root() == null) {
            return new Result(null, yaml.problems());
        }
        RoutingConfig config = new Reader(yaml, directory).read();
        List<ConfigProblem> problems = yaml.problems();
        return new Result(problems.isEmpty() ? config : null, problems);
    }

    /** A loaded configuration, or the problems that prevent one. */
    public static final class Result {
        private final RoutingConfig config;
        private final List<ConfigProblem> problems;

        Result(RoutingConfig config, List<ConfigProblem> problems) {
            this.config = config;
            this.problems = List.copyOf(problems);
        }

        /** Present when there are no problems. */
        public Optional<RoutingConfig> config() {
            return Optional.ofNullable(config);
        }

        public List<ConfigProblem> problems() {
            return problems;
        }

        public boolean isValid() {
            return config != null;
        }

        /** The configuration, or a {@link RoutingConfigException} listing every problem. */
        public RoutingConfig orThrow() {
            if (config == null) {
                throw new RoutingConfigException(problems);
            }
            return config;
        }
    }

    /** One pass over one file. */
    private final class Reader {
        private final YamlFile yaml;
        private final Path directory;

        /** Endpoint names (as written) to the node that declared them, for duplicate reports. */
        private final Map<String, String> declaredEndpoints = new HashMap<>();

        private final List<String> knownEndpointNames = new ArrayList<>();
        private final List<EndpointReference> endpointReferences = new ArrayList<>();

        Reader(YamlFile yaml, Path directory) {
            this.yaml = yaml;
            this.directory = directory;
        }

        RoutingConfig read() {
            Map<String, NodeTuple> top = yaml.mapping(yaml.root(), "the route file", TOP_KEYS);
            if (top == null) {
                return null;
            }
            String hubName = null;
            if (top.containsKey("hubName")) {
                hubName = yaml.string(value(top, "hubName"), "hubName");
            } else {
                yaml.problem(
                        1,
                        1,
                        "hubName is missing",
                        "add `hubName: <your hub's name>` ($iothubname resolves to it)");
            }
            knownEndpointNames.add(Endpoint.EVENTS);
            Endpoint builtIn =
                    top.containsKey("builtInEndpoint")
                            ? readBuiltIn(value(top, "builtInEndpoint"))
                            : Endpoint.builtInEvents(null, null);
            List<Endpoint> endpoints =
                    top.containsKey("endpoints")
                            ? readEndpoints(value(top, "endpoints"))
                            : List.of();
            List<Route> routes =
                    top.containsKey("routes") ? readRoutes(value(top, "routes")) : List.of();
            FallbackRoute fallback =
                    top.containsKey("fallbackRoute")
                            ? readFallback(value(top, "fallbackRoute"))
                            : FallbackRoute.defaultRoute();
            List<Enrichment> enrichments =
                    top.containsKey("enrichments")
                            ? readEnrichments(value(top, "enrichments"))
                            : List.of();
            checkEndpointReferences();
            if (yaml.hasProblems()) {
                return null;
            }
            return new RoutingConfig(hubName, builtIn, endpoints, routes, fallback, enrichments);
        }

        private Endpoint readBuiltIn(Node node) {
            if (YamlFile.isNull(node)) {
                return Endpoint.builtInEvents(null, null);
            }
            Map<String, NodeTuple> entries = yaml.mapping(node, "builtInEndpoint", BUILT_IN_KEYS);
            if (entries == null) {
                return null;
            }
            Secret connection =
                    entries.containsKey("connectionString")
                            ? secret(value(entries, "connectionString"), Endpoint.EVENTS)
                            : null;
            String entityPath = optionalString(entries, "entityPath", "builtInEndpoint.entityPath");
            return Endpoint.builtInEvents(
                    connection,
                    entityPath,
                    deliveryGuarantee(entries, Endpoint.EVENTS, EndpointKind.BUILT_IN_EVENTS));
        }

        private List<Endpoint> readEndpoints(Node node) {
            List<Endpoint> endpoints = new ArrayList<>();
            if (YamlFile.isNull(node)) {
                return endpoints;
            }
            Map<String, NodeTuple> lists = yaml.mapping(node, "endpoints", ENDPOINT_LIST_KEYS);
            if (lists == null) {
                return endpoints;
            }
            for (Map.Entry<String, NodeTuple> list : lists.entrySet()) {
                String listName = list.getKey();
                if (listName.startsWith("cosmosDB")) {
                    yaml.problem(
                            list.getValue().getKeyNode(),
                            "Cosmos DB endpoints are not supported",
                            "remove "
                                    + listName
                                    + " and route those messages to another endpoint kind");
                    continue;
                }
                EndpointKind kind = kindOf(listName);
                List<Node> items =
                        yaml.sequence(list.getValue().getValueNode(), "endpoints." + listName);
                if (items == null) {
                    continue;
                }
                for (Node item : items) {
                    Endpoint endpoint = readEndpoint(item, kind);
                    if (endpoint != null) {
                        endpoints.add(endpoint);
                    }
                }
            }
            return endpoints;
        }

        private EndpointKind kindOf(String listName) {
            for (EndpointKind kind : EndpointKind.values()) {
                if (kind.listName().equals(listName)) {
                    return kind;
                }
            }
            throw new IllegalStateException(listName);
        }

        private Endpoint readEndpoint(Node node, EndpointKind kind) {
            boolean storage = kind == EndpointKind.STORAGE_CONTAINER;
            String what = "an endpoint in " + kind.listName();
            Map<String, NodeTuple> entries =
                    yaml.mapping(node, what, storage ? STORAGE_KEYS : MESSAGING_KEYS);
            if (entries == null) {
                return null;
            }
            if (!entries.containsKey("name")) {
                yaml.problem(node, what + " has no name", "add `name: <endpoint name>`");
                return null;
            }
            Node nameNode = value(entries, "name");
            String name = yaml.string(nameNode, "an endpoint name");
            if (name == null || !declareEndpoint(nameNode, name)) {
                return null;
            }
            Secret connection = null;
            String endpointUri =
                    optionalString(entries, "endpointUri", "endpoint '" + name + "' endpointUri");
            if (entries.containsKey("connectionString")) {
                connection = secret(value(entries, "connectionString"), name);
                if (storage && connection != null) {
                    checkFileSystemUri(value(entries, "connectionString"), connection, name);
                }
            } else if (endpointUri == null) {
                yaml.problem(
                        node,
                        "endpoint '" + name + "' has no connectionString",
                        "add `connectionString: ${env:"
                                + environmentName(name)
                                + "}` (or endpointUri for identity-based access)");
            }
            if (!storage) {
                String entityPath =
                        optionalString(entries, "entityPath", "endpoint '" + name + "' entityPath");
                return new Endpoint(
                        name,
                        kind,
                        connection,
                        entityPath,
                        endpointUri,
                        null,
                        deliveryGuarantee(entries, name, kind));
            }
            return new Endpoint(
                    name, kind, connection, null, endpointUri, readStorage(node, entries, name));
        }

        /** The hubroute extension {@code deliveryGuarantee}: Event Hubs endpoints only. */
        private DeliveryGuarantee deliveryGuarantee(
                Map<String, NodeTuple> entries, String endpoint, EndpointKind kind) {
            if (!entries.containsKey("deliveryGuarantee")) {
                return DeliveryGuarantee.AT_LEAST_ONCE;
            }
            Node node = value(entries, "deliveryGuarantee");
            String text = yaml.string(node, "deliveryGuarantee of endpoint '" + endpoint + "'");
            if (text == null) {
                return DeliveryGuarantee.AT_LEAST_ONCE;
            }
            DeliveryGuarantee guarantee = DeliveryGuarantee.fromConfigName(text).orElse(null);
            if (guarantee == null) {
                yaml.problem(
                        node,
                        "endpoint '"
                                + endpoint
                                + "': deliveryGuarantee must be atLeastOnce or exactlyOnce, not '"
                                + text
                                + "'",
                        "write atLeastOnce (the default, as IoT Hub) or exactlyOnce (Kafka transactions)");
                return DeliveryGuarantee.AT_LEAST_ONCE;
            }
            if (guarantee == DeliveryGuarantee.EXACTLY_ONCE
                    && kind != EndpointKind.EVENT_HUB
                    && kind != EndpointKind.BUILT_IN_EVENTS) {
                yaml.problem(
                        node,
                        "endpoint '"
                                + endpoint
                                + "': exactlyOnce is for Event Hubs endpoints (Kafka transactions)",
                        "remove deliveryGuarantee: Service Bus is at least once (repeats keep their ids)");
                return DeliveryGuarantee.AT_LEAST_ONCE;
            }
            return guarantee;
        }

        private StorageSettings readStorage(
                Node node, Map<String, NodeTuple> entries, String name) {
            String container =
                    optionalString(
                            entries, "containerName", "endpoint '" + name + "' containerName");
            if (container == null && !entries.containsKey("containerName")) {
                yaml.problem(
                        node,
                        "storage endpoint '" + name + "' has no containerName",
                        "add `containerName: <blob container>`");
                container = "";
            }
            StorageEncoding encoding = StorageEncoding.AVRO;
            if (entries.containsKey("encoding")) {
                Node encodingNode = value(entries, "encoding");
                String text = yaml.string(encodingNode, "encoding");
                if (text != null) {
                    Optional<StorageEncoding> parsed = StorageEncoding.fromName(text);
                    if (parsed.isPresent()) {
                        encoding = parsed.get();
                    } else {
                        yaml.problem(
                                encodingNode,
                                "unknown encoding '"
                                        + text
                                        + "' for storage endpoint '"
                                        + name
                                        + "'",
                                "use avro (the default), avrodeflate or json");
                    }
                }
            }
            String format = StorageSettings.DEFAULT_FILE_NAME_FORMAT;
            if (entries.containsKey("fileNameFormat")) {
                Node formatNode = value(entries, "fileNameFormat");
                String text = yaml.string(formatNode, "fileNameFormat");
                if (text != null) {
                    List<String> missing = new ArrayList<>();
                    for (String token : StorageSettings.FILE_NAME_TOKENS) {
                        if (!text.contains(token)) {
                            missing.add(token);
                        }
                    }
                    if (missing.isEmpty()) {
                        format = text;
                    } else {
                        yaml.problem(
                                formatNode,
                                "fileNameFormat of storage endpoint '"
                                        + name
                                        + "' lacks "
                                        + String.join(", ", missing),
                                "use all seven tokens {iothub} {partition} {YYYY} {MM} {DD} {HH} {mm}, in any order,"
                                        + " for example "
                                        + StorageSettings.DEFAULT_FILE_NAME_FORMAT);
                    }
                }
            }
            long frequency =
                    ranged(
                            entries,
                            "batchFrequencyInSeconds",
                            name,
                            StorageSettings.DEFAULT_BATCH_FREQUENCY_SECONDS,
                            StorageSettings.MIN_BATCH_FREQUENCY_SECONDS,
                            StorageSettings.MAX_BATCH_FREQUENCY_SECONDS);
            long chunk =
                    ranged(
                            entries,
                            "maxChunkSizeInBytes",
                            name,
                            StorageSettings.DEFAULT_MAX_CHUNK_SIZE_BYTES,
                            StorageSettings.MIN_MAX_CHUNK_SIZE_BYTES,
                            StorageSettings.MAX_MAX_CHUNK_SIZE_BYTES);
            return new StorageSettings(
                    container == null ? "" : container, encoding, format, (int) frequency, chunk);
        }

        private long ranged(
                Map<String, NodeTuple> entries,
                String key,
                String endpoint,
                long fallback,
                long min,
                long max) {
            if (!entries.containsKey(key)) {
                return fallback;
            }
            Node node = value(entries, key);
            Long number = yaml.integer(node, key);
            if (number == null) {
                return fallback;
            }
            if (number < min || number > max) {
                yaml.problem(
                        node,
                        key
                                + " of storage endpoint '"
                                + endpoint
                                + "' is "
                                + number
                                + ", outside "
                                + min
                                + ".."
                                + max,
                        "use a value from " + min + " to " + max + " (default " + fallback + ")");
                return fallback;
            }
            return number;
        }

        /** Checks an endpoint name and records it; false when it cannot be used. */
        private boolean declareEndpoint(Node node, String name) {
            if (!NAME.matcher(name).matches()) {
                yaml.problem(node, "invalid endpoint name '" + name + "'", NAME_FIX);
                return false;
            }
            if (RESERVED_NAMES.contains(name.toLowerCase(Locale.ROOT))) {
                yaml.problem(
                        node,
                        "endpoint name '" + name + "' is reserved",
                        "choose another name: events, fileNotifications and $default are reserved");
                return false;
            }
            String previous = declaredEndpoints.putIfAbsent(name, position(node));
            if (previous != null) {
                yaml.problem(
                        node,
                        "duplicate endpoint name '"
                                + name
                                + "' (first declared at "
                                + previous
                                + ")",
                        "endpoint names are unique across all endpoint kinds: rename one");
                return false;
            }
            knownEndpointNames.add(name);
            return true;
        }

        private String position(Node node) {
            return node.getStartMark()
                    .map(mark -> (mark.getLine() + 1) + ":" + (mark.getColumn() + 1))
                    .orElse("?");
        }

        /**
         * A storage endpoint's file-system URI, when it is written here (a referenced one is
         * checked when the job builds the sink): its form, at its position.
         */
        private void checkFileSystemUri(Node node, Secret connection, String endpoint) {
            if (connection.isWrittenAsReference()) {
                return;
            }
            String value = connection.value().orElse("");
            if (!StorageSettings.isFileSystemUri(value)) {
                return;
            }
            StorageSettings.fileSystemUriProblem(value)
                    .ifPresent(
                            problem ->
                                    yaml.problem(
                                            node,
                                            "storage endpoint '"
                                                    + endpoint
                                                    + "': file-system URI "
                                                    + problem[0],
                                            problem[1]));
        }

        private Secret secret(Node node, String endpoint) {
            String text = yaml.string(node, "connectionString of endpoint '" + endpoint + "'");
            if (text == null) {
                return null;
            }
            if (Secret.isMalformedReference(text)) {
                yaml.problem(
                        node,
                        "endpoint '" + endpoint + "': malformed secret reference",
                        "write ${env:VARIABLE} or ${file:PATH}");
                return null;
            }
            if (!Secret.isReference(text)) {
                return Secret.inline(text);
            }
            if (secrets == null) {
                return Secret.unresolved(text);
            }
            SecretReferences.Resolution resolution =
                    new SecretReferences(secrets, directory)
                            .resolve(text, "endpoint '" + endpoint + "'", "the connection string");
            if (!resolution.succeeded()) {
                yaml.problem(node, resolution.problem(), resolution.fix());
                return null;
            }
            String value = resolution.value();
            return Secret.resolved(text, value);
        }

        private List<Route> readRoutes(Node node) {
            List<Route> routes = new ArrayList<>();
            List<Node> items = yaml.sequence(node, "routes");
            if (items == null) {
                return routes;
            }
            Map<String, String> names = new HashMap<>();
            for (Node item : items) {
                Map<String, NodeTuple> entries = yaml.mapping(item, "a route", ROUTE_KEYS);
                if (entries == null) {
                    continue;
                }
                if (!entries.containsKey("name")) {
                    yaml.problem(item, "a route has no name", "add `name: <route name>`");
                    continue;
                }
                Node nameNode = value(entries, "name");
                String name = yaml.string(nameNode, "a route name");
                if (name == null) {
                    continue;
                }
                if (!NAME.matcher(name).matches()) {
                    yaml.problem(nameNode, "invalid route name '" + name + "'", NAME_FIX);
                } else {
                    String previous = names.putIfAbsent(name, position(nameNode));
                    if (previous != null) {
                        yaml.problem(
                                nameNode,
                                "duplicate route name '"
                                        + name
                                        + "' (first declared at "
                                        + previous
                                        + ")",
                                "route names are unique: rename one");
                    }
                }
                RoutingSource source = RoutingSource.DEVICE_MESSAGES;
                if (entries.containsKey("source")) {
                    source = readSource(value(entries, "source"), "route '" + name + "'");
                } else {
                    yaml.problem(
                            item,
                            "route '" + name + "' has no source",
                            "add `source: DeviceMessages` (or one of "
                                    + RoutingSource.acceptedNames()
                                    + ")");
                }
                String condition = readCondition(entries, source, "route '" + name + "'");
                List<String> endpointNames =
                        readEndpointNames(entries, item, "route '" + name + "'", null);
                boolean enabled = true;
                if (entries.containsKey("isEnabled")) {
                    Boolean flag =
                            yaml.bool(
                                    value(entries, "isEnabled"),
                                    "isEnabled of route '" + name + "'");
                    enabled = flag == null || flag;
                }
                if (source != null && condition != null && endpointNames != null) {
                    routes.add(new Route(name, source, condition, endpointNames, enabled));
                }
            }
            return routes;
        }

        private RoutingSource readSource(Node node, String owner) {
            String text = yaml.string(node, "source of " + owner);
            if (text == null) {
                return null;
            }
            Optional<RoutingSource> source = RoutingSource.fromName(text);
            if (source.isEmpty()) {
                yaml.problem(
                        node,
                        "unknown source '" + text + "' in " + owner,
                        "use one of " + RoutingSource.acceptedNames());
                return null;
            }
            return source.get();
        }

        /** The condition text ("" when absent or null), or null when it does not compile. */
        private String readCondition(
                Map<String, NodeTuple> entries, RoutingSource source, String owner) {
            if (!entries.containsKey("condition") || YamlFile.isNull(value(entries, "condition"))) {
                return "";
            }
            Node node = value(entries, "condition");
            String text = yaml.string(node, "condition of " + owner);
            if (text == null || text.isBlank() || source == null) {
                return text;
            }
            CompilationResult result = QueryLanguage.compile(text, source);
            if (result.succeeded()) {
                return text;
            }
            for (CompileError error : result.errors()) {
                SourcePosition position = yaml.positionIn((ScalarNode) node, error.range().start());
                yaml.problem(
                        position.line(),
                        position.column(),
                        owner + " condition: " + withoutConditionPosition(error.message()),
                        "correct the condition; try it with `hubroute test-route --condition '...'`");
            }
            return null;
        }

        private List<String> readEndpointNames(
                Map<String, NodeTuple> entries, Node owner, String what, List<String> fallback) {
            if (!entries.containsKey("endpointNames")) {
                if (fallback != null) {
                    return fallback;
                }
                yaml.problem(
                        owner, what + " has no endpointNames", "add `endpointNames: [<endpoint>]`");
                return null;
            }
            Node node = value(entries, "endpointNames");
            List<Node> items = yaml.sequence(node, "endpointNames of " + what);
            if (items == null) {
                return null;
            }
            if (items.isEmpty()) {
                yaml.problem(
                        node,
                        what + " has no endpoints",
                        "list at least one endpoint in endpointNames");
                return null;
            }
            Set<String> names = new LinkedHashSet<>();
            for (Node item : items) {
                String name = yaml.string(item, "an endpoint name");
                if (name != null) {
                    names.add(name);
                    endpointReferences.add(new EndpointReference(item, name, what));
                }
            }
            return List.copyOf(names);
        }

        private void checkEndpointReferences() {
            for (EndpointReference reference : endpointReferences) {
                if (!knownEndpointNames.contains(reference.name)) {
                    yaml.problem(
                            reference.node,
                            "unknown endpoint '" + reference.name + "' in " + reference.owner,
                            "declare it under endpoints, or use one of: "
                                    + String.join(", ", knownEndpointNames));
                }
            }
        }

        private FallbackRoute readFallback(Node node) {
            Map<String, NodeTuple> entries = yaml.mapping(node, "fallbackRoute", FALLBACK_KEYS);
            if (entries == null) {
                return null;
            }
            if (entries.containsKey("source")) {
                RoutingSource source = readSource(value(entries, "source"), "fallbackRoute");
                if (source != null && source != RoutingSource.DEVICE_MESSAGES) {
                    yaml.problem(
                            value(entries, "source"),
                            "the fallback route applies to DeviceMessages only",
                            "write `source: DeviceMessages` or leave source out");
                }
            }
            boolean enabled = true;
            if (entries.containsKey("isEnabled")) {
                Boolean flag = yaml.bool(value(entries, "isEnabled"), "isEnabled of fallbackRoute");
                enabled = flag == null || flag;
            }
            String condition =
                    readCondition(entries, RoutingSource.DEVICE_MESSAGES, "fallbackRoute");
            List<String> endpointNames =
                    readEndpointNames(entries, node, "fallbackRoute", List.of(Endpoint.EVENTS));
            if (condition == null || endpointNames == null) {
                return null;
            }
            return new FallbackRoute(enabled, endpointNames, condition);
        }

        private List<Enrichment> readEnrichments(Node node) {
            List<Enrichment> enrichments = new ArrayList<>();
            List<Node> items = yaml.sequence(node, "enrichments");
            if (items == null) {
                return enrichments;
            }
            Map<String, String> keys = new HashMap<>();
            for (Node item : items) {
                Map<String, NodeTuple> entries =
                        yaml.mapping(item, "an enrichment", ENRICHMENT_KEYS);
                if (entries == null) {
                    continue;
                }
                if (!entries.containsKey("key") || !entries.containsKey("value")) {
                    yaml.problem(
                            item,
                            "an enrichment needs a key and a value",
                            "write `{key: <property name>, value: <text, $iothubname or $twin.path>, endpointNames: [...]}`");
                    continue;
                }
                Node keyNode = value(entries, "key");
                String key = yaml.string(keyNode, "an enrichment key");
                if (key == null) {
                    continue;
                }
                if (key.isBlank()) {
                    yaml.problem(
                            keyNode,
                            "an enrichment key is empty",
                            "name the application property to add");
                    continue;
                }
                String previous = keys.putIfAbsent(key.toLowerCase(Locale.ROOT), position(keyNode));
                if (previous != null) {
                    yaml.problem(
                            keyNode,
                            "duplicate enrichment key '"
                                    + key
                                    + "' (first declared at "
                                    + previous
                                    + ")",
                            "enrichment keys are unique: merge their endpointNames into one enrichment");
                }
                Node valueNode = value(entries, "value");
                String text = yaml.string(valueNode, "the value of enrichment '" + key + "'");
                EnrichmentValue enrichmentValue = null;
                if (text != null) {
                    try {
                        enrichmentValue = EnrichmentValue.parse(text);
                    } catch (IllegalArgumentException e) {
                        yaml.problem(
                                valueNode,
                                "enrichment '" + key + "': " + e.getMessage(),
                                "use a static text, $iothubname or a $twin.tags / $twin.properties path");
                    }
                }
                List<String> endpointNames =
                        readEndpointNames(entries, item, "enrichment '" + key + "'", null);
                if (enrichmentValue != null && endpointNames != null) {
                    enrichments.add(new Enrichment(key, enrichmentValue, endpointNames));
                }
            }
            return enrichments;
        }

        private String optionalString(Map<String, NodeTuple> entries, String key, String what) {
            if (!entries.containsKey(key) || YamlFile.isNull(value(entries, key))) {
                return null;
            }
            return yaml.string(value(entries, key), what);
        }
    }

    private record EndpointReference(Node node, String name, String owner) {}

    private static Node value(Map<String, NodeTuple> entries, String key) {
        return entries.get(key).getValueNode();
    }

    /**
     * Compile errors end with " at line L:C" in condition coordinates; the file position replaces
     * it.
     */
    static String withoutConditionPosition(String message) {
        return message.replaceFirst(" at line \\d+:\\d+$", "");
    }

    /** The environment variable name suggested for an endpoint's connection string. */
    public static String environmentName(String endpointName) {
        return endpointName.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_") + "_CONNECTION";
    }

    private static Set<String> ordered(Object... keys) {
        Set<String> set = new LinkedHashSet<>();
        for (Object key : keys) {
            if (key instanceof List) {
                for (Object item : (List<?>) key) {
                    set.add((String) item);
                }
            } else {
                set.add((String) key);
            }
        }
        return set;
    }
}
