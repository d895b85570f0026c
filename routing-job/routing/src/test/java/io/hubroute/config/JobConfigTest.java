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
                    "Endpoint=sb://my-ns.servicebus.windows.net/;SharedAccessKeyName=listen;SharedAccessKey=s3cr3t=;EntityPath=hub-1");

    private static JobConfig parse(String yaml) throws JobConfigException {
        return JobConfig.parse(yaml, "job.yaml", ENV::get, Path.of("/etc/hubroute"));
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
                                "file:///etc/hubroute/checkpoints"));
        assertThat(config.stateBackend()).isEqualTo(StateBackendKind.ROCKSDB);
        assertThat(config.diagnosticsDirectory()).isEqualTo("/var/log/hubroute/invalid");
        assertThat(config.twinExportFile()).isEqualTo("/etc/hubroute/devices.jsonl");
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
                        "parallelism: 0\n", "job.yaml:1:14: parallelism must be at least 1, not 0"),
                Arguments.of(
                        "parallelism: many\n",
                        "job.yaml:1:14: parallelism must be a whole number, not 'many'"),
                Arguments.of(
                        "source:\n  bootstrapServers: k:9092\n  topic: x\n",
                        "job.yaml:3:3: unknown key 'topic' in source (expected one of bootstrapServers, eventHubsConnectionString, "
                                + "groupId, inputFormat, kafkaProperties, startingOffsets, topics)"),
                Arguments.of(
                        "source:\n  topics: [a]\n",
                        "job.yaml:2:3: source needs bootstrapServers (any Kafka) or eventHubsConnectionString (Event Hubs)"),
                Arguments.of(
                        "source:\n  bootstrapServers: k:9092\n",
                        "job.yaml:2:3: source.topics is missing: name the topics (event hubs) to read"),
                Arguments.of(
                        "source:\n  eventHubsConnectionString: ${env:NOPE}\n  topics: [a]\n",
                        "job.yaml:2:30: source.eventHubsConnectionString refers to ${env:NOPE}, which is not set: "
                                + "export it or change source.eventHubsConnectionString"),
                Arguments.of(
                        "source:\n  bootstrapServers: k:9092\n  topics: [a]\n  inputFormat: avro\n",
                        "job.yaml:4:16: source.inputFormat must be iothub or json-envelope, not 'avro'"),
                Arguments.of(
                        "source:\n  bootstrapServers: k:9092\n  topics: [a]\n  startingOffsets: now\n",
                        "job.yaml:4:20: source.startingOffsets must be earliest, latest or committed, not 'now'"),
                Arguments.of(
                        "checkpointing:\n  interval: often\n",
                        "job.yaml:2:13: checkpointing.interval must be a duration such as 500ms, 10s, 5m, 1h or PT10S, not 'often'"),
                Arguments.of(
                        "checkpointing:\n  mode: twice\n",
                        "job.yaml:2:9: checkpointing.mode must be exactly-once or at-least-once, not 'twice'"),
                Arguments.of(
                        "stateBackend: memory\n",
                        "job.yaml:1:15: stateBackend must be hashmap or rocksdb, not 'memory'"),
                Arguments.of(
                        "parallelism: 1\nparallelism: 2\n",
                        "job.yaml:2:1: duplicate key 'parallelism' in the document"),
                Arguments.of(
                        "- a\n", "job.yaml:1:1: the document must be a mapping of keys to values"),
                Arguments.of(
                        "source: [\n",
                        "job.yaml:2:1: not valid YAML: expected the node content, but found '<stream end>'"));
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
}
