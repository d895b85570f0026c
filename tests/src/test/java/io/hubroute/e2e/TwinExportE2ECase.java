package io.hubroute.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hubroute.cli.Main;
import io.hubroute.demo.IotHubRecords;
import io.hubroute.embedded.EmbeddedKafkaBroker;
import io.hubroute.twin.TwinEvents;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code twins.exportFile}: twins from an IoT Hub device export are known to routes before any
 * lifecycle or twin change event of the device, and live events win over the export. The whole
 * stream is in Kafka before the job starts (a backlog), so the export cannot arrive "too late".
 */
class TwinExportE2ECase {
    private static final String D2C = "d2c";
    private static final String KEY = "c2VjcmV0LWtleS1mb3ItdGhlLWRldmljZQ==";

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path work;

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void routesSeeExportedTwinsUntilLiveEventsReplaceThem() throws Exception {
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(work.resolve("kafka"))) {
            kafka.createTopics(2, D2C, "north", "events");
            Files.writeString(work.resolve("kafka.secret"), "kafka://" + kafka.bootstrapServers());
            Path routes =
                    Files.writeString(
                            work.resolve("routes.yaml"),
                            String.join(
                                    "\n",
                                    "hubName: export-hub",
                                    "builtInEndpoint: {connectionString: '${file:kafka.secret}', entityPath: events}",
                                    "endpoints:",
                                    "  eventHubs:",
                                    "    - {name: north, connectionString: '${file:kafka.secret}', entityPath: north}",
                                    "routes:",
                                    "  - {name: North, source: DeviceMessages, condition: '$twin.tags.site = \"north\"', endpointNames: [north]}",
                                    "enrichments:",
                                    "  - {key: building, value: $twin.tags.building, endpointNames: [north]}",
                                    ""));
            // as the export devices job writes it: device keys and etags beside the twin
            Files.writeString(
                    work.resolve("devices.jsonl"),
                    String.join(
                            "\n",
                            exported("exported-only", null, "north", "43"),
                            exported("recreated", null, "north", "1"),
                            exported("deleted", null, "north", "2"),
                            exported("gateway", "edge", "north", "44"),
                            exported("gateway", null, "south", "3"),
                            ""));
            Path config =
                    Files.writeString(
                            work.resolve("job.yaml"),
                            String.join(
                                    "\n",
                                    "source: {bootstrapServers: '"
                                            + kafka.bootstrapServers()
                                            + "', topics: ["
                                            + D2C
                                            + "], startingOffsets: earliest}",
                                    "twins: {exportFile: devices.jsonl}", // relative to job.yaml
                                    "checkpointing: {interval: 1s}",
                                    "parallelism: 2",
                                    ""));

            long time = System.currentTimeMillis() - 60_000;
            List<ProducerRecord<byte[], byte[]>> stream = new ArrayList<>();
            stream.add(
                    IotHubRecords.lifecycleEvent(
                            D2C,
                            "export-hub",
                            "recreated",
                            TwinEvents.CREATE_DEVICE_IDENTITY,
                            time++,
                            "{\"deviceId\":\"recreated\",\"tags\":{\"site\":\"south\"},\"properties\":{\"desired\":{},\"reported\":{}}}"));
            stream.add(
                    IotHubRecords.lifecycleEvent(
                            D2C,
                            "export-hub",
                            "deleted",
                            TwinEvents.DELETE_DEVICE_IDENTITY,
                            time++,
                            "{\"deviceId\":\"deleted\",\"tags\":{\"site\":\"north\"}}"));
            for (String device :
                    List.of("exported-only", "recreated", "deleted", "never-exported", "gateway")) {
                stream.add(
                        IotHubRecords.telemetry(
                                D2C, device, device + "-m", time++, Map.of(), "{\"n\": 1}"));
            }
            ProducerRecord<byte[], byte[]> fromModule =
                    IotHubRecords.telemetry(
                            D2C, "gateway", "gateway-edge-m", time++, Map.of(), "{\"n\": 2}");
            fromModule
                    .headers()
                    .add("iothub-connection-module-id", IotHubRecords.amqpString("edge"));
            stream.add(fromModule);
            send(kafka.bootstrapServers(), stream);

            Path summaryFile = work.resolve("summary.json");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int exit =
                    Main.run(
                            new String[] {
                                "run",
                                "--routes",
                                routes.toString(),
                                "--config",
                                config.toString(),
                                "--messages",
                                Integer.toString(stream.size()),
                                "--summary-json",
                                summaryFile.toString(),
                                "--work-dir",
                                work.resolve("run").toString()
                            },
                            new ByteArrayInputStream(new byte[0]),
                            new PrintStream(out, true, StandardCharsets.UTF_8),
                            new PrintStream(err, true, StandardCharsets.UTF_8));
            String printed =
                    out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
            assertThat(exit).as(printed).isZero();
            assertThat(printed).doesNotContain(KEY);

            // exported-only and the module: north from the export; recreated: the live create
            // (south)
            // wins; deleted: the delete wins (no twin); never-exported: no twin; gateway: south
            JsonNode north =
                    new ObjectMapper().readTree(summaryFile.toFile()).path("routes").path("North");
            assertThat(north.path("true").asLong()).as(north.toString()).isEqualTo(2);
            assertThat(north.path("false").asLong()).as(north.toString()).isEqualTo(2);
            assertThat(north.path("undefined").asLong()).as(north.toString()).isEqualTo(2);
            assertThat(received(kafka.bootstrapServers(), "north"))
                    .containsExactlyInAnyOrder(
                            "exported-only-m building=43", "gateway-edge-m building=44");
        }
    }

    private static String exported(String deviceId, String moduleId, String site, String building) {
        return "{\"id\":\""
                + deviceId
                + "\","
                + (moduleId == null ? "" : "\"moduleId\":\"" + moduleId + "\",")
                + "\"eTag\":\"MA==\",\"status\":\"enabled\",\"authentication\":{\"symmetricKey\":{\"primaryKey\":\""
                + KEY
                + "\",\"secondaryKey\":\""
                + KEY
                + "\"},\"type\":\"sas\"},\"twinETag\":\"AAAAAAAAAAE=\","
                + "\"tags\":{\"site\":\""
                + site
                + "\",\"building\":\""
                + building
                + "\"},"
                + "\"properties\":{\"desired\":{\"$metadata\":{},\"$version\":1},\"reported\":{\"$metadata\":{},\"$version\":1}}}";
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
                producer.send(record)
                        .get(30, TimeUnit.SECONDS); // in order: a device's events keep theirs
            }
        }
    }

    /** "message-id building=..." of every record on the topic. */
    private static List<String> received(String bootstrapServers, String topic) {
        Properties properties = new Properties();
        properties.setProperty(
                org.apache.kafka.clients.consumer.ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers);
        List<String> received = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        properties, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions =
                    List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while ((consumer.position(partitions.get(0)) < end.get(partitions.get(0))
                            || consumer.position(partitions.get(1)) < end.get(partitions.get(1)))
                    && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record :
                        consumer.poll(Duration.ofMillis(500))) {
                    received.add(
                            header(record, "message-id")
                                    + " building="
                                    + header(record, "building"));
                }
            }
        }
        return received;
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
