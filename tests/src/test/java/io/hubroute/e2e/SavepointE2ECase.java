package io.hubroute.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hubroute.cli.Main;
import io.hubroute.demo.IotHubRecords;
import io.hubroute.embedded.EmbeddedKafkaBroker;
import io.hubroute.job.TwinExport;
import io.hubroute.twin.TwinEvents;
import io.hubroute.twin.TwinState;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hubroute savepoint export-twins} of a savepoint equals the twins the job holds: the job
 * runs on a Flink session cluster (see {@link FlinkSessionCluster}) and takes lifecycle and twin
 * change events from Kafka; a savepoint is triggered through the REST API while it runs; the
 * exported twins, read back as {@code twins.exportFile} reads them, are the twins those events
 * produce. {@code savepoint inspect --json} counts them.
 */
class SavepointE2ECase {
    private static final Pattern JOB_ID = Pattern.compile("job id: ([0-9a-f]{32})");
    private static final String HUB = "savepoint-hub";

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path work;

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void exportedTwinsOfASavepointAreTheTwinsTheJobHolds() throws Exception {
        Path jobJar = SubmitE2ECase.jobJar();
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(work.resolve("kafka"))) {
            kafka.createTopics(2, "d2c", "events");
            Path routes =
                    Files.writeString(
                            work.resolve("routes.yaml"),
                            String.join(
                                    "\n",
                                    "hubName: " + HUB,
                                    "builtInEndpoint: {connectionString: '${env:HUBROUTE_E2E_EVENTS}', entityPath: events}",
                                    "routes: []",
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
                                    "parallelism: 2",
                                    ""));
            // the events, then one telemetry message per twin key: routed (fallback to events)
            // only once the key's events before it are in its state
            long time = System.currentTimeMillis() - 60_000;
            String sensor =
                    "{\"deviceId\":\"sensor-1\",\"tags\":{\"site\":\"north\",\"building\":43},"
                            + "\"properties\":{\"desired\":{\"interval\":5,\"$version\":3},"
                            + "\"reported\":{\"fw\":\"1.0\",\"$metadata\":{\"$lastUpdated\":\"2026-11-01T00:00:00Z\"}}}}";
            String sensorPatch = "{\"properties\":{\"reported\":{\"fw\":\"2.0\",\"battery\":81}}}";
            String gateway = "{\"deviceId\":\"gateway-1\",\"tags\":{\"site\":\"south\"}}";
            String gatewayReplace = "{\"tags\":{\"site\":\"west\",\"floor\":2}}";
            String module =
                    "{\"deviceId\":\"gateway-1\",\"moduleId\":\"edge\",\"tags\":{\"role\":\"edge\"},"
                            + "\"properties\":{\"reported\":{\"ok\":true}}}";
            String retired = "{\"deviceId\":\"retired-1\",\"tags\":{\"site\":\"gone\"}}";
            List<ProducerRecord<byte[], byte[]>> stream = new ArrayList<>();
            stream.add(lifecycle("sensor-1", TwinEvents.CREATE_DEVICE_IDENTITY, time++, sensor));
            stream.add(
                    IotHubRecords.twinChangeEvent(
                            "d2c", HUB, "sensor-1", TwinEvents.UPDATE_TWIN, time++, sensorPatch));
            stream.add(lifecycle("gateway-1", TwinEvents.CREATE_DEVICE_IDENTITY, time++, gateway));
            stream.add(
                    IotHubRecords.twinChangeEvent(
                            "d2c",
                            HUB,
                            "gateway-1",
                            TwinEvents.REPLACE_TWIN,
                            time++,
                            gatewayReplace));
            stream.add(
                    fromModule(
                            lifecycle(
                                    "gateway-1",
                                    TwinEvents.CREATE_MODULE_IDENTITY,
                                    time++,
                                    module)));
            stream.add(lifecycle("retired-1", TwinEvents.CREATE_DEVICE_IDENTITY, time++, retired));
            stream.add(lifecycle("retired-1", TwinEvents.DELETE_DEVICE_IDENTITY, time++, "{}"));
            for (String device : List.of("sensor-1", "gateway-1", "retired-1", "unknown-1")) {
                stream.add(telemetry(device, device + "-m", time++));
            }
            stream.add(fromModule(telemetry("gateway-1", "gateway-1-edge-m", time++)));
            ObjectMapper json = new ObjectMapper();
            Map<String, String> expected = new TreeMap<>();
            expected.put(
                    "sensor-1",
                    text(TwinState.of(json.readTree(sensor)).update(json.readTree(sensorPatch))));
            expected.put(
                    "gateway-1",
                    text(
                            TwinState.of(json.readTree(gateway))
                                    .replace(json.readTree(gatewayReplace))));
            expected.put("gateway-1/edge", text(TwinState.of(json.readTree(module))));

            try (FlinkSessionCluster flink =
                    FlinkSessionCluster.start(
                            work.resolve("flink"),
                            jobJar,
                            Map.of("HUBROUTE_E2E_EVENTS", "kafka://" + kafka.bootstrapServers()))) {
                Result submit =
                        hubroute(
                                "submit",
                                "--jobmanager",
                                flink.restAddress(),
                                "--routes",
                                routes.toString(),
                                "--config",
                                config.toString(),
                                "--jar",
                                jobJar.toString());
                assertThat(submit.exitCode()).as(submit + flink.logTail()).isZero();
                Matcher jobIdMatch = JOB_ID.matcher(submit.out());
                assertThat(jobIdMatch.find()).as(submit.out()).isTrue();
                String jobId = jobIdMatch.group(1);

                send(kafka.bootstrapServers(), stream);
                Set<String> routed =
                        messageIds(kafka.bootstrapServers(), "events", 5, Duration.ofSeconds(90));
                assertThat(routed)
                        .as(flink.logTail())
                        .containsExactlyInAnyOrder(
                                "sensor-1-m",
                                "gateway-1-m",
                                "retired-1-m",
                                "unknown-1-m",
                                "gateway-1-edge-m");

                String savepoint = triggerSavepoint(flink, jobId, work.resolve("savepoints"));

                Path exported = work.resolve("twins.jsonl");
                Result export =
                        hubroute(
                                "savepoint",
                                "export-twins",
                                savepoint,
                                "--output",
                                exported.toString());
                assertThat(export.exitCode()).as(export.toString()).isZero();
                assertThat(export.out())
                        .contains("3 twins (2 devices, 1 module) written to " + exported);
                Map<String, String> twins = new TreeMap<>();
                TwinExport.read(exported)
                        .forEach(
                                (key, bytes) ->
                                        twins.put(key, new String(bytes, StandardCharsets.UTF_8)));
                assertThat(twins).isEqualTo(expected);

                Result inspect = hubroute("savepoint", "inspect", "--json", savepoint);
                assertThat(inspect.exitCode()).as(inspect.toString()).isZero();
                JsonNode report = json.readTree(inspect.out());
                assertThat(report.path("twins").path("devices").asLong()).isEqualTo(2);
                assertThat(report.path("twins").path("modules").asLong()).isEqualTo(1);
                List<String> uids = new ArrayList<>();
                report.path("operators")
                        .forEach(operator -> uids.add(operator.path("uid").asText()));
                assertThat(uids).contains("hubroute-source", "hubroute-route");

                flink.patch("/jobs/" + jobId + "?mode=cancel");
            }
        }
    }

    /** POST /jobs/ID/savepoints, then polls the trigger until the savepoint is complete. */
    private static String triggerSavepoint(FlinkSessionCluster flink, String jobId, Path directory)
            throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        ObjectMapper json = new ObjectMapper();
        String body =
                json.createObjectNode()
                        .put("target-directory", directory.toUri().toString())
                        .put("cancel-job", false)
                        .put("formatType", "CANONICAL")
                        .toString();
        HttpResponse<String> trigger =
                http.send(
                        HttpRequest.newBuilder(
                                        URI.create(
                                                "http://"
                                                        + flink.restAddress()
                                                        + "/jobs/"
                                                        + jobId
                                                        + "/savepoints"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(trigger.statusCode()).as(trigger.body()).isEqualTo(202);
        String triggerId = json.readTree(trigger.body()).path("request-id").asText();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            JsonNode status = flink.get("/jobs/" + jobId + "/savepoints/" + triggerId);
            if (status.path("status").path("id").asText().equals("COMPLETED")) {
                JsonNode operation = status.path("operation");
                assertThat(operation.has("failure-cause")).as(operation.toString()).isFalse();
                return operation.path("location").asText();
            }
            Thread.sleep(250);
        }
        throw new AssertionError("the savepoint did not complete within 60 s:\n" + flink.logTail());
    }

    private record Result(int exitCode, String out, String err) {}

    private static Result hubroute(String... arguments) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit =
                Main.run(
                        arguments,
                        new ByteArrayInputStream(new byte[0]),
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(
                exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static ProducerRecord<byte[], byte[]> lifecycle(
            String device, String operation, long time, String body) {
        return IotHubRecords.lifecycleEvent("d2c", HUB, device, operation, time, body);
    }

    private static ProducerRecord<byte[], byte[]> telemetry(
            String device, String messageId, long time) {
        return IotHubRecords.telemetry("d2c", device, messageId, time, Map.of(), "{\"n\": 1}");
    }

    /**
     * The record as a module's: IoT Hub names the module in a header and, for events, a property.
     */
    private static ProducerRecord<byte[], byte[]> fromModule(
            ProducerRecord<byte[], byte[]> record) {
        record.headers().add("iothub-connection-module-id", IotHubRecords.amqpString("edge"));
        if (record.headers().lastHeader("opType") != null) {
            record.headers().add("moduleId", IotHubRecords.amqpString("edge"));
        }
        return record;
    }

    private static String text(TwinState twin) {
        return new String(twin.toBytes(), StandardCharsets.UTF_8);
    }

    private static void send(String bootstrapServers, List<ProducerRecord<byte[], byte[]>> records)
            throws Exception {
        Properties properties = new Properties();
        properties.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.setProperty(ProducerConfig.ACKS_CONFIG, "all");
        properties.setProperty(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(
                        properties, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (ProducerRecord<byte[], byte[]> record : records) {
                // in order: a key's events come before its telemetry
                producer.send(record).get(30, TimeUnit.SECONDS);
            }
        }
    }

    private static Set<String> messageIds(
            String bootstrapServers, String topic, int count, Duration timeout) {
        Properties properties = new Properties();
        properties.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.setProperty(ConsumerConfig.GROUP_ID_CONFIG, "e2e-" + topic);
        properties.setProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Set<String> ids = new HashSet<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        properties, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (ids.size() < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record :
                        consumer.poll(Duration.ofMillis(500))) {
                    var header = record.headers().lastHeader("message-id");
                    if (header != null) {
                        ids.add(new String(header.value(), StandardCharsets.UTF_8));
                    }
                }
            }
        }
        return ids;
    }
}
