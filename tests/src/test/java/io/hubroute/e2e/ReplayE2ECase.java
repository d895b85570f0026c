package io.hubroute.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobItem;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubroute.cli.Main;
import io.hubroute.config.InputFormat;
import io.hubroute.config.RoutingConfig;
import io.hubroute.config.RoutingConfigLoader;
import io.hubroute.demo.IotHubRecords;
import io.hubroute.embedded.AzuriteProcess;
import io.hubroute.embedded.EmbeddedAmqpBroker;
import io.hubroute.embedded.EmbeddedKafkaBroker;
import io.hubroute.job.TwinExport;
import io.hubroute.job.source.DecodeResult;
import io.hubroute.job.source.DecodedRecord;
import io.hubroute.job.source.IotHubRecordDecoder;
import io.hubroute.message.Json;
import io.hubroute.message.Message;
import io.hubroute.message.MessageProperties;
import io.hubroute.message.RoutingSource;
import io.hubroute.query.Engine;
import io.hubroute.replay.ReplayTally;
import io.hubroute.replay.ReplayedMessage;
import io.hubroute.routing.Router;
import io.hubroute.twin.TwinEvents;
import io.hubroute.twin.TwinState;
import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hubroute replay} end to end, in a local MiniCluster, against a real Kafka broker, Azurite
 * and an AMQP 1.0 broker: the dry run's report is what the plain router says for every message
 * under both route files (a topic with twin changes inside the range; IoT Hub Avro and JSON blobs
 * in Azurite and in a folder); {@code --deliver --endpoints} backfills only the named endpoint,
 * exactly once; bad input is named and never stops the replay.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class ReplayE2ECase {
    private static final String HUB = "replay-hub";

    /**
     * The start of the history: two hours ago (history older than the broker's 7-day retention
     * would be deleted under the replay).
     */
    private static final long T0 =
            Instant.now()
                    .truncatedTo(java.time.temporal.ChronoUnit.HOURS)
                    .minus(java.time.Duration.ofHours(2))
                    .toEpochMilli();

    /** IoT Hub's storage endpoint schema, as Azure documents it. */
    private static final Schema IOT_HUB_AVRO =
            new Schema.Parser()
                    .parse(
                            "{\"type\":\"record\",\"name\":\"Message\",\"namespace\":\"Microsoft.Azure.Devices\",\"fields\":["
                                    + "{\"name\":\"EnqueuedTimeUtc\",\"type\":\"string\"},"
                                    + "{\"name\":\"Properties\",\"type\":{\"type\":\"map\",\"values\":\"string\"}},"
                                    + "{\"name\":\"SystemProperties\",\"type\":{\"type\":\"map\",\"values\":\"string\"}},"
                                    + "{\"name\":\"Body\",\"type\":[\"null\",\"bytes\"]}]}");

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path work;

    private static EmbeddedKafkaBroker kafka;
    private static EmbeddedAmqpBroker amqp;
    private static AzuriteProcess azurite;

    @BeforeAll
    static void startComponents() throws Exception {
        kafka = EmbeddedKafkaBroker.start(work.resolve("kafka"));
        amqp = EmbeddedAmqpBroker.start(work.resolve("amqp"));
        azurite = AzuriteProcess.create().start();
        Files.writeString(work.resolve("kafka.secret"), "kafka://" + kafka.bootstrapServers());
        Files.writeString(work.resolve("amqp.secret"), amqp.amqpUri());
        Files.writeString(work.resolve("storage.secret"), azurite.connectionString());
    }

    @AfterAll
    static void stopComponents() throws Exception {
        if (azurite != null) {
            azurite.close();
        }
        if (amqp != null) {
            amqp.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    // ---------------------------------------------------------------- (1) a topic, with twins

    @Test
    void aDryRunOverATopicReportsWhatThePlainRouterSaysWithTwinChangesInsideTheRange()
            throws Exception {
        kafka.createTopics(2, "dry-d2c");
        List<ProducerRecord<byte[], byte[]>> stream = new ArrayList<>();
        long time = T0;
        for (int device = 0; device < 6; device++) {
            String id = "dev-" + device;
            stream.add(
                    IotHubRecords.lifecycleEvent(
                            "dry-d2c",
                            HUB,
                            id,
                            TwinEvents.CREATE_DEVICE_IDENTITY,
                            time++,
                            "{\"deviceId\":\""
                                    + id
                                    + "\",\"tags\":{\"site\":\""
                                    + (device % 2 == 0 ? "north" : "south")
                                    + "\"},\"properties\":{\"desired\":{},\"reported\":{}}}"));
        }
        for (int n = 0; n < 40; n++) {
            for (int device = 0; device < 6; device++) {
                String id = "dev-" + device;
                if (n == 20 && device < 3) {
                    // inside the range: three devices move site, later messages route differently
                    stream.add(
                            IotHubRecords.twinChangeEvent(
                                    "dry-d2c",
                                    HUB,
                                    id,
                                    "updateTwin",
                                    time++,
                                    "{\"tags\":{\"site\":\"west\"}}"));
                }
                stream.add(
                        IotHubRecords.telemetry(
                                "dry-d2c",
                                id,
                                "dry-" + device + "-" + n,
                                time++,
                                Map.of("level", n % 4 == 0 ? "critical" : "normal"),
                                "{\"temperature\": " + (15 + n % 20) + "}"));
            }
        }
        // a device without events of its own: its twin comes from the export
        stream.add(
                IotHubRecords.telemetry(
                        "dry-d2c",
                        "exported",
                        "dry-exported",
                        time++,
                        Map.of("level", "normal"),
                        "{\"temperature\": 40}"));
        // undecodable: no device id anywhere
        stream.add(new ProducerRecord<>("dry-d2c", null, time++, null, new byte[] {1, 2}));
        List<DecodeResult> decoded = sendAndDecode(stream);

        Path baseline =
                write(
                        "dry-baseline.yaml",
                        routes(
                                "  - {name: Hot, source: DeviceMessages, condition: '$body.temperature > 30',"
                                        + " endpointNames: [hub]}",
                                "  - {name: North, source: DeviceMessages, condition: '$twin.tags.site = \"north\"',"
                                        + " endpointNames: [alerts]}"));
        Path candidate =
                write(
                        "dry-candidate.yaml",
                        routes(
                                "  - {name: Hot, source: DeviceMessages, condition: '$body.temperature > 25',"
                                        + " endpointNames: [hub]}",
                                "  - {name: West, source: DeviceMessages, condition: '$twin.tags.site = \"west\" OR"
                                        + " $twin.tags.site = \"exported\"', endpointNames: [alerts]}",
                                "  - {name: Critical, source: DeviceMessages, condition: 'level = \"critical\"',"
                                        + " endpointNames: [alerts, hub]}",
                                "  - {name: Whole, source: DeviceMessages, condition: '$body.temperature % 0 > 1',"
                                        + " endpointNames: [hub]}"));
        Path twins =
                write(
                        "dry-twins.jsonl",
                        "{\"id\":\"exported\",\"tags\":{\"site\":\"exported\"},"
                                + "\"properties\":{\"desired\":{},\"reported\":{}}}\n");
        Path report = work.resolve("dry-report.json");
        Path html = work.resolve("dry-report.html");
        Run run =
                replay(
                        "--routes",
                        candidate.toString(),
                        "--baseline",
                        baseline.toString(),
                        "--config",
                        write("dry-job.yaml", jobYaml("dry-d2c")).toString(),
                        "--twins",
                        twins.toString(),
                        "--samples",
                        "5",
                        "--report",
                        report.toString(),
                        "--html",
                        html.toString());
        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.out()).contains("replay: read").contains("Hot").contains("West");
        System.out.println(run.out());

        ReplayTally expected = expectedTally(decoded, baseline, candidate, twins, 5);
        assertThat(reportWithoutSource(Files.readString(report)))
                .isEqualTo(reportWithoutSource(expected.report("").toJson()));
        JsonNode json = Json.MAPPER.readTree(Files.readString(report));
        assertThat(json.toString()).contains("dev-0").contains("no device id");
        assertThat(Files.readString(html)).contains("<svg").doesNotContain("https://");
    }

    @Test
    void aDryRunOnAFlinkClusterGivesTheSameReportAsTheLocalOne() throws Exception {
        kafka.createTopics(2, "remote-d2c");
        List<ProducerRecord<byte[], byte[]>> stream = new ArrayList<>();
        for (int n = 0; n < 300; n++) {
            stream.add(
                    IotHubRecords.telemetry(
                            "remote-d2c",
                            "remote-dev-" + (n % 7),
                            "remote-" + n,
                            T0 + n * 1000L,
                            Map.of("level", n % 5 == 0 ? "critical" : "normal"),
                            "{\"temperature\": " + (n % 40) + "}"));
        }
        List<DecodeResult> decoded = sendAndDecode(stream);
        Path baseline = write("remote-baseline.yaml", routes());
        Path candidate =
                write(
                        "remote-candidate.yaml",
                        routes(
                                "  - {name: Hot, source: DeviceMessages, condition: '$body.temperature > 30',"
                                        + " endpointNames: [hub]}",
                                "  - {name: Critical, source: DeviceMessages, condition: 'level = \"critical\"',"
                                        + " endpointNames: [alerts]}"));
        Path report = work.resolve("remote-report.json");
        try (FlinkSessionCluster flink =
                FlinkSessionCluster.start(
                        work.resolve("remote-flink"), SubmitE2ECase.jobJar(), Map.of())) {
            Run run =
                    replay(
                            "--routes",
                            candidate.toString(),
                            "--baseline",
                            baseline.toString(),
                            "--config",
                            write("remote-job.yaml", jobYaml("remote-d2c")).toString(),
                            "--jobmanager",
                            flink.restAddress(),
                            "--jar",
                            SubmitE2ECase.jobJar().toString(),
                            "--report",
                            report.toString());
            assertThat(run.exit()).as(run.output() + flink.logTail()).isZero();
            assertThat(run.out())
                    .contains("(on " + flink.restAddress() + ")")
                    .contains("read 300 messages");
        }
        assertThat(reportWithoutSource(Files.readString(report)))
                .isEqualTo(
                        reportWithoutSource(
                                expectedTally(decoded, baseline, candidate, null, 20)
                                        .report("")
                                        .toJson()));
    }

    // ---------------------------------------------------------------- (2) IoT Hub blobs

    @Test
    void aDryRunOverIotHubAvroAndJsonBlobsInAzuriteAndAFolderReportsWhatThePlainRouterSays()
            throws Exception {
        List<Message> messages = new ArrayList<>();
        List<Long> times = new ArrayList<>();
        for (int n = 0; n < 60; n++) {
            long enqueued = T0 + n * 30_000L;
            String device = "blob-dev-" + (n % 4);
            messages.add(
                    Message.builder(RoutingSource.DEVICE_MESSAGES)
                            .systemProperties(
                                    MessageProperties.of(
                                            List.of(
                                                    property("messageId", "blob-" + n),
                                                    property("connectionDeviceId", device),
                                                    property("contentType", "application/json"),
                                                    property("contentEncoding", "utf-8"),
                                                    property(
                                                            "enqueuedTime",
                                                            Instant.ofEpochMilli(enqueued)
                                                                    .toString()))))
                            .appProperties(
                                    MessageProperties.of(
                                            List.of(
                                                    property(
                                                            "level",
                                                            n % 3 == 0 ? "critical" : "normal"))))
                            .body("{\"temperature\": " + (10 + n) + "}")
                            .build());
            times.add(enqueued);
        }
        // as IoT Hub files them: {iothub}/{partition}/{YYYY}/{MM}/{DD}/{HH}/{mm}, a blob per minute
        Map<String, byte[]> avroBlobs = new LinkedHashMap<>();
        Map<String, byte[]> jsonBlobs = new LinkedHashMap<>();
        Map<String, List<Integer>> byMinute = new LinkedHashMap<>();
        for (int n = 0; n < messages.size(); n++) {
            String name =
                    HUB
                            + "/0/"
                            + java.time.format.DateTimeFormatter.ofPattern("yyyy/MM/dd/HH/mm")
                                    .withZone(java.time.ZoneOffset.UTC)
                                    .format(Instant.ofEpochMilli(times.get(n)));
            byMinute.computeIfAbsent(name, key -> new ArrayList<>()).add(n);
        }
        for (Map.Entry<String, List<Integer>> minute : byMinute.entrySet()) {
            avroBlobs.put(
                    minute.getKey() + ".avro", iotHubAvro(messages, times, minute.getValue()));
            jsonBlobs.put(
                    minute.getKey() + ".json", iotHubJson(messages, times, minute.getValue()));
        }
        BlobContainerClient avroContainer = container("archive-avro");
        BlobContainerClient jsonContainer = container("archive-json");
        avroBlobs.forEach((name, bytes) -> upload(avroContainer, name, bytes));
        jsonBlobs.forEach((name, bytes) -> upload(jsonContainer, name, bytes));
        Path folder = work.resolve("archive-folder");
        for (Map.Entry<String, byte[]> blob : avroBlobs.entrySet()) {
            Path file = folder.resolve(blob.getKey());
            Files.createDirectories(file.getParent());
            Files.write(file, blob.getValue());
        }

        Path baseline = write("blob-baseline.yaml", routes());
        Path candidate =
                write(
                        "blob-candidate.yaml",
                        routes(
                                "  - {name: Warm, source: DeviceMessages, condition: '$body.temperature >= 40',"
                                        + " endpointNames: [hub]}",
                                "  - {name: Critical, source: DeviceMessages, condition: 'level = \"critical\""
                                        + " AND $connectionDeviceId = \"blob-dev-0\"', endpointNames: [alerts]}"));
        List<DecodedRecord> records = new ArrayList<>();
        for (int n = 0; n < messages.size(); n++) {
            Message message = messages.get(n);
            records.add(
                    new DecodedRecord(
                            message,
                            message.systemProperty("connectionDeviceId").orElseThrow(),
                            null,
                            "archive",
                            0,
                            n,
                            times.get(n)));
        }
        String expected =
                reportWithoutSource(
                        expectedTally(new ArrayList<>(records), baseline, candidate, null, 20)
                                .report("")
                                .toJson());
        // a time range that keeps minutes 5 to 19 of the 30
        Instant start = Instant.ofEpochMilli(T0 + 5 * 60_000L);
        Instant end = Instant.ofEpochMilli(T0 + 20 * 60_000L);
        List<DecodedRecord> inRange = new ArrayList<>();
        for (DecodedRecord record : records) {
            if (record.enqueuedTimeMillis() >= start.toEpochMilli()
                    && record.enqueuedTimeMillis() < end.toEpochMilli()) {
                inRange.add(record);
            }
        }
        String expectedInRange =
                reportWithoutSource(
                        expectedTally(new ArrayList<>(inRange), baseline, candidate, null, 20)
                                .report("")
                                .toJson());

        String[][] sources = {
            {
                "--blobs",
                "${file:" + work.resolve("storage.secret") + "}",
                "--container",
                "archive-avro",
                "--format",
                "avro"
            },
            {
                "--blobs",
                "${file:" + work.resolve("storage.secret") + "}",
                "--container",
                "archive-json",
                "--format",
                "json"
            },
            {"--blobs", folder.toString(), "--format", "avro"}
        };
        int i = 0;
        for (String[] source : sources) {
            Path report = work.resolve("blob-report-" + i++ + ".json");
            List<String> args =
                    new ArrayList<>(
                            List.of(
                                    "--routes",
                                    candidate.toString(),
                                    "--baseline",
                                    baseline.toString(),
                                    "--report",
                                    report.toString()));
            args.addAll(List.of(source));
            Run run = replay(args.toArray(String[]::new));
            assertThat(run.exit()).as(run.output()).isZero();
            assertThat(reportWithoutSource(Files.readString(report)))
                    .as("report of %s", List.of(source))
                    .isEqualTo(expected);
        }
        Path report = work.resolve("blob-report-range.json");
        Run run =
                replay(
                        "--routes",
                        candidate.toString(),
                        "--baseline",
                        baseline.toString(),
                        "--blobs",
                        folder.toString(),
                        "--start",
                        start.toString(),
                        "--end",
                        end.toString(),
                        "--report",
                        report.toString());
        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(reportWithoutSource(Files.readString(report))).isEqualTo(expectedInRange);
    }

    // ---------------------------------------------------------------- (3) backfill

    @Test
    void deliverToOneEndpointBackfillsItExactlyOnceAndNothingElseReceivesAnything()
            throws Exception {
        kafka.createTopics(2, "fill-d2c", "fill-hub", "fill-events");
        container("fill-new");
        List<ProducerRecord<byte[], byte[]>> stream = new ArrayList<>();
        for (int n = 0; n < 200; n++) {
            stream.add(
                    IotHubRecords.telemetry(
                            "fill-d2c",
                            "fill-dev-" + (n % 5),
                            "fill-" + n,
                            T0 + n,
                            Map.of("level", n % 2 == 0 ? "critical" : "normal"),
                            "{\"temperature\": " + n + "}"));
        }
        sendAndDecode(stream);
        Path routes =
                write(
                        "fill-routes.yaml",
                        String.join(
                                "\n",
                                "hubName: " + HUB,
                                "builtInEndpoint: {connectionString: '${file:kafka.secret}', entityPath: fill-events}",
                                "endpoints:",
                                "  eventHubs:",
                                "    - {name: hub, connectionString: '${file:kafka.secret}', entityPath: fill-hub}",
                                "  serviceBusQueues:",
                                "    - {name: alerts, connectionString: '${file:amqp.secret}', entityPath: fill-alerts}",
                                "  storageContainers:",
                                "    - {name: NewArchive, connectionString: '${file:storage.secret}',"
                                        + " containerName: fill-new, encoding: avro}",
                                "routes:",
                                "  - {name: All, source: DeviceMessages, condition: 'true', endpointNames: [hub]}",
                                "  - {name: Critical, source: DeviceMessages, condition: 'level = \"critical\"',"
                                        + " endpointNames: [alerts, NewArchive]}",
                                ""));
        Run run =
                replay(
                        "--routes",
                        routes.toString(),
                        "--config",
                        write(
                                        "fill-job.yaml",
                                        jobYaml("fill-d2c") + "checkpointing: {interval: 1s}\n")
                                .toString(),
                        "--deliver",
                        "--endpoints",
                        "NewArchive");
        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.out()).contains("NewArchive").contains("not in --endpoints");

        List<String> archived = blobMessageIds(container("fill-new"));
        Set<String> critical = new HashSet<>();
        for (int n = 0; n < 200; n += 2) {
            critical.add("fill-" + n);
        }
        assertThat(archived).hasSize(critical.size());
        assertThat(new HashSet<>(archived)).isEqualTo(critical);
        assertThat(TopicRecords.readAll(kafka.bootstrapServers(), "fill-hub")).isEmpty();
        assertThat(TopicRecords.readAll(kafka.bootstrapServers(), "fill-events")).isEmpty();
        assertThat(amqpCount("fill-alerts")).isZero();
    }

    // ---------------------------------------------------------------- (4) bad input

    @Test
    void aCorruptBlobAndABlobInAnotherFormatAreNamedAndTheReplayGoesOn() throws Exception {
        Path folder = work.resolve("bad-archive");
        List<Message> messages = new ArrayList<>();
        List<Long> times = new ArrayList<>();
        for (int n = 0; n < 300; n++) {
            messages.add(
                    Message.builder(RoutingSource.DEVICE_MESSAGES)
                            .systemProperties(
                                    MessageProperties.of(
                                            List.of(
                                                    property("messageId", "bad-" + n),
                                                    property("connectionDeviceId", "bad-dev"))))
                            .body("{\"n\": " + n + ", \"pad\": \"" + "x".repeat(200) + "\"}")
                            .build());
            times.add(T0 + n);
        }
        List<Integer> all = new ArrayList<>();
        for (int n = 0; n < 300; n++) {
            all.add(n);
        }
        byte[] good = iotHubAvro(messages, times, all.subList(0, 100));
        byte[] corrupt = iotHubAvro(messages, times, all.subList(100, 300), 50);
        // damage the sync marker after the second block: the first block's records are kept
        byte[] sync = java.util.Arrays.copyOfRange(corrupt, corrupt.length - 16, corrupt.length);
        int marker = -1;
        for (int seen = 0, at = 0; seen < 3 && at <= corrupt.length - 16; at++) {
            if (java.util.Arrays.equals(corrupt, at, at + 16, sync, 0, 16)) {
                seen++;
                marker = at;
            }
        }
        corrupt[marker + 3] ^= 0x5a;
        Files.createDirectories(folder.resolve(HUB + "/0/2026/11/02/10"));
        Files.write(folder.resolve(HUB + "/0/2026/11/02/10/00.avro"), good);
        Files.write(folder.resolve(HUB + "/0/2026/11/02/10/01.avro"), corrupt);
        Files.writeString(
                folder.resolve(HUB + "/0/2026/11/02/10/02.avro"), "{\"not\": \"avro\"}\n");
        Path report = work.resolve("bad-report.json");
        Run run =
                replay(
                        "--routes",
                        write("bad-routes.yaml", routes()).toString(),
                        "--blobs",
                        folder.toString(),
                        "--report",
                        report.toString());
        assertThat(run.exit()).as(run.output()).isZero();
        String text = Files.readString(report);
        assertThat(text).contains("01.avro").contains("02.avro");
        JsonNode json = Json.MAPPER.readTree(text);
        long read = json.get("messages").asLong();
        assertThat(read).as("the good blob and the block before the damage").isEqualTo(150L);
        assertThat(json.path("unreadableBlobs").path("count").asLong()).isEqualTo(2);
    }

    @Test
    void aRangeOutsideRetentionNamesTheEarliestTimePerPartition() throws Exception {
        kafka.createTopics(1, "gone-d2c");
        List<ProducerRecord<byte[], byte[]>> stream = new ArrayList<>();
        for (int n = 0; n < 10; n++) {
            stream.add(
                    IotHubRecords.telemetry(
                            "gone-d2c", "gone-dev", "gone-" + n, T0 + n * 1000L, Map.of(), "{}"));
        }
        sendAndDecode(stream);
        try (var admin = kafka.admin()) {
            admin.deleteRecords(
                            Map.of(
                                    new TopicPartition("gone-d2c", 0),
                                    RecordsToDelete.beforeOffset(5)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
        Run run =
                replay(
                        "--routes",
                        write("gone-routes.yaml", routes()).toString(),
                        "--config",
                        write("gone-job.yaml", jobYaml("gone-d2c")).toString(),
                        "--start",
                        Instant.ofEpochMilli(T0).toString());
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err())
                .contains("gone-d2c-0 starts at " + Instant.ofEpochMilli(T0 + 5000L))
                .contains("--start");
    }

    @Test
    void usageAndFileProblemsStopBeforeAnyJobStarts() throws Exception {
        Path routes = write("usage-routes.yaml", routes());
        Path job = write("usage-job.yaml", jobYaml("usage-d2c"));
        Run backwards =
                replay(
                        "--routes",
                        routes.toString(),
                        "--config",
                        job.toString(),
                        "--start",
                        "2026-11-02T00:00:00Z",
                        "--end",
                        "2026-11-01T00:00:00Z");
        assertThat(backwards.exit()).isEqualTo(2);
        assertThat(backwards.err()).contains("--end").contains("not after --start");

        Run unknown =
                replay(
                        "--routes",
                        routes.toString(),
                        "--config",
                        job.toString(),
                        "--deliver",
                        "--endpoints",
                        "Nope");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("Nope").contains("hub").contains("alerts");

        Path broken =
                write(
                        "usage-broken.yaml",
                        routes(
                                "  - {name: Bad, source: DeviceMessages, condition: '$body.t >',"
                                        + " endpointNames: [hub]}"));
        Run invalid = replay("--routes", broken.toString(), "--config", job.toString());
        assertThat(invalid.exit()).isEqualTo(1);
        assertThat(invalid.err()).containsPattern("usage-broken\\.yaml:\\d+:\\d+");

        Run inline =
                replay(
                        "--routes",
                        routes.toString(),
                        "--blobs",
                        "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=c2VjcmV0",
                        "--container",
                        "c");
        assertThat(inline.exit()).isEqualTo(2);
        assertThat(inline.err()).doesNotContain("c2VjcmV0").contains("${env:NAME}");
    }

    // ---------------------------------------------------------------- expected

    /**
     * The tally the plain router gives: each device's messages in order, twins kept as the live job
     * keeps them (export first, then lifecycle and twin change events).
     */
    private static ReplayTally expectedTally(
            List<DecodeResult> decoded, Path baseline, Path candidate, Path twins, int samples)
            throws IOException {
        RoutingConfig baselineConfig = load(baseline);
        RoutingConfig candidateConfig = load(candidate);
        Router before = Router.create(baselineConfig, Engine.COMPILED);
        Router after = Router.create(candidateConfig, Engine.COMPILED);
        ReplayTally tally = ReplayTally.create(baselineConfig, candidateConfig, samples);
        Map<String, byte[]> exported = twins == null ? Map.of() : TwinExport.read(twins);
        Map<String, TwinState> state = new HashMap<>();
        Set<String> seen = new HashSet<>();
        for (DecodeResult result : decoded) {
            if (!(result instanceof DecodedRecord)) {
                continue;
            }
            DecodedRecord record = (DecodedRecord) result;
            String key = record.twinKey();
            if (seen.add(key) && exported.containsKey(key)) {
                state.put(key, TwinState.fromBytes(exported.get(key)));
            }
            TwinState twin = state.get(key);
            if (TwinEvents.changesTwin(record.message())) {
                twin = TwinEvents.apply(twin, record.message()).orElse(null);
                if (twin == null) {
                    state.remove(key);
                } else {
                    state.put(key, twin);
                }
            }
            io.hubroute.message.Twin view = twin == null ? null : twin.asTwin();
            tally.add(
                    new ReplayedMessage(
                            record.message().messageId().orElse(null),
                            record.deviceId(),
                            record.moduleId(),
                            record.enqueuedTimeMillis()),
                    before.route(record.message(), view),
                    after.route(record.message(), view));
        }
        for (DecodeResult result : decoded) {
            if (result instanceof io.hubroute.job.source.DecodeFailure failure) {
                tally.addUndecodable(
                        failure.reason(),
                        failure.topic() + "-" + failure.partition() + "@" + failure.offset());
            }
        }
        return tally;
    }

    private static RoutingConfig load(Path routes) {
        return RoutingConfigLoader.withoutSecrets().load(routes).orThrow();
    }

    /** The report's JSON without its source description (the command names where it read). */
    private static String reportWithoutSource(String json) throws IOException {
        ObjectNode node = (ObjectNode) Json.MAPPER.readTree(json);
        node.remove("source");
        return node.toPrettyString();
    }

    // ---------------------------------------------------------------- inputs

    private static String routes(String... routeLines) {
        List<String> lines = new ArrayList<>();
        lines.add("hubName: " + HUB);
        lines.add(
                "builtInEndpoint: {connectionString: '${file:kafka.secret}', entityPath: events}");
        lines.add("endpoints:");
        lines.add("  eventHubs:");
        lines.add("    - {name: hub, connectionString: '${file:kafka.secret}', entityPath: hub}");
        lines.add("  serviceBusQueues:");
        lines.add(
                "    - {name: alerts, connectionString: '${file:amqp.secret}', entityPath: alerts}");
        lines.add(routeLines.length == 0 ? "routes: []" : "routes:");
        lines.addAll(List.of(routeLines));
        return String.join("\n", lines) + "\n";
    }

    private static String jobYaml(String topic) {
        return String.join(
                "\n",
                "source:",
                "  bootstrapServers: " + kafka.bootstrapServers(),
                "  topics: [" + topic + "]",
                "parallelism: 2",
                "");
    }

    private static Path write(String name, String text) throws IOException {
        return Files.writeString(work.resolve(name), text, StandardCharsets.UTF_8);
    }

    /** Sends in order and decodes each record as the live job would, where it landed. */
    private static List<DecodeResult> sendAndDecode(List<ProducerRecord<byte[], byte[]>> records)
            throws Exception {
        Properties properties = new Properties();
        properties.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        IotHubRecordDecoder decoder = new IotHubRecordDecoder(InputFormat.IOTHUB);
        List<DecodeResult> decoded = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(
                        properties, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (ProducerRecord<byte[], byte[]> record : records) {
                RecordMetadata sent = producer.send(record).get(30, TimeUnit.SECONDS);
                decoded.add(
                        decoder.decode(
                                sent.topic(),
                                sent.partition(),
                                sent.offset(),
                                record.timestamp(),
                                record.key(),
                                record.value(),
                                record.headers()));
            }
        }
        return decoded;
    }

    private static MessageProperties.Property property(String name, String value) {
        return new MessageProperties.Property(name, value);
    }

    private static byte[] iotHubAvro(List<Message> messages, List<Long> times, List<Integer> which)
            throws IOException {
        return iotHubAvro(messages, times, which, Integer.MAX_VALUE);
    }

    /** An Avro file as IoT Hub's storage endpoint writes it, {@code perBlock} records a block. */
    private static byte[] iotHubAvro(
            List<Message> messages, List<Long> times, List<Integer> which, int perBlock)
            throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataFileWriter<GenericRecord> writer =
                new DataFileWriter<>(new GenericDatumWriter<GenericRecord>(IOT_HUB_AVRO))) {
            writer.setCodec(CodecFactory.nullCodec());
            writer.create(IOT_HUB_AVRO, bytes);
            int inBlock = 0;
            for (int n : which) {
                Message message = messages.get(n);
                GenericRecord record = new GenericData.Record(IOT_HUB_AVRO);
                record.put("EnqueuedTimeUtc", Instant.ofEpochMilli(times.get(n)).toString());
                record.put("Properties", asMap(message.appProperties()));
                record.put("SystemProperties", asMap(message.systemProperties()));
                record.put("Body", java.nio.ByteBuffer.wrap(message.body()));
                writer.append(record);
                if (++inBlock == perBlock) {
                    writer.flush();
                    inBlock = 0;
                }
            }
        }
        return bytes.toByteArray();
    }

    /** JSON lines as IoT Hub writes them, the body inline for UTF-8 JSON. */
    private static byte[] iotHubJson(List<Message> messages, List<Long> times, List<Integer> which)
            throws IOException {
        StringBuilder lines = new StringBuilder();
        for (int n : which) {
            Message message = messages.get(n);
            ObjectNode line = Json.MAPPER.createObjectNode();
            line.put("EnqueuedTimeUtc", Instant.ofEpochMilli(times.get(n)).toString());
            line.set("Properties", Json.MAPPER.valueToTree(asMap(message.appProperties())));
            line.set(
                    "SystemProperties", Json.MAPPER.valueToTree(asMap(message.systemProperties())));
            line.set("Body", Json.MAPPER.readTree(message.body()));
            lines.append(line).append('\n');
        }
        return lines.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, String> asMap(MessageProperties properties) {
        Map<String, String> map = new LinkedHashMap<>();
        for (MessageProperties.Property property : properties.entries()) {
            map.put(property.name(), property.value());
        }
        return map;
    }

    // ---------------------------------------------------------------- endpoints

    private static BlobContainerClient container(String name) {
        BlobContainerClient client =
                new BlobServiceClientBuilder()
                        .connectionString(azurite.connectionString())
                        .buildClient()
                        .getBlobContainerClient(name);
        client.createIfNotExists();
        return client;
    }

    private static void upload(BlobContainerClient container, String name, byte[] bytes) {
        container.getBlobClient(name).upload(com.azure.core.util.BinaryData.fromBytes(bytes), true);
    }

    private static List<String> blobMessageIds(BlobContainerClient container) throws IOException {
        List<String> ids = new ArrayList<>();
        for (BlobItem item : container.listBlobs()) {
            byte[] blob = container.getBlobClient(item.getName()).downloadContent().toBytes();
            try (DataFileStream<GenericRecord> records =
                    new DataFileStream<>(
                            new ByteArrayInputStream(blob), new GenericDatumReader<>())) {
                for (GenericRecord record : records) {
                    Map<?, ?> system = (Map<?, ?>) record.get("SystemProperties");
                    for (Map.Entry<?, ?> entry : system.entrySet()) {
                        if (entry.getKey().toString().equals("messageId")) {
                            ids.add(entry.getValue().toString());
                        }
                    }
                }
            }
        }
        return ids;
    }

    private static int amqpCount(String queue) throws Exception {
        JmsConnectionFactory factory = new JmsConnectionFactory(amqp.amqpUri());
        Connection connection = factory.createConnection();
        try {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createQueue(queue));
            int count = 0;
            while (consumer.receive(2_000) != null) {
                count++;
            }
            return count;
        } finally {
            connection.close();
        }
    }

    // ---------------------------------------------------------------- the command

    private record Run(int exit, String out, String err) {
        String output() {
            return out + "\n" + err;
        }
    }

    private static Run replay(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> command = new ArrayList<>();
        command.add("replay");
        command.addAll(List.of(args));
        command.add("--work-dir");
        command.add(work.resolve("replay-work").toString());
        int exit =
                Main.run(
                        command.toArray(String[]::new),
                        new ByteArrayInputStream(new byte[0]),
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(
                exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
