package io.hubroute.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubroute.cli.Main;
import io.hubroute.demo.IotHubRecords;
import io.hubroute.embedded.EmbeddedKafkaBroker;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hubroute submit} against a real Flink session cluster (JobManager and TaskManager as local
 * processes, see {@link FlinkSessionCluster}): the job jar is uploaded through the REST API, its
 * main method runs on the JobManager, resolves the endpoints' {@code ${env:}} connection strings
 * there, and the job routes IoT Hub records from Kafka to a custom Event Hubs endpoint and the
 * built-in events endpoint (both plain Kafka topics here).
 */
class SubmitE2ECase {
    private static final Pattern JOB_ID = Pattern.compile("job id: ([0-9a-f]{32})");

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) // keeps the cluster's logs of a failed run
    Path work;

    @Test
    void submitsTheJobJarAndRoutesOnTheCluster() throws Exception {
        Path jobJar = jobJar();
        // the cluster must not have what the job jar has to bring, or a gap in the job jar would go
        // unnoticed
        assertThat(FlinkSessionCluster.clusterClasspath(jobJar))
                .contains("flink-runtime-2.2.1.jar", "flink-runtime-web-2.2.1.jar")
                .doesNotContain(
                        "flink-connector-kafka",
                        "flink-connector-base",
                        "kafka-clients",
                        "hubroute-",
                        "azure-storage-blob",
                        "qpid-jms");
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(work.resolve("kafka"))) {
            kafka.createTopics(2, "d2c", "hot", "events");
            String endpointConnection = "kafka://" + kafka.bootstrapServers();
            Path routes =
                    Files.writeString(
                            work.resolve("routes.yaml"),
                            String.join(
                                    "\n",
                                    "hubName: e2e-hub",
                                    "builtInEndpoint: {connectionString: '${env:HUBROUTE_E2E_EVENTS}', entityPath: events}",
                                    "endpoints:",
                                    "  eventHubs:",
                                    "    - {name: HotHub, connectionString: '${env:HUBROUTE_E2E_HOT}', entityPath: hot}",
                                    "routes:",
                                    "  - {name: HotRoute, source: DeviceMessages, condition: 'level = \"hot\"', endpointNames: [HotHub], isEnabled: true}",
                                    "fallbackRoute: {isEnabled: true, endpointNames: [events]}",
                                    "enrichments:",
                                    "  - {key: hub, value: $iothubname, endpointNames: [HotHub]}",
                                    ""));
            Path config =
                    Files.writeString(
                            work.resolve("job.yaml"),
                            String.join(
                                    "\n",
                                    "source:",
                                    "  bootstrapServers: " + kafka.bootstrapServers(),
                                    "  topics: [d2c]",
                                    "  startingOffsets: earliest",
                                    "checkpointing: {interval: 1s}",
                                    ""));

            try (FlinkSessionCluster flink =
                    FlinkSessionCluster.start(
                            work.resolve("flink"),
                            jobJar,
                            Map.of(
                                    "HUBROUTE_E2E_EVENTS",
                                    endpointConnection,
                                    "HUBROUTE_E2E_HOT",
                                    endpointConnection))) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                ByteArrayOutputStream err = new ByteArrayOutputStream();
                int exit =
                        Main.run(
                                new String[] {
                                    "submit",
                                    "--jobmanager",
                                    flink.restAddress(),
                                    "--routes",
                                    routes.toString(),
                                    "--config",
                                    config.toString(),
                                    "--jar",
                                    jobJar.toString()
                                },
                                new ByteArrayInputStream(new byte[0]),
                                new PrintStream(out, true, StandardCharsets.UTF_8),
                                new PrintStream(err, true, StandardCharsets.UTF_8));
                String printed = out.toString(StandardCharsets.UTF_8);
                assertThat(exit)
                        .as(
                                "stdout:\n%s\nstderr:\n%s\n%s",
                                printed, err.toString(StandardCharsets.UTF_8), flink.logTail())
                        .isZero();
                Matcher jobIdMatch = JOB_ID.matcher(printed);
                assertThat(jobIdMatch.find()).as(printed).isTrue();
                String jobId = jobIdMatch.group(1);
                assertThat(printed)
                        .contains("(hubroute e2e-hub)")
                        .contains(
                                "web UI: http://"
                                        + flink.restAddress()
                                        + "/#/job/running/"
                                        + jobId
                                        + "/overview")
                        .contains("state: RUNNING");

                try (KafkaProducer<byte[], byte[]> producer = producer(kafka.bootstrapServers())) {
                    long now = System.currentTimeMillis();
                    for (int i = 0; i < 3; i++) {
                        producer.send(
                                IotHubRecords.telemetry(
                                        "d2c",
                                        "device-" + i,
                                        "hot-" + i,
                                        now + i,
                                        Map.of("level", "hot"),
                                        "{\"temperature\": " + (40 + i) + "}"));
                    }
                    for (int i = 0; i < 2; i++) {
                        producer.send(
                                IotHubRecords.telemetry(
                                        "d2c",
                                        "device-" + i,
                                        "normal-" + i,
                                        now + 10 + i,
                                        Map.of("level", "normal"),
                                        "{\"temperature\": " + (20 + i) + "}"));
                    }
                    producer.flush();
                }

                List<ConsumerRecord<byte[], byte[]>> hot =
                        consume(kafka.bootstrapServers(), "hot", 3, Duration.ofSeconds(90));
                List<ConsumerRecord<byte[], byte[]>> events =
                        consume(kafka.bootstrapServers(), "events", 2, Duration.ofSeconds(30));
                assertThat(hot)
                        .as(flink.logTail())
                        .extracting(record -> header(record, "message-id"))
                        .containsExactlyInAnyOrder("hot-0", "hot-1", "hot-2");
                assertThat(hot).extracting(record -> header(record, "hub")).containsOnly("e2e-hub");
                assertThat(hot)
                        .extracting(record -> new String(record.value(), StandardCharsets.UTF_8))
                        .contains("{\"temperature\": 41}");
                assertThat(events)
                        .extracting(record -> header(record, "message-id"))
                        .containsExactlyInAnyOrder("normal-0", "normal-1");
                assertThat(events)
                        .extracting(record -> new String(record.key(), StandardCharsets.UTF_8))
                        .containsExactlyInAnyOrder("device-0", "device-1");

                JsonNode job = flink.get("/jobs/" + jobId);
                assertThat(job.path("state").asText()).isEqualTo("RUNNING");
                assertThat(job.path("name").asText()).isEqualTo("hubroute e2e-hub");
                // the resolved connection strings exist only inside the job: not in its name, plan
                // or config
                assertThat(
                                job.toString()
                                        + flink.get("/jobs/" + jobId + "/plan")
                                        + flink.get("/jobs/" + jobId + "/config"))
                        .doesNotContain(endpointConnection);

                flink.patch("/jobs/" + jobId + "?mode=cancel");
                assertThat(awaitState(flink, jobId, "CANCELED", Duration.ofSeconds(60)))
                        .isEqualTo("CANCELED");
            }
        }
    }

    /**
     * The job jar with Flink's own client, as docs/deploy.md shows it: {@code flink run -d -m
     * HOST:PORT job.jar --routes FILE --config FILE}. The job's main method runs in the client, so
     * the files are read and the {@code ${env:}} references resolved there.
     */
    @Test
    void flinkRunSubmitsTheJobJarAndRoutesOnTheCluster() throws Exception {
        Path jobJar = jobJar();
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(work.resolve("kafka"))) {
            kafka.createTopics(2, "d2c", "hot", "events");
            String endpointConnection = "kafka://" + kafka.bootstrapServers();
            Path routes =
                    Files.writeString(
                            work.resolve("routes.yaml"),
                            String.join(
                                    "\n",
                                    "hubName: cli-hub",
                                    "builtInEndpoint: {connectionString: '${env:HUBROUTE_E2E_KAFKA}', entityPath: events}",
                                    "endpoints:",
                                    "  eventHubs:",
                                    "    - {name: HotHub, connectionString: '${env:HUBROUTE_E2E_KAFKA}', entityPath: hot}",
                                    "routes:",
                                    "  - {name: HotRoute, source: DeviceMessages, condition: '$body.temperature > 30', endpointNames: [HotHub]}",
                                    "fallbackRoute: {isEnabled: true, endpointNames: [events]}",
                                    ""));
            Path config =
                    Files.writeString(
                            work.resolve("job.yaml"),
                            String.join(
                                    "\n",
                                    "source:",
                                    "  bootstrapServers: " + kafka.bootstrapServers(),
                                    "  topics: [d2c]",
                                    "  startingOffsets: earliest",
                                    "checkpointing: {interval: 1s}",
                                    ""));

            // the cluster's own environment does not have the variable: only the client does
            try (FlinkSessionCluster flink =
                    FlinkSessionCluster.start(work.resolve("flink"), jobJar, Map.of())) {
                FlinkSessionCluster.CliResult run =
                        flink.flinkCli(
                                List.of(
                                        "run",
                                        "-d",
                                        "-m",
                                        flink.restAddress(),
                                        jobJar.toString(),
                                        "--routes",
                                        routes.toString(),
                                        "--config",
                                        config.toString()),
                                Map.of("HUBROUTE_E2E_KAFKA", endpointConnection),
                                Duration.ofMinutes(3));
                assertThat(run.exitCode())
                        .as("flink run:\n%s\n%s", run.output(), flink.logTail())
                        .isZero();
                Matcher jobIdMatch = Pattern.compile("JobID ([0-9a-f]{32})").matcher(run.output());
                assertThat(jobIdMatch.find()).as(run.output()).isTrue();
                String jobId = jobIdMatch.group(1);
                assertThat(awaitState(flink, jobId, "RUNNING", Duration.ofSeconds(90)))
                        .as(flink.logTail())
                        .isEqualTo("RUNNING");
                assertThat(flink.get("/jobs/" + jobId).path("name").asText())
                        .isEqualTo("hubroute cli-hub");

                try (KafkaProducer<byte[], byte[]> producer = producer(kafka.bootstrapServers())) {
                    long now = System.currentTimeMillis();
                    for (int i = 0; i < 3; i++) {
                        producer.send(
                                IotHubRecords.telemetry(
                                        "d2c",
                                        "device-" + i,
                                        "hot-" + i,
                                        now + i,
                                        Map.of(),
                                        "{\"temperature\": " + (40 + i) + "}"));
                        producer.send(
                                IotHubRecords.telemetry(
                                        "d2c",
                                        "device-" + i,
                                        "cold-" + i,
                                        now + 10 + i,
                                        Map.of(),
                                        "{\"temperature\": " + (10 + i) + "}"));
                    }
                    producer.flush();
                }
                List<ConsumerRecord<byte[], byte[]>> hot =
                        consume(kafka.bootstrapServers(), "hot", 3, Duration.ofSeconds(90));
                List<ConsumerRecord<byte[], byte[]>> events =
                        consume(kafka.bootstrapServers(), "events", 3, Duration.ofSeconds(30));
                assertThat(hot)
                        .as(flink.logTail())
                        .extracting(record -> header(record, "message-id"))
                        .containsExactlyInAnyOrder("hot-0", "hot-1", "hot-2");
                assertThat(events)
                        .extracting(record -> header(record, "message-id"))
                        .containsExactlyInAnyOrder("cold-0", "cold-1", "cold-2");
                assertThat(
                                flink.get("/jobs/" + jobId).toString()
                                        + flink.get("/jobs/" + jobId + "/config"))
                        .doesNotContain(endpointConnection);

                FlinkSessionCluster.CliResult cancel =
                        flink.flinkCli(
                                List.of("cancel", "-m", flink.restAddress(), jobId),
                                Map.of(),
                                Duration.ofMinutes(2));
                assertThat(cancel.exitCode()).as(cancel.output()).isZero();
                assertThat(awaitState(flink, jobId, "CANCELED", Duration.ofSeconds(60)))
                        .isEqualTo("CANCELED");
            }
        }
    }

    @Test
    void errorsNameTheJobManagerAddress() throws Exception {
        Path routes =
                Files.writeString(
                        work.resolve("routes.yaml"),
                        "hubName: e2e-hub\nbuiltInEndpoint: {connectionString: 'kafka://127.0.0.1:9', entityPath: events}\nroutes: []\n"
                                + "fallbackRoute: {isEnabled: true, endpointNames: [events]}\n");
        Path config =
                Files.writeString(
                        work.resolve("job.yaml"),
                        "source: {bootstrapServers: '127.0.0.1:9', topics: [d2c]}\n");
        Path jar = Files.write(work.resolve("job.jar"), new byte[] {0x50, 0x4b, 0x05, 0x06});
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit =
                Main.run(
                        new String[] {
                            "submit",
                            "--jobmanager",
                            "127.0.0.1:1",
                            "--routes",
                            routes.toString(),
                            "--config",
                            config.toString(),
                            "--jar",
                            jar.toString(),
                            "--detached"
                        },
                        new ByteArrayInputStream(new byte[0]),
                        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(exit).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("cannot reach the Flink JobManager at 127.0.0.1:1 (POST /jars/upload)");
    }

    @Test
    void refusesInlineConnectionStrings() throws Exception {
        Path routes =
                Files.writeString(
                        work.resolve("routes.yaml"),
                        String.join(
                                "\n",
                                "hubName: e2e-hub",
                                "builtInEndpoint: {connectionString: 'Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=p;SharedAccessKey=c2VjcmV0', entityPath: events}",
                                "routes: []",
                                "fallbackRoute: {isEnabled: true, endpointNames: [events]}",
                                ""));
        Path config =
                Files.writeString(
                        work.resolve("job.yaml"),
                        "source: {bootstrapServers: '127.0.0.1:9', topics: [d2c]}\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit =
                Main.run(
                        new String[] {
                            "submit",
                            "--jobmanager",
                            "127.0.0.1:1",
                            "--routes",
                            routes.toString(),
                            "--config",
                            config.toString()
                        },
                        new ByteArrayInputStream(new byte[0]),
                        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(exit).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("endpoint 'events' has its connection string written inline")
                .doesNotContain("c2VjcmV0");
    }

    /** The job jar built by routing-job/job (mvn package), or -Dhubroute.job.jar. */
    static Path jobJar() throws IOException {
        String configured = System.getProperty("hubroute.job.jar");
        if (configured != null) {
            return Path.of(configured);
        }
        Path target = Path.of("..", "routing-job", "job", "target").toAbsolutePath().normalize();
        try (var files = Files.list(target)) {
            return files.filter(
                            file ->
                                    file.getFileName()
                                            .toString()
                                            .matches("hubroute-routing-job-.*-job\\.jar"))
                    .findFirst()
                    .orElseThrow(
                            () ->
                                    new IllegalStateException(
                                            "no job jar in "
                                                    + target
                                                    + ": run mvn package -pl routing-job/job -am"));
        }
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrapServers) {
        Properties properties = new Properties();
        properties.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.setProperty(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(
                properties, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static List<ConsumerRecord<byte[], byte[]>> consume(
            String bootstrapServers, String topic, int count, Duration timeout) {
        Properties properties = new Properties();
        properties.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.setProperty(ConsumerConfig.GROUP_ID_CONFIG, "e2e-" + topic);
        properties.setProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        properties, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (records.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
            // a moment longer: anything beyond the expected records would be a duplicate or a
            // misroute
            consumer.poll(Duration.ofSeconds(1)).forEach(records::add);
        }
        return records;
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static String awaitState(
            FlinkSessionCluster flink, String jobId, String expected, Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String state;
        do {
            state = flink.get("/jobs/" + jobId).path("state").asText();
            if (state.equals(expected)) {
                return state;
            }
            Thread.sleep(250);
        } while (System.nanoTime() < deadline);
        return state;
    }
}
