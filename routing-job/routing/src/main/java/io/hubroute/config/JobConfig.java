package io.hubroute.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * The routing job's settings, from a {@code job.yaml} (every key is documented in
 * docs/job-config.md). Values may be {@code ${env:NAME}} or {@code ${file:PATH}} references, so
 * secrets stay out of the file; errors carry {@code file:line:column}.
 *
 * <pre>{@code
 * JobConfig config = JobConfig.load(Path.of("job.yaml"));
 * }</pre>
 *
 * @param source the device-to-cloud stream, or null when none is configured (the embedded demo
 *     supplies its own)
 * @param parallelism the job's parallelism (default 1)
 * @param checkpointing checkpoint settings (on by default)
 * @param stateBackend where device twins are kept (default hashmap)
 * @param diagnosticsDirectory where undecodable records are written as JSON lines, or null to log
 *     them only
 * @param twinExportFile an IoT Hub device export (JSON lines with twins) to bootstrap twins from,
 *     or null
 */
public record JobConfig(
        SourceOptions source,
        int parallelism,
        CheckpointOptions checkpointing,
        StateBackendKind stateBackend,
        String diagnosticsDirectory,
        String twinExportFile) {
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{(env|file):([^}]*)}");

    public JobConfig {
        Objects.requireNonNull(checkpointing, "checkpointing");
        Objects.requireNonNull(stateBackend, "stateBackend");
        if (parallelism < 1) {
            throw new IllegalArgumentException(
                    "parallelism must be at least 1, got " + parallelism);
        }
    }

    /** No source, parallelism 1, checkpoints every 10 s, twins on the heap. */
    public static JobConfig defaults() {
        return new JobConfig(
                null, 1, CheckpointOptions.defaults(), StateBackendKind.HASHMAP, null, null);
    }

    public Optional<SourceOptions> sourceOptions() {
        return Optional.ofNullable(source);
    }

    public JobConfig withSource(SourceOptions newSource) {
        return new JobConfig(
                newSource,
                parallelism,
                checkpointing,
                stateBackend,
                diagnosticsDirectory,
                twinExportFile);
    }

    public JobConfig withCheckpointing(CheckpointOptions newCheckpointing) {
        return new JobConfig(
                source,
                parallelism,
                newCheckpointing,
                stateBackend,
                diagnosticsDirectory,
                twinExportFile);
    }

    public JobConfig withParallelism(int newParallelism) {
        return new JobConfig(
                source,
                newParallelism,
                checkpointing,
                stateBackend,
                diagnosticsDirectory,
                twinExportFile);
    }

    public JobConfig withDiagnosticsDirectory(String directory) {
        return new JobConfig(
                source, parallelism, checkpointing, stateBackend, directory, twinExportFile);
    }

    /**
     * Reads a job.yaml; {@code ${env:}} from the process environment, {@code ${file:}} relative to
     * the file.
     */
    public static JobConfig load(Path file) throws IOException, JobConfigException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        Path base = file.toAbsolutePath().getParent();
        return parse(text, file.toString(), System::getenv, base);
    }

    /**
     * Parses job.yaml text.
     *
     * @param fileName the name errors are reported under
     * @param environment looks up {@code ${env:NAME}} (null when unset)
     * @param baseDirectory resolves relative {@code ${file:PATH}} references
     */
    public static JobConfig parse(
            String text, String fileName, Function<String, String> environment, Path baseDirectory)
            throws JobConfigException {
        Parser parser = new Parser(fileName, environment, baseDirectory);
        return parser.parse(text);
    }

    private static final class Parser {
        private final String fileName;
        private final Function<String, String> environment;
        private final Path baseDirectory;

        Parser(String fileName, Function<String, String> environment, Path baseDirectory) {
            this.fileName = fileName;
            this.environment = environment;
            this.baseDirectory = baseDirectory;
        }

        JobConfig parse(String text) throws JobConfigException {
            Optional<Node> document;
            try {
                document =
                        new Compose(LoadSettings.builder().setLabel(fileName).build())
                                .composeString(text);
            } catch (MarkedYamlEngineException e) {
                Mark mark = e.getProblemMark().orElse(null);
                throw new JobConfigException(
                        (mark == null ? fileName : position(mark))
                                + ": not valid YAML: "
                                + e.getProblem());
            } catch (YamlEngineException e) {
                throw new JobConfigException(fileName + ": not valid YAML: " + e.getMessage());
            }
            if (document.isEmpty()) {
                return defaults();
            }
            Map<String, NodeTuple> root =
                    mapping(
                            document.get(),
                            "the document",
                            Set.of(
                                    "source",
                                    "parallelism",
                                    "checkpointing",
                                    "stateBackend",
                                    "diagnostics",
                                    "twins"));
            SourceOptions source =
                    root.containsKey("source") ? source(root.get("source").getValueNode()) : null;
            int parallelism =
                    root.containsKey("parallelism")
                            ? integer(root.get("parallelism").getValueNode(), "parallelism", 1)
                            : 1;
            CheckpointOptions checkpointing =
                    root.containsKey("checkpointing")
                            ? checkpointing(root.get("checkpointing").getValueNode())
                            : CheckpointOptions.defaults();
            StateBackendKind stateBackend = StateBackendKind.HASHMAP;
            if (root.containsKey("stateBackend")) {
                Node node = root.get("stateBackend").getValueNode();
                String name = scalar(node, "stateBackend");
                if (name.equalsIgnoreCase("hashmap")) {
                    stateBackend = StateBackendKind.HASHMAP;
                } else if (name.equalsIgnoreCase("rocksdb")) {
                    stateBackend = StateBackendKind.ROCKSDB;
                } else {
                    throw error(
                            node, "stateBackend must be hashmap or rocksdb, not '" + name + "'");
                }
            }
            String diagnostics = null;
            if (root.containsKey("diagnostics")) {
                Map<String, NodeTuple> section =
                        mapping(
                                root.get("diagnostics").getValueNode(),
                                "diagnostics",
                                Set.of("dir"));
                diagnostics =
                        section.containsKey("dir")
                                ? scalar(section.get("dir").getValueNode(), "diagnostics.dir")
                                : null;
            }
            String twinExport = null;
            if (root.containsKey("twins")) {
                Map<String, NodeTuple> section =
                        mapping(root.get("twins").getValueNode(), "twins", Set.of("exportFile"));
                twinExport =
                        section.containsKey("exportFile")
                                ? scalar(
                                        section.get("exportFile").getValueNode(),
                                        "twins.exportFile")
                                : null;
                if (twinExport != null && baseDirectory != null) {
                    twinExport =
                            baseDirectory.resolve(twinExport).toString(); // relative to job.yaml
                }
            }
            return new JobConfig(
                    source, parallelism, checkpointing, stateBackend, diagnostics, twinExport);
        }

        private SourceOptions source(Node node) throws JobConfigException {
            Map<String, NodeTuple> section =
                    mapping(
                            node,
                            "source",
                            Set.of(
                                    "bootstrapServers",
                                    "eventHubsConnectionString",
                                    "topics",
                                    "groupId",
                                    "startingOffsets",
                                    "inputFormat",
                                    "kafkaProperties"));
            String bootstrap =
                    section.containsKey("bootstrapServers")
                            ? scalar(
                                    section.get("bootstrapServers").getValueNode(),
                                    "source.bootstrapServers")
                            : null;
            String connectionString =
                    section.containsKey("eventHubsConnectionString")
                            ? scalar(
                                    section.get("eventHubsConnectionString").getValueNode(),
                                    "source.eventHubsConnectionString")
                            : null;
            if (connectionString != null && connectionString.isBlank()) {
                throw error(
                        section.get("eventHubsConnectionString").getValueNode(),
                        "source.eventHubsConnectionString is empty (is the referenced variable or file empty?)");
            }
            if (bootstrap == null && connectionString == null) {
                throw error(
                        node,
                        "source needs bootstrapServers (any Kafka) or eventHubsConnectionString (Event Hubs)");
            }
            if (bootstrap == null) {
                try {
                    bootstrap = SourceOptions.eventHubsBootstrapServers(connectionString);
                } catch (IllegalArgumentException e) {
                    throw error(
                            section.get("eventHubsConnectionString").getValueNode(),
                            e.getMessage());
                }
            }
            List<String> topics = new ArrayList<>();
            if (section.containsKey("topics")) {
                Node topicsNode = section.get("topics").getValueNode();
                if (topicsNode instanceof SequenceNode) {
                    for (Node item : ((SequenceNode) topicsNode).getValue()) {
                        topics.add(scalar(item, "source.topics[]"));
                    }
                } else {
                    topics.add(scalar(topicsNode, "source.topics"));
                }
                if (topics.isEmpty()) {
                    throw error(
                            topicsNode,
                            "source.topics is empty: name at least one topic (event hub)");
                }
            } else {
                String entityPath =
                        connectionString == null
                                ? null
                                : SourceOptions.connectionStringPart(
                                        connectionString, "EntityPath");
                if (entityPath == null) {
                    throw error(
                            node, "source.topics is missing: name the topics (event hubs) to read");
                }
                topics.add(entityPath);
            }
            String groupId =
                    section.containsKey("groupId")
                            ? scalar(section.get("groupId").getValueNode(), "source.groupId")
                            : SourceOptions.DEFAULT_GROUP_ID;
            StartingOffsets offsets = StartingOffsets.COMMITTED;
            if (section.containsKey("startingOffsets")) {
                Node offsetsNode = section.get("startingOffsets").getValueNode();
                String name = scalar(offsetsNode, "source.startingOffsets");
                try {
                    offsets = StartingOffsets.valueOf(name.toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw error(
                            offsetsNode,
                            "source.startingOffsets must be earliest, latest or committed, not '"
                                    + name
                                    + "'");
                }
            }
            InputFormat format = InputFormat.IOTHUB;
            if (section.containsKey("inputFormat")) {
                Node formatNode = section.get("inputFormat").getValueNode();
                String name = scalar(formatNode, "source.inputFormat");
                format =
                        InputFormat.fromConfigName(name)
                                .orElseThrow(
                                        () ->
                                                error(
                                                        formatNode,
                                                        "source.inputFormat must be iothub or json-envelope, not '"
                                                                + name
                                                                + "'"));
            }
            Map<String, String> kafkaProperties = new LinkedHashMap<>();
            if (section.containsKey("kafkaProperties")) {
                Node propertiesNode = section.get("kafkaProperties").getValueNode();
                for (Map.Entry<String, NodeTuple> entry :
                        mapping(propertiesNode, "source.kafkaProperties", null).entrySet()) {
                    kafkaProperties.put(
                            entry.getKey(),
                            scalar(
                                    entry.getValue().getValueNode(),
                                    "source.kafkaProperties." + entry.getKey()));
                }
            }
            return new SourceOptions(
                    bootstrap, connectionString, topics, groupId, offsets, format, kafkaProperties);
        }

        private CheckpointOptions checkpointing(Node node) throws JobConfigException {
            Map<String, NodeTuple> section =
                    mapping(
                            node,
                            "checkpointing",
                            Set.of("enabled", "interval", "mode", "timeout", "dir"));
            CheckpointOptions defaults = CheckpointOptions.defaults();
            boolean enabled = defaults.enabled();
            if (section.containsKey("enabled")) {
                Node enabledNode = section.get("enabled").getValueNode();
                String value = scalar(enabledNode, "checkpointing.enabled");
                if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
                    throw error(
                            enabledNode,
                            "checkpointing.enabled must be true or false, not '" + value + "'");
                }
                enabled = Boolean.parseBoolean(value);
            }
            Duration interval =
                    section.containsKey("interval")
                            ? duration(
                                    section.get("interval").getValueNode(),
                                    "checkpointing.interval")
                            : defaults.interval();
            if (interval.toMillis() < 10) {
                throw error(
                        section.get("interval").getValueNode(),
                        "checkpointing.interval must be at least 10ms");
            }
            Duration timeout =
                    section.containsKey("timeout")
                            ? duration(
                                    section.get("timeout").getValueNode(), "checkpointing.timeout")
                            : defaults.timeout();
            boolean exactlyOnce = true;
            if (section.containsKey("mode")) {
                Node modeNode = section.get("mode").getValueNode();
                String mode =
                        scalar(modeNode, "checkpointing.mode")
                                .toLowerCase(Locale.ROOT)
                                .replace('_', '-');
                if (mode.equals("at-least-once")) {
                    exactlyOnce = false;
                } else if (!mode.equals("exactly-once")) {
                    throw error(
                            modeNode,
                            "checkpointing.mode must be exactly-once or at-least-once, not '"
                                    + mode
                                    + "'");
                }
            }
            String directory =
                    section.containsKey("dir")
                            ? scalar(section.get("dir").getValueNode(), "checkpointing.dir")
                            : null;
            if (directory != null && !directory.contains("://")) {
                Path path = Path.of(directory);
                directory =
                        (path.isAbsolute() || baseDirectory == null
                                        ? path
                                        : baseDirectory.resolve(path))
                                .toUri()
                                .toString();
            }
            return new CheckpointOptions(enabled, interval, exactlyOnce, timeout, directory);
        }

        private Duration duration(Node node, String key) throws JobConfigException {
            String text = scalar(node, key).trim();
            Matcher matcher =
                    Pattern.compile("(\\d+)\\s*(ms|s|m|min|h)")
                            .matcher(text.toLowerCase(Locale.ROOT));
            if (matcher.matches()) {
                long amount = Long.parseLong(matcher.group(1));
                switch (matcher.group(2)) {
                    case "ms":
                        return Duration.ofMillis(amount);
                    case "s":
                        return Duration.ofSeconds(amount);
                    case "m":
                    case "min":
                        return Duration.ofMinutes(amount);
                    default:
                        return Duration.ofHours(amount);
                }
            }
            try {
                return Duration.parse(text);
            } catch (DateTimeParseException e) {
                throw error(
                        node,
                        key
                                + " must be a duration such as 500ms, 10s, 5m, 1h or PT10S, not '"
                                + text
                                + "'");
            }
        }

        private int integer(Node node, String key, int minimum) throws JobConfigException {
            String text = scalar(node, key);
            try {
                int value = Integer.parseInt(text.trim());
                if (value < minimum) {
                    throw error(node, key + " must be at least " + minimum + ", not " + value);
                }
                return value;
            } catch (NumberFormatException e) {
                throw error(node, key + " must be a whole number, not '" + text + "'");
            }
        }

        /** The mapping's entries by key; with {@code allowed}, any other key is an error. */
        private Map<String, NodeTuple> mapping(Node node, String what, Set<String> allowed)
                throws JobConfigException {
            if (!(node instanceof MappingNode)) {
                throw error(node, what + " must be a mapping of keys to values");
            }
            Map<String, NodeTuple> entries = new LinkedHashMap<>();
            for (NodeTuple tuple : ((MappingNode) node).getValue()) {
                Node keyNode = tuple.getKeyNode();
                if (!(keyNode instanceof ScalarNode)) {
                    throw error(keyNode, "keys in " + what + " must be plain names");
                }
                String key = ((ScalarNode) keyNode).getValue();
                if (allowed != null && !allowed.contains(key)) {
                    throw error(
                            keyNode,
                            "unknown key '"
                                    + key
                                    + "' in "
                                    + what
                                    + " (expected one of "
                                    + String.join(", ", sorted(allowed))
                                    + ")");
                }
                if (entries.put(key, tuple) != null) {
                    throw error(keyNode, "duplicate key '" + key + "' in " + what);
                }
            }
            return entries;
        }

        private String scalar(Node node, String key) throws JobConfigException {
            if (!(node instanceof ScalarNode)) {
                throw error(node, key + " must be a single value");
            }
            return resolve(((ScalarNode) node).getValue(), node, key);
        }

        /** Replaces {@code ${env:NAME}} and {@code ${file:PATH}} references. */
        private String resolve(String value, Node node, String key) throws JobConfigException {
            Matcher matcher = REFERENCE.matcher(value);
            StringBuilder resolved = new StringBuilder();
            int last = 0;
            while (matcher.find()) {
                resolved.append(value, last, matcher.start());
                String name = matcher.group(2).trim();
                if (matcher.group(1).equals("env")) {
                    String variable = environment.apply(name);
                    if (variable == null) {
                        throw error(
                                node,
                                key
                                        + " refers to ${env:"
                                        + name
                                        + "}, which is not set: export it or change "
                                        + key);
                    }
                    resolved.append(variable);
                } else {
                    Path path = Path.of(name);
                    if (!path.isAbsolute() && baseDirectory != null) {
                        path = baseDirectory.resolve(path);
                    }
                    try {
                        resolved.append(Files.readString(path, StandardCharsets.UTF_8).strip());
                    } catch (IOException e) {
                        throw error(
                                node,
                                key
                                        + " refers to ${file:"
                                        + name
                                        + "}, which cannot be read ("
                                        + e.getClass().getSimpleName()
                                        + ")");
                    }
                }
                last = matcher.end();
            }
            resolved.append(value, last, value.length());
            return resolved.toString();
        }

        private JobConfigException error(Node node, String message) {
            Optional<Mark> mark = node.getStartMark();
            return new JobConfigException(
                    (mark.isPresent() ? position(mark.get()) : fileName) + ": " + message);
        }

        private String position(Mark mark) {
            return fileName + ":" + (mark.getLine() + 1) + ":" + (mark.getColumn() + 1);
        }

        private static List<String> sorted(Set<String> names) {
            List<String> list = new ArrayList<>(names);
            list.sort(null);
            return list;
        }
    }

    @Override
    public String toString() {
        return "JobConfig{source="
                + source
                + ", parallelism="
                + parallelism
                + ", checkpointing="
                + checkpointing
                + ", stateBackend="
                + stateBackend
                + ", diagnosticsDirectory="
                + diagnosticsDirectory
                + ", twinExportFile="
                + twinExportFile
                + "}";
    }
}
