package io.hubroute.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
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
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reads a {@code job.yaml} (every key is in docs/job-config.md) through the same positioned reader
 * as the routes file: every problem at once, each with {@code file:line:column} and a fix.
 * References ({@code ${env:NAME}}, {@code ${file:PATH}}) are resolved by {@link SecretReferences},
 * or, {@link #withoutSecrets() without secrets}, only checked, which is what a client does before
 * it sends the file to a cluster.
 *
 * <pre>{@code
 * JobConfig config = JobConfigLoader.resolvingSecrets(SecretLookup.system()).load(Path.of("job.yaml")).orThrow();
 * }</pre>
 */
public final class JobConfigLoader {
    /**
     * Kafka consumer settings whose values are secrets (Kafka's {@code PASSWORD}-typed settings;
     * the job module's tests check this list against kafka-clients).
     */
    public static final Set<String> SECRET_KAFKA_PROPERTIES =
            Set.of(
                    "sasl.jaas.config",
                    "sasl.oauthbearer.assertion.private.key.passphrase",
                    "sasl.oauthbearer.client.credentials.client.secret",
                    "ssl.key.password",
                    "ssl.keystore.certificate.chain",
                    "ssl.keystore.key",
                    "ssl.keystore.password",
                    "ssl.truststore.certificates",
                    "ssl.truststore.password");

    private static final Set<String> ROOT_KEYS =
            keys(
                    "source",
                    "parallelism",
                    "checkpointing",
                    "stateBackend",
                    "diagnostics",
                    "twins",
                    "routes");
    private static final Set<String> SOURCE_KEYS =
            keys(
                    "bootstrapServers",
                    "eventHubsConnectionString",
                    "topics",
                    "groupId",
                    "startingOffsets",
                    "inputFormat",
                    "kafkaProperties");
    private static final Set<String> CHECKPOINTING_KEYS =
            keys("enabled", "interval", "mode", "timeout", "dir", "tolerableFailures");

    private final SecretLookup secrets;

    private JobConfigLoader(SecretLookup secrets) {
        this.secrets = secrets;
    }

    /** Resolves references with {@code secrets}: what the job does where it starts. */
    public static JobConfigLoader resolvingSecrets(SecretLookup secrets) {
        return new JobConfigLoader(Objects.requireNonNull(secrets, "secrets"));
    }

    /**
     * Checks the file and the form of its references without resolving them: the result has the
     * problems and the secrets, but no config.
     */
    public static JobConfigLoader withoutSecrets() {
        return new JobConfigLoader(null);
    }

    /** A secret-bearing setting of the file, where it is and how it is written. */
    public record SecretSetting(String key, String location, Secret secret) {}

    /** The outcome: every problem, the secret-bearing settings, and the config when resolved. */
    public static final class Result {
        private final String fileName;
        private final List<ConfigProblem> problems;
        private final List<SecretSetting> secretSettings;
        private final CheckpointOptions checkpointing;
        private final JobConfig config;

        private Result(
                String fileName,
                List<ConfigProblem> problems,
                List<SecretSetting> secretSettings,
                CheckpointOptions checkpointing,
                JobConfig config) {
            this.fileName = fileName;
            this.problems = List.copyOf(problems);
            this.secretSettings = List.copyOf(secretSettings);
            this.checkpointing = checkpointing;
            this.config = config;
        }

        public boolean isValid() {
            return problems.isEmpty();
        }

        /** Every problem, in file order. */
        public List<ConfigProblem> problems() {
            return problems;
        }

        /** The secret-bearing settings present in the file, in file order. */
        public List<SecretSetting> secretSettings() {
            return secretSettings;
        }

        /**
         * The checkpoint settings, read with or without secrets (they hold none): present when that
         * section is valid.
         */
        public Optional<CheckpointOptions> checkpointing() {
            return Optional.ofNullable(checkpointing);
        }

        /** The config: present when the file is valid and its references were resolved. */
        public Optional<JobConfig> config() {
            return Optional.ofNullable(config);
        }

        /**
         * The config, or an exception listing every problem.
         *
         * @throws IllegalStateException when the loader did not resolve secrets
         */
        public JobConfig orThrow() throws JobConfigException {
            if (!problems.isEmpty()) {
                StringBuilder message = new StringBuilder();
                for (ConfigProblem problem : problems) {
                    if (message.length() > 0) {
                        message.append('\n');
                    }
                    message.append(problem);
                }
                throw new JobConfigException(message.toString(), problems);
            }
            if (config == null) {
                throw new IllegalStateException(
                        fileName + " was checked without secrets: load it with resolvingSecrets");
            }
            return config;
        }
    }

    /**
     * Reads a job.yaml; relative references and paths resolve against its directory. A missing
     * file, or one that is not UTF-8, is a problem.
     */
    public Result load(Path file) {
        return parse(YamlFile.read(file), file.toAbsolutePath().getParent());
    }

    /**
     * Parses job.yaml text.
     *
     * @param fileName the name problems are reported under
     * @param directory what relative {@code ${file:}} references and paths resolve against
     */
    public Result parse(String text, String fileName, Path directory) {
        return parse(YamlFile.parse(text, fileName), directory);
    }

    private Result parse(YamlFile yaml, Path directory) {
        String fileName = yaml.fileName();
        if (yaml.isEmpty()) {
            // no settings: every default applies
            return new Result(
                    fileName,
                    List.of(),
                    List.of(),
                    CheckpointOptions.defaults(),
                    secrets == null ? null : JobConfig.defaults());
        }
        Reader reader = new Reader(yaml, directory);
        JobConfig config = reader.read();
        return new Result(
                fileName,
                yaml.problems(),
                reader.secretSettings,
                reader.checkpointing,
                secrets != null && !yaml.hasProblems() ? config : null);
    }

    /** One pass over the document; every read records its problems in the YamlFile. */
    private final class Reader {
        private final YamlFile yaml;
        private final Path directory;
        private final SecretReferences references;
        private final List<SecretSetting> secretSettings = new ArrayList<>();
        private CheckpointOptions checkpointing;

        Reader(YamlFile yaml, Path directory) {
            this.yaml = yaml;
            this.directory = directory;
            this.references = secrets == null ? null : new SecretReferences(secrets, directory);
        }

        JobConfig read() {
            Node root = yaml.root();
            if (root == null) {
                return null;
            }
            Map<String, NodeTuple> entries = yaml.mapping(root, "the document", ROOT_KEYS);
            if (entries == null) {
                return null;
            }
            SourceOptions source =
                    entries.containsKey("source") ? source(value(entries, "source")) : null;
            int parallelism =
                    entries.containsKey("parallelism")
                            ? wholeNumber(value(entries, "parallelism"), "parallelism", 1)
                            : 1;
            checkpointing =
                    entries.containsKey("checkpointing")
                            ? checkpointing(value(entries, "checkpointing"))
                            : CheckpointOptions.defaults();
            StateBackendKind stateBackend = StateBackendKind.HASHMAP;
            if (entries.containsKey("stateBackend")) {
                Node node = value(entries, "stateBackend");
                String name = text(node, "stateBackend");
                if ("rocksdb".equalsIgnoreCase(name)) {
                    stateBackend = StateBackendKind.ROCKSDB;
                } else if (name != null && !"hashmap".equalsIgnoreCase(name)) {
                    yaml.problem(
                            node,
                            "stateBackend must be hashmap or rocksdb, not '" + name + "'",
                            "write hashmap (twins on the heap) or rocksdb (twins on disk)");
                }
            }
            DiagnosticsOptions diagnostics = DiagnosticsOptions.defaults();
            if (entries.containsKey("diagnostics")) {
                diagnostics = diagnostics(value(entries, "diagnostics"));
            }
            if (diagnostics.topic() != null && !entries.containsKey("source")) {
                yaml.problem(
                        value(entries, "diagnostics"),
                        "diagnostics.topic is on the source's Kafka cluster, but there is no source",
                        "add a source section, or write diagnostics to a dir");
            }
            String twinExport = null;
            if (entries.containsKey("twins")) {
                Map<String, NodeTuple> section =
                        yaml.mapping(value(entries, "twins"), "twins", Set.of("exportFile"));
                if (section != null && section.containsKey("exportFile")) {
                    twinExport = text(value(section, "exportFile"), "twins.exportFile");
                    if (twinExport != null && directory != null) {
                        twinExport = directory.resolve(twinExport).toString();
                    }
                }
            }
            RoutesOptions routes = RoutesOptions.none();
            if (entries.containsKey("routes")) {
                routes = routes(value(entries, "routes"));
                if (routes.live() && !entries.containsKey("source")) {
                    yaml.problem(
                            value(entries, "routes"),
                            "routes.controlTopic is on the source's Kafka cluster, but there is no"
                                    + " source",
                            "add a source section, or drop routes.controlTopic");
                }
            }
            if (yaml.hasProblems() || checkpointing == null) {
                return null;
            }
            return new JobConfig(
                    source,
                    parallelism,
                    checkpointing,
                    stateBackend,
                    diagnostics,
                    twinExport,
                    routes);
        }

        private RoutesOptions routes(Node node) {
            Map<String, NodeTuple> section =
                    yaml.mapping(node, "routes", keys("controlTopic", "statusTopic", "watch"));
            if (section == null) {
                return RoutesOptions.none();
            }
            String control =
                    section.containsKey("controlTopic")
                            ? text(value(section, "controlTopic"), "routes.controlTopic")
                            : null;
            String status =
                    section.containsKey("statusTopic")
                            ? text(value(section, "statusTopic"), "routes.statusTopic")
                            : null;
            boolean watch = false;
            if (section.containsKey("watch")) {
                Node watchNode = value(section, "watch");
                String text = text(watchNode, "routes.watch");
                if ("true".equalsIgnoreCase(text)) {
                    watch = true;
                } else if (text != null && !"false".equalsIgnoreCase(text)) {
                    yaml.problem(
                            watchNode,
                            "routes.watch must be true or false, not '" + text + "'",
                            "write true to publish the routes file whenever it is saved (run only)");
                }
            }
            if (control == null && (status != null || watch)) {
                yaml.problem(
                        node,
                        "routes."
                                + (watch ? "watch" : "statusTopic")
                                + " needs routes.controlTopic",
                        "add controlTopic: the compacted topic route versions are published to");
            }
            return new RoutesOptions(control, status, watch);
        }

        private DiagnosticsOptions diagnostics(Node node) {
            DiagnosticsOptions defaults = DiagnosticsOptions.defaults();
            Map<String, NodeTuple> section =
                    yaml.mapping(node, "diagnostics", keys("dir", "topic", "invalidRatioWarning"));
            if (section == null) {
                return defaults;
            }
            String directory =
                    section.containsKey("dir")
                            ? text(value(section, "dir"), "diagnostics.dir")
                            : null;
            String topic =
                    section.containsKey("topic")
                            ? text(value(section, "topic"), "diagnostics.topic")
                            : null;
            double ratio = defaults.invalidRatioWarning();
            if (section.containsKey("invalidRatioWarning")) {
                Node ratioNode = value(section, "invalidRatioWarning");
                String text = text(ratioNode, "diagnostics.invalidRatioWarning");
                if (text != null) {
                    try {
                        ratio = Double.parseDouble(text.trim());
                    } catch (NumberFormatException e) {
                        ratio = Double.NaN;
                    }
                    if (!(ratio >= 0 && ratio <= 1)) {
                        yaml.problem(
                                ratioNode,
                                "diagnostics.invalidRatioWarning must be a share from 0 to 1, not '"
                                        + text
                                        + "'",
                                "write 0.5 to warn when over half the input is undecodable, 0 to never warn");
                        ratio = defaults.invalidRatioWarning();
                    }
                }
            }
            if (directory != null && topic != null) {
                yaml.problem(
                        node,
                        "diagnostics has both dir and topic",
                        "keep one: topic gathers every TaskManager's diagnostics in one place");
            }
            return new DiagnosticsOptions(directory, topic, ratio);
        }

        private SourceOptions source(Node node) {
            Map<String, NodeTuple> section = yaml.mapping(node, "source", SOURCE_KEYS);
            if (section == null) {
                return null;
            }
            String bootstrap =
                    section.containsKey("bootstrapServers")
                            ? text(value(section, "bootstrapServers"), "source.bootstrapServers")
                            : null;
            Secret connectionString = null;
            Node connectionNode = null;
            if (section.containsKey("eventHubsConnectionString")) {
                connectionNode = value(section, "eventHubsConnectionString");
                connectionString =
                        secret(
                                connectionNode,
                                "source.eventHubsConnectionString",
                                "the Event Hubs connection string");
            }
            if (bootstrap == null && !section.containsKey("eventHubsConnectionString")) {
                yaml.problem(
                        node,
                        "source needs bootstrapServers (any Kafka) or eventHubsConnectionString (Event Hubs)",
                        "add bootstrapServers: host:9092, or eventHubsConnectionString: ${env:NAME}");
            }
            String resolvedConnection =
                    connectionString == null ? null : connectionString.value().orElse(null);
            if (bootstrap == null && resolvedConnection != null) {
                try {
                    bootstrap = SourceOptions.eventHubsBootstrapServers(resolvedConnection);
                } catch (IllegalArgumentException e) {
                    yaml.problem(
                            connectionNode,
                            "source.eventHubsConnectionString: " + e.getMessage(),
                            "use the connection string of the namespace or event hub, as the Azure portal shows it");
                }
            }
            List<String> topics = new ArrayList<>();
            if (section.containsKey("topics")) {
                Node topicsNode = value(section, "topics");
                if (topicsNode instanceof SequenceNode) {
                    for (Node item : ((SequenceNode) topicsNode).getValue()) {
                        String topic = text(item, "source.topics[]");
                        if (topic != null) {
                            topics.add(topic);
                        }
                    }
                    if (((SequenceNode) topicsNode).getValue().isEmpty()) {
                        yaml.problem(
                                topicsNode,
                                "source.topics is empty",
                                "name at least one topic (event hub)");
                    }
                } else {
                    String topic = text(topicsNode, "source.topics");
                    if (topic != null) {
                        topics.add(topic);
                    }
                }
            } else if (resolvedConnection != null) {
                String entityPath =
                        SourceOptions.connectionStringPart(resolvedConnection, "EntityPath");
                if (entityPath == null) {
                    yaml.problem(
                            node,
                            "source.topics is missing and the connection string names no EntityPath",
                            "add topics: [name] (the event hubs to read)");
                } else {
                    topics.add(entityPath);
                }
            } else if (connectionString == null || connectionString.isResolved()) {
                yaml.problem(
                        node,
                        "source.topics is missing",
                        "add topics: [name] (the topics or event hubs to read)");
            }
            String groupId =
                    section.containsKey("groupId")
                            ? text(value(section, "groupId"), "source.groupId")
                            : SourceOptions.DEFAULT_GROUP_ID;
            StartingOffsets offsets = StartingOffsets.COMMITTED;
            if (section.containsKey("startingOffsets")) {
                Node offsetsNode = value(section, "startingOffsets");
                String name = text(offsetsNode, "source.startingOffsets");
                if (name != null) {
                    try {
                        offsets = StartingOffsets.valueOf(name.toUpperCase(Locale.ROOT));
                    } catch (IllegalArgumentException e) {
                        yaml.problem(
                                offsetsNode,
                                "source.startingOffsets must be earliest, latest or committed, not '"
                                        + name
                                        + "'",
                                "write earliest, latest or committed (the consumer group's offsets, else earliest)");
                    }
                }
            }
            InputFormat format = InputFormat.IOTHUB;
            if (section.containsKey("inputFormat")) {
                Node formatNode = value(section, "inputFormat");
                String name = text(formatNode, "source.inputFormat");
                Optional<InputFormat> named =
                        name == null ? Optional.empty() : InputFormat.fromConfigName(name);
                if (named.isPresent()) {
                    format = named.get();
                } else if (name != null) {
                    yaml.problem(
                            formatNode,
                            "source.inputFormat must be iothub or json-envelope, not '"
                                    + name
                                    + "'",
                            "write iothub (IoT Hub's Event Hubs records) or json-envelope");
                }
            }
            Map<String, String> kafkaProperties = new LinkedHashMap<>();
            Map<String, Secret> kafkaSecrets = new LinkedHashMap<>();
            if (section.containsKey("kafkaProperties")) {
                Map<String, NodeTuple> properties =
                        yaml.mapping(
                                value(section, "kafkaProperties"), "source.kafkaProperties", null);
                if (properties != null) {
                    for (Map.Entry<String, NodeTuple> property : properties.entrySet()) {
                        String key = property.getKey();
                        Node valueNode = property.getValue().getValueNode();
                        String what = "source.kafkaProperties." + key;
                        if (isSecret(key, valueNode)) {
                            Secret secret = secret(valueNode, what, "the value");
                            if (secret != null) {
                                kafkaSecrets.put(key, secret);
                            }
                        } else {
                            String value = text(valueNode, what);
                            if (value != null) {
                                kafkaProperties.put(key, value);
                            }
                        }
                    }
                }
            }
            if (references == null || yaml.hasProblems() || bootstrap == null || topics.isEmpty()) {
                return null;
            }
            return new SourceOptions(
                    bootstrap,
                    connectionString,
                    topics,
                    groupId,
                    offsets,
                    format,
                    kafkaProperties,
                    kafkaSecrets);
        }

        private CheckpointOptions checkpointing(Node node) {
            Map<String, NodeTuple> section =
                    yaml.mapping(node, "checkpointing", CHECKPOINTING_KEYS);
            if (section == null) {
                return null;
            }
            CheckpointOptions defaults = CheckpointOptions.defaults();
            boolean enabled = defaults.enabled();
            if (section.containsKey("enabled")) {
                Node enabledNode = value(section, "enabled");
                String value = text(enabledNode, "checkpointing.enabled");
                if ("true".equalsIgnoreCase(value) || "false".equalsIgnoreCase(value)) {
                    enabled = Boolean.parseBoolean(value);
                } else if (value != null) {
                    yaml.problem(
                            enabledNode,
                            "checkpointing.enabled must be true or false, not '" + value + "'",
                            "write true or false");
                }
            }
            Duration interval = defaults.interval();
            if (section.containsKey("interval")) {
                Node intervalNode = value(section, "interval");
                Duration parsed = duration(intervalNode, "checkpointing.interval");
                if (parsed != null && parsed.toMillis() < 10) {
                    yaml.problem(
                            intervalNode,
                            "checkpointing.interval must be at least 10ms, not '"
                                    + text(intervalNode, "checkpointing.interval")
                                    + "'",
                            "write 10ms or more (10s is the default)");
                } else if (parsed != null) {
                    interval = parsed;
                }
            }
            Duration timeout = defaults.timeout();
            if (section.containsKey("timeout")) {
                Duration parsed = duration(value(section, "timeout"), "checkpointing.timeout");
                if (parsed != null) {
                    timeout = parsed;
                }
            }
            boolean exactlyOnce = true;
            if (section.containsKey("mode")) {
                Node modeNode = value(section, "mode");
                String mode = text(modeNode, "checkpointing.mode");
                String normalized =
                        mode == null ? null : mode.toLowerCase(Locale.ROOT).replace('_', '-');
                if ("at-least-once".equals(normalized)) {
                    exactlyOnce = false;
                } else if (normalized != null && !"exactly-once".equals(normalized)) {
                    yaml.problem(
                            modeNode,
                            "checkpointing.mode must be exactly-once or at-least-once, not '"
                                    + normalized
                                    + "'",
                            "write exactly-once (the default) or at-least-once");
                }
            }
            String checkpointDirectory =
                    section.containsKey("dir")
                            ? text(value(section, "dir"), "checkpointing.dir")
                            : null;
            if (checkpointDirectory != null && !checkpointDirectory.contains("://")) {
                Path path = Path.of(checkpointDirectory);
                checkpointDirectory =
                        (path.isAbsolute() || directory == null ? path : directory.resolve(path))
                                .toUri()
                                .toString();
            }
            int tolerableFailures = defaults.tolerableFailures();
            if (section.containsKey("tolerableFailures")) {
                Node failuresNode = value(section, "tolerableFailures");
                String text = text(failuresNode, "checkpointing.tolerableFailures");
                if ("unlimited".equalsIgnoreCase(text)) {
                    tolerableFailures = CheckpointOptions.UNLIMITED;
                } else if (text != null) {
                    tolerableFailures =
                            wholeNumber(failuresNode, "checkpointing.tolerableFailures", 0);
                }
            }
            return new CheckpointOptions(
                    enabled,
                    interval,
                    exactlyOnce,
                    timeout,
                    checkpointDirectory,
                    tolerableFailures);
        }

        private Duration duration(Node node, String key) {
            String text = text(node, key);
            if (text == null) {
                return null;
            }
            try {
                return Durations.parse(text);
            } catch (IllegalArgumentException e) {
                yaml.problem(
                        node,
                        key + " must be " + Durations.FORMS + ", not '" + text + "'",
                        "write a whole number and a unit: ms, s, min (or m), h, d");
                return null;
            }
        }

        private int wholeNumber(Node node, String key, int minimum) {
            String text = text(node, key);
            if (text == null) {
                return minimum;
            }
            try {
                int value = Integer.parseInt(text.trim());
                if (value < minimum) {
                    yaml.problem(
                            node,
                            key + " must be at least " + minimum + ", not " + value,
                            "write a whole number from " + minimum);
                }
                return Math.max(value, minimum);
            } catch (NumberFormatException e) {
                yaml.problem(
                        node,
                        key + " must be a whole number, not '" + text + "'",
                        "write a whole number from " + minimum);
                return minimum;
            }
        }

        /**
         * A plain setting's text, references resolved (a setting may point at an environment
         * variable or a file even when it is not a secret).
         */
        private String text(Node node, String key) {
            String text = yaml.string(node, key);
            if (text == null || !SecretReferences.containsReference(text)) {
                return text;
            }
            if (references == null) {
                return text;
            }
            SecretReferences.Resolution resolution = references.resolve(text, key, "the value");
            if (!resolution.succeeded()) {
                yaml.problem(node, resolution.problem(), resolution.fix());
                return null;
            }
            return resolution.value();
        }

        /**
         * A secret-bearing setting: recorded, its references checked and (if resolving) resolved.
         */
        private Secret secret(Node node, String key, String holding) {
            String text = yaml.string(node, key);
            if (text == null) {
                return null;
            }
            if (SecretReferences.isMalformed(text)) {
                yaml.problem(
                        node,
                        key + ": malformed secret reference",
                        "write ${env:VARIABLE} or ${file:PATH}");
                return null;
            }
            Secret written =
                    SecretReferences.containsReference(text)
                            ? Secret.unresolved(text)
                            : Secret.inline(text);
            secretSettings.add(new SecretSetting(key, position(node), written));
            if (references == null || written.isResolved()) {
                return written;
            }
            SecretReferences.Resolution resolution = references.resolve(text, key, holding);
            if (!resolution.succeeded()) {
                yaml.problem(node, resolution.problem(), resolution.fix());
                return null;
            }
            if (resolution.value().isBlank()) {
                yaml.problem(
                        node,
                        key + " is empty",
                        "put the value in the referenced variable or file");
                return null;
            }
            return Secret.resolved(text, resolution.value());
        }

        private String position(Node node) {
            return yaml.fileName()
                    + node.getStartMark()
                            .map(mark -> ":" + (mark.getLine() + 1) + ":" + (mark.getColumn() + 1))
                            .orElse("");
        }

        private Node value(Map<String, NodeTuple> entries, String key) {
            return entries.get(key).getValueNode();
        }
    }

    /**
     * Whether a Kafka property holds a secret: Kafka's password-typed settings, any setting whose
     * name says it holds a password, secret, token, credential or key, and any value that holds a
     * private key.
     */
    static boolean isSecret(String key, Node value) {
        if (SECRET_KAFKA_PROPERTIES.contains(key) || SECRET_NAME.matcher(key).find()) {
            return true;
        }
        return value instanceof ScalarNode
                && ((ScalarNode) value).getValue().contains("PRIVATE KEY");
    }

    private static final Pattern SECRET_NAME =
            Pattern.compile("(?i)(password|secret|token|credential|jaas|[.\\-_]key($|[.\\-_]))");

    /** Keys in documentation order, so fixes list them as docs/job-config.md does. */
    private static Set<String> keys(String... names) {
        return Collections.unmodifiableSet(new LinkedHashSet<>(List.of(names)));
    }
}
