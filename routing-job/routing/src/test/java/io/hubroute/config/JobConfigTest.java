package io.hubroute.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JobConfigTest {
    private static final Map<String, String> ENV =
            Map.of(
                    "EH_CONN",
                    "Endpoint=sb://my-ns.servicebus.windows.net/;SharedAccessKeyName=listen;SharedAccessKey=s3cr3t=;EntityPath=hub-1",
                    "EH_EMULATOR",
                    "Endpoint=sb://localhost:5093/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=s3cr3t=;EntityPath=hub-1",
                    "EH_BAD_PORT",
                    "Endpoint=sb://localhost:70000/;SharedAccessKeyName=listen;SharedAccessKey=s3cr3t=");

    private static final SecretLookup SECRETS =
            new SecretLookup() {
                @Override
                public String environment(String name) {
                    return ENV.get(name);
                }

                @Override
                public String file(Path path) {
                    return null;
                }
            };

    private static JobConfig parse(String yaml) throws JobConfigException {
        return JobConfig.parse(yaml, "job.yaml", SECRETS, Path.of("/etc/hubroute"));
    }

    @Test
    void readsEveryKey() throws Exception {
        JobConfig config =
                parse(
                        String.join(
                                "\n",
                                "source:",
                                "  bootstrapServers: kafka-1:9092,kafka-2:9092",
                                "  topics: [d2c, d2c-b]",
                                "  groupId: routing",
                                "  startingOffsets: latest",
                                "  inputFormat: json-envelope",
                                "  kafkaProperties:",
                                "    max.poll.records: 100",
                                "parallelism: 4",
                                "checkpointing:",
                                "  enabled: true",
                                "  interval: 30s",
                                "  mode: at-least-once",
                                "  timeout: 5m",
                                "  dir: checkpoints",
                                "  tolerableFailures: 3",
                                "stateBackend: rocksdb",
                                "diagnostics:",
                                "  dir: /var/log/hubroute/invalid",
                                "twins:",
                                "  exportFile: devices.jsonl",
                                ""));
        SourceOptions source = config.source();
        assertThat(source.bootstrapServers()).isEqualTo("kafka-1:9092,kafka-2:9092");
        assertThat(source.topics()).containsExactly("d2c", "d2c-b");
        assertThat(source.groupId()).isEqualTo("routing");
        assertThat(source.startingOffsets()).isEqualTo(StartingOffsets.LATEST);
        assertThat(source.inputFormat()).isEqualTo(InputFormat.JSON_ENVELOPE);
        assertThat(source.consumerProperties())
                .containsEntry("max.poll.records", "100")
                .doesNotContainKey("sasl.jaas.config");
        assertThat(config.parallelism()).isEqualTo(4);
        assertThat(config.checkpointing())
                .isEqualTo(
                        new CheckpointOptions(
                                true,
                                Duration.ofSeconds(30),
                                false,
                                Duration.ofMinutes(5),
                                "file:///etc/hubroute/checkpoints",
                                3));
        assertThat(config.stateBackend()).isEqualTo(StateBackendKind.ROCKSDB);
        assertThat(config.diagnosticsDirectory()).isEqualTo("/var/log/hubroute/invalid");
        assertThat(config.twinExportFile()).isEqualTo("/etc/hubroute/devices.jsonl");
    }

    @Test
    void anOutageHoldsTheJobBackByDefaultInsteadOfRestartingIt() throws Exception {
        assertThat(parse("").checkpointing().tolerableFailures())
                .isEqualTo(CheckpointOptions.UNLIMITED);
        assertThat(
                        parse("checkpointing: {tolerableFailures: unlimited}\n")
                                .checkpointing()
                                .tolerableFailures())
                .isEqualTo(CheckpointOptions.UNLIMITED);
        assertThat(
                        parse("checkpointing: {tolerableFailures: 0}\n")
                                .checkpointing()
                                .tolerableFailures())
                .isZero();
    }

    @Test
    void defaultsWhenEmpty() throws Exception {
        assertThat(parse("")).isEqualTo(JobConfig.defaults());
        assertThat(JobConfig.defaults().checkpointing().enabled()).isTrue();
        assertThat(JobConfig.defaults().checkpointing().interval())
                .isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void eventHubsConnectionStringFromTheEnvironmentGivesSaslAndTopic() throws Exception {
        JobConfig config = parse("source:\n  eventHubsConnectionString: ${env:EH_CONN}\n");
        SourceOptions source = config.source();
        assertThat(source.bootstrapServers()).isEqualTo("my-ns.servicebus.windows.net:9093");
        assertThat(source.topics()).containsExactly("hub-1");
        assertThat(source.startingOffsets()).isEqualTo(StartingOffsets.COMMITTED);
        assertThat(source.consumerProperties())
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "PLAIN");
        assertThat(source.consumerProperties().get("sasl.jaas.config"))
                .contains("username=\"$ConnectionString\"")
                .contains("SharedAccessKey=s3cr3t=");
        assertThat(source.toString()).doesNotContain("s3cr3t").contains("eventHubs=true");
        assertThat(config.toString()).doesNotContain("s3cr3t");
    }

    @Test
    void anEndpointWithAPortIsReachedOnThatPort() throws Exception {
        SourceOptions source =
                parse("source:\n  eventHubsConnectionString: ${env:EH_EMULATOR}\n").source();
        assertThat(source.bootstrapServers()).isEqualTo("localhost:5093");
        assertThat(source.consumerProperties())
                .containsEntry("bootstrap.servers", "localhost:5093")
                .containsEntry("security.protocol", "SASL_SSL");
        assertThat(SourceOptions.eventHubsBootstrapServers("Endpoint=sb://ns.example:1/"))
                .isEqualTo("ns.example:1");
        assertThat(SourceOptions.eventHubsBootstrapServers("Endpoint=sb://ns.example"))
                .isEqualTo("ns.example:9093");
    }

    @Test
    void fileReferencesAreRelativeToTheConfigFile(@TempDir Path directory) throws Exception {
        Files.writeString(
                directory.resolve("conn.txt"),
                "Endpoint=sb://other.servicebus.windows.net/;SharedAccessKey=k\n");
        Path file = directory.resolve("job.yaml");
        Files.writeString(
                file,
                "source:\n  eventHubsConnectionString: ${file:conn.txt}\n  topics: telemetry\n");
        JobConfig config = JobConfig.load(file);
        assertThat(config.source().bootstrapServers())
                .isEqualTo("other.servicebus.windows.net:9093");
        assertThat(config.source().topics()).isEqualTo(List.of("telemetry"));
    }

    static Stream<Arguments> errors() {
        return Stream.of(
                Arguments.of(
                        "parallelism: 0\n",
                        "job.yaml:1:14: parallelism must be at least 1, not 0\n"
                                + "    fix: write a whole number from 1"),
                Arguments.of(
                        "parallelism: many\n",
                        "job.yaml:1:14: parallelism must be a whole number, not 'many'\n"
                                + "    fix: write a whole number from 1"),
                Arguments.of(
                        "source:\n  bootstrapServers: k:9092\n  topic: x\n",
                        "job.yaml:2:3: source.topics is missing\n"
                                + "    fix: add topics: [name] (the topics or event hubs to read)\n"
                                + "job.yaml:3:3: unknown key 'topic' in source\n"
                                + "    fix: use one of: bootstrapServers, eventHubsConnectionString, topics, "
                                + "groupId, startingOffsets, inputFormat, kafkaProperties"),
                Arguments.of(
                        "source:\n  topics: [a]\n",
                        "job.yaml:2:3: source needs bootstrapServers (any Kafka) or eventHubsConnectionString (Event Hubs)\n"
                                + "    fix: add bootstrapServers: host:9092, or eventHubsConnectionString: ${env:NAME}"),
                Arguments.of(
                        "source:\n  bootstrapServers: k:9092\n",
                        "job.yaml:2:3: source.topics is missing\n"
                                + "    fix: add topics: [name] (the topics or event hubs to read)"),
                Arguments.of(
                        "source:\n  eventHubsConnectionString: ${env:NOPE}\n  topics: [a]\n",
                        "job.yaml:2:30: source.eventHubsConnectionString: ${env:NOPE} is not set\n"
                                + "    fix: set the environment variable NOPE before starting"),
                Arguments.of(
                        "source:\n  eventHubsConnectionString: ${env:EH_BAD_PORT}\n  topics: [a]\n",
                        "job.yaml:2:30: source.eventHubsConnectionString: the Event Hubs connection"
                                + " string's Endpoint has a port that is not a number from 1 to 65535:"
                                + " write sb://HOST:PORT/, or sb://HOST/ for Event Hubs' own port 9093\n"
                                + "    fix: use the connection string of the namespace or event hub, as the Azure portal shows it"),
                Arguments.of(
                        "source:\n  eventHubsConnectionString: ${env:EH\n  topics: [a]\n",
                        "job.yaml:2:30: source.eventHubsConnectionString: malformed secret reference\n"
                                + "    fix: write ${env:VARIABLE} or ${file:PATH}"),
                Arguments.of(
                        "source:\n  bootstrapServers: k:9092\n  topics: [a]\n  inputFormat: avro\n",
                        "job.yaml:4:16: source.inputFormat must be iothub or json-envelope, not 'avro'\n"
                                + "    fix: write iothub (IoT Hub's Event Hubs records) or json-envelope"),
                Arguments.of(
                        "source:\n  bootstrapServers: k:9092\n  topics: [a]\n  startingOffsets: now\n",
                        "job.yaml:4:20: source.startingOffsets must be earliest, latest or committed, not 'now'\n"
                                + "    fix: write earliest, latest or committed (the consumer group's offsets, else earliest)"),
                Arguments.of(
                        "checkpointing:\n  interval: often\n",
                        "job.yaml:2:13: checkpointing.interval must be a duration such as 500ms, 10s, 5min, 1h, 2d or PT10S, not 'often'\n"
                                + "    fix: write a whole number and a unit: ms, s, min (or m), h, d"),
                Arguments.of(
                        "checkpointing:\n  interval: 5ms\n",
                        "job.yaml:2:13: checkpointing.interval must be at least 10ms, not '5ms'\n"
                                + "    fix: write 10ms or more (10s is the default)"),
                Arguments.of(
                        "checkpointing:\n  mode: twice\n",
                        "job.yaml:2:9: checkpointing.mode must be exactly-once or at-least-once, not 'twice'\n"
                                + "    fix: write exactly-once (the default) or at-least-once"),
                Arguments.of(
                        "stateBackend: memory\n",
                        "job.yaml:1:15: stateBackend must be hashmap or rocksdb, not 'memory'\n"
                                + "    fix: write hashmap (twins on the heap) or rocksdb (twins on disk)"),
                Arguments.of(
                        "parallelism: 1\nparallelism: 2\n",
                        "job.yaml:2:1: duplicate key 'parallelism' in the document\n"
                                + "    fix: keep one 'parallelism'"),
                Arguments.of(
                        "- a\n",
                        "job.yaml:1:1: the document must be a mapping\n"
                                + "    fix: write the document as `key: value` lines"),
                Arguments.of(
                        "source: [\n",
                        "job.yaml:2:1: invalid YAML: expected the node content, but found '<stream end>'\n"
                                + "    fix: fix the YAML syntax at this position"));
    }

    @Test
    void reportsEveryProblemAtOnceInFileOrder() {
        assertThatThrownBy(
                        () ->
                                parse(
                                        String.join(
                                                "\n",
                                                "parallelism: none",
                                                "checkpointing:",
                                                "  interval: sometimes",
                                                "  mode: twice",
                                                "stateBackend: memory",
                                                "")))
                .isInstanceOfSatisfying(
                        JobConfigException.class,
                        e ->
                                assertThat(e.problems())
                                        .extracting(ConfigProblem::location)
                                        .containsExactly(
                                                "job.yaml:1:14",
                                                "job.yaml:3:13",
                                                "job.yaml:4:9",
                                                "job.yaml:5:15"));
    }

    @Test
    void withoutSecretsListsHowEverySecretIsWrittenAndResolvesNothing() {
        JobConfigLoader.Result result =
                JobConfigLoader.withoutSecrets()
                        .parse(
                                String.join(
                                        "\n",
                                        "source:",
                                        "  eventHubsConnectionString: ${env:NOT_HERE}",
                                        "  kafkaProperties:",
                                        "    ssl.truststore.password: changeit",
                                        "    sasl.jaas.config: 'PlainLoginModule required password=\"${file:/run/pw}\";'",
                                        "    max.poll.records: 100",
                                        ""),
                                "job.yaml",
                                Path.of("/etc/hubroute"));

        assertThat(result.problems()).isEmpty();
        assertThat(result.config()).isEmpty();
        assertThat(result.secretSettings())
                .extracting(
                        JobConfigLoader.SecretSetting::key,
                        JobConfigLoader.SecretSetting::location,
                        setting -> setting.secret().isWrittenAsReference())
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                "source.eventHubsConnectionString", "job.yaml:2:30", true),
                        org.assertj.core.groups.Tuple.tuple(
                                "source.kafkaProperties.ssl.truststore.password",
                                "job.yaml:4:30",
                                false),
                        org.assertj.core.groups.Tuple.tuple(
                                "source.kafkaProperties.sasl.jaas.config", "job.yaml:5:23", true));
    }

    @Test
    void secretKafkaPropertiesAreTypedAsSecretsAndResolvedInsideTheirText() throws Exception {
        JobConfig config =
                parse(
                        String.join(
                                "\n",
                                "source:",
                                "  bootstrapServers: k:9093",
                                "  topics: [a]",
                                "  kafkaProperties:",
                                "    security.protocol: SASL_SSL",
                                "    sasl.jaas.config: 'PlainLoginModule required password=\"${env:EH_CONN}\";'",
                                ""));
        SourceOptions source = config.source();
        assertThat(source.kafkaProperties()).containsOnlyKeys("security.protocol");
        assertThat(source.kafkaSecretProperties()).containsOnlyKeys("sasl.jaas.config");
        assertThat(source.consumerProperties().get("sasl.jaas.config"))
                .isEqualTo("PlainLoginModule required password=\"" + ENV.get("EH_CONN") + "\";");
        assertThat(source.toString()).doesNotContain("s3cr3t").contains("${env:EH_CONN}");
    }

    @Test
    void durationsTakeFlinksForms() throws Exception {
        assertThat(parse("checkpointing:\n  interval: 2 min\n").checkpointing().interval())
                .isEqualTo(Duration.ofMinutes(2));
        assertThat(parse("checkpointing:\n  interval: 1500\n").checkpointing().interval())
                .isEqualTo(Duration.ofMillis(1500));
        assertThat(parse("checkpointing:\n  timeout: PT90S\n").checkpointing().timeout())
                .isEqualTo(Duration.ofSeconds(90));
        assertThat(parse("checkpointing:\n  timeout: 1d\n").checkpointing().timeout())
                .isEqualTo(Duration.ofDays(1));
    }

    @ParameterizedTest
    @MethodSource("errors")
    void reportsErrorsWithTheirPosition(String yaml, String message) {
        assertThatThrownBy(() -> parse(yaml))
                .isInstanceOf(JobConfigException.class)
                .hasMessage(message);
    }

    @Test
    void secretsNeverAppearInErrors() {
        assertThatThrownBy(
                        () ->
                                parse(
                                        "source:\n  eventHubsConnectionString: ${env:EH_CONN}\n  topics: [a]\n  groupId: [x]\n"))
                .isInstanceOf(JobConfigException.class)
                .hasMessageNotContaining("s3cr3t");
    }

    @Test
    void diagnosticsGoToADirOrATopicAndWarnAboveAShareOfInvalidInput() throws Exception {
        JobConfig topic =
                parse(
                        "source: {bootstrapServers: 'k:9092', topics: [d2c]}\n"
                                + "diagnostics: {topic: hubroute-diagnostics, invalidRatioWarning: 0.2}\n");
        assertThat(topic.diagnostics())
                .isEqualTo(new DiagnosticsOptions(null, "hubroute-diagnostics", 0.2));
        assertThat(parse("").diagnostics()).isEqualTo(DiagnosticsOptions.defaults());

        assertThatThrownBy(() -> parse("diagnostics: {invalidRatioWarning: 2}\n"))
                .hasMessage(
                        "job.yaml:1:36: diagnostics.invalidRatioWarning must be a share from 0 to 1, not '2'\n"
                                + "    fix: write 0.5 to warn when over half the input is undecodable, 0 to never warn");
        assertThatThrownBy(() -> parse("diagnostics: {topic: t}\n"))
                .hasMessageContaining(
                        "diagnostics.topic is on the source's Kafka cluster, but there is no source");
        assertThatThrownBy(
                        () ->
                                parse(
                                        "source: {bootstrapServers: 'k:9092', topics: [d2c]}\n"
                                                + "diagnostics: {topic: t, dir: /tmp/d}\n"))
                .hasMessageContaining("diagnostics has both dir and topic");
    }

    @Test
    void exactlyOnceEventHubsEndpointsNeedExactlyOnceCheckpoints() throws Exception {
        RoutingConfig routes =
                RoutingConfigLoader.withoutSecrets()
                        .parse(
                                "hubName: h\nendpoints:\n  eventHubs:\n"
                                        + "    - {name: ledger, connectionString: '${env:K}', entityPath: l, deliveryGuarantee: exactlyOnce}\n"
                                        + "routes: []\n",
                                "routes.yaml",
                                Path.of("."))
                        .orThrow();
        assertThat(routes.endpoint("ledger").orElseThrow().deliveryGuarantee())
                .isEqualTo(DeliveryGuarantee.EXACTLY_ONCE);
        assertThat(parse("").conflictsWith(routes)).isEmpty();
        assertThat(parse("checkpointing: {mode: at-least-once}\n").conflictsWith(routes))
                .singleElement()
                .asString()
                .startsWith("endpoint 'ledger' is exactlyOnce")
                .contains("checkpointing mode is at-least-once");

        assertThat(
                        RoutingConfigLoader.withoutSecrets()
                                .parse(
                                        "hubName: h\nendpoints:\n  serviceBusQueues:\n"
                                                + "    - {name: q, connectionString: '${env:Q}', entityPath: q, deliveryGuarantee: exactlyOnce}\n"
                                                + "routes: []\n",
                                        "routes.yaml",
                                        Path.of("."))
                                .problems())
                .singleElement()
                .asString()
                .contains(
                        "endpoint 'q': exactlyOnce is for Event Hubs endpoints (Kafka transactions)");
    }

    @Test
    void storageEndpointsNeedExactlyOnceCheckpoints() throws Exception {
        RoutingConfig routes =
                RoutingConfigLoader.withoutSecrets()
                        .parse(
                                String.join(
                                        "\n",
                                        "hubName: h",
                                        "endpoints:",
                                        "  storageContainers:",
                                        "    - {name: archive, connectionString: '${env:S}', containerName: c}",
                                        "  serviceBusQueues:",
                                        "    - {name: alerts, connectionString: '${env:Q}', entityPath: q}",
                                        "routes:",
                                        "  - {name: all, source: DeviceMessages, condition: 'true', endpointNames: [archive, alerts]}",
                                        ""),
                                "routes.yaml",
                                Path.of("."))
                        .orThrow();

        assertThat(parse("").conflictsWith(routes)).isEmpty();
        assertThat(parse("checkpointing:\n  enabled: false\n").conflictsWith(routes))
                .containsExactly(
                        "storage endpoint 'archive' needs checkpoints (its blobs are committed when one completes), but checkpointing.enabled is false;"
                                + " fix: remove checkpointing.enabled: false from job.yaml, or route elsewhere");
        assertThat(parse("checkpointing:\n  mode: at-least-once\n").conflictsWith(routes))
                .singleElement()
                .asString()
                .contains("'archive'")
                .contains("checkpointing.mode is at-least-once");
    }
}
