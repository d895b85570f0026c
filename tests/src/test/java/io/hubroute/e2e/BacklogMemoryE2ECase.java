package io.hubroute.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobItem;
import com.fasterxml.jackson.databind.JsonNode;
import io.hubroute.cli.Main;
import io.hubroute.demo.IotHubRecords;
import io.hubroute.embedded.AzuriteProcess;
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
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A week of backlog through a TaskManager with a 512 MB heap (issue 9, finding 12): one message a
 * minute for 7 days, read in one go by a job whose storage endpoint files by minute, so every
 * message opens a blob of its own. Without a cap on open blobs the writer would hold all 10,080
 * open until the 60 s batch window passed (about 159 KiB each, 1.6 GB); with it the job goes
 * through without a restart and every message is in exactly one committed blob.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class BacklogMemoryE2ECase {
    private static final Pattern JOB_ID = Pattern.compile("job id: ([0-9a-f]{32})");
    private static final int MINUTES_IN_A_WEEK = 7 * 24 * 60;
    private static final long HEAP_LIMIT = 512L << 20;

    /** JVM heap = framework heap + task heap = 512 MB; the rest of Flink's memory is off-heap. */
    private static final String TASK_MANAGER_MEMORY =
            "{framework: {heap: {size: 128m}},"
                    + " task: {heap: {size: 384m}}, managed: {size: 128m}}";

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path work;

    @Test
    void aWeekOfBacklogGoesThroughA512MbTaskManagerHeap() throws Exception {
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(work.resolve("kafka"));
                AzuriteProcess azurite = AzuriteProcess.create().start();
                FlinkSessionCluster flink =
                        FlinkSessionCluster.start(
                                work.resolve("flink"),
                                SubmitE2ECase.jobJar(),
                                Map.of(
                                        "BACKLOG_STORAGE",
                                        azurite.connectionString(),
                                        "BACKLOG_KAFKA",
                                        "kafka://" + kafka.bootstrapServers()),
                                TASK_MANAGER_MEMORY)) {
            kafka.createTopics(1, "backlog-d2c");
            BlobContainerClient container =
                    new BlobServiceClientBuilder()
                            .connectionString(azurite.connectionString())
                            .buildClient()
                            .getBlobContainerClient("backlog-archive");
            container.createIfNotExists();
            Set<String> sent = sendAWeek(kafka.bootstrapServers());

            String jobId = submit(flink, kafka.bootstrapServers());
            AtomicLong peakHeapUsed = new AtomicLong();
            long heapMax = 0;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(6);
            int committed = 0;
            while (committed < MINUTES_IN_A_WEEK) {
                assertThat(System.nanoTime())
                        .as(
                                "%d of %d blobs committed within 6 minutes\n%s",
                                committed, MINUTES_IN_A_WEEK, flink.logTail())
                        .isLessThan(deadline);
                JsonNode heap = heapMetrics(flink);
                heapMax = Math.max(heapMax, heap.path("Status.JVM.Memory.Heap.Max").asLong());
                peakHeapUsed.accumulateAndGet(
                        heap.path("Status.JVM.Memory.Heap.Used").asLong(), Math::max);
                assertThat(restarts(flink, jobId))
                        .as("the job failed (out of memory?)\n%s", flink.logTail())
                        .isZero();
                Thread.sleep(2_000);
                committed = countBlobs(container);
            }
            flink.patch("/jobs/" + jobId + "?mode=cancel");

            assertThat(heapMax)
                    .as("the TaskManager's JVM heap (-Xmx)")
                    .isPositive()
                    .isLessThanOrEqualTo(HEAP_LIMIT);
            List<String> archived = messageIds(container);
            assertThat(archived).hasSize(sent.size());
            assertThat(new HashSet<>(archived)).isEqualTo(sent);
            System.out.printf(
                    "a week of backlog (%d messages, %d blobs) through a %d MB heap: peak heap"
                            + " used %d MB%n",
                    sent.size(), committed, heapMax >> 20, peakHeapUsed.get() >> 20);
        }
    }

    /** One message a minute, enqueued times spread over the 7 days before now. */
    private static Set<String> sendAWeek(String bootstrapServers) throws Exception {
        Properties properties = new Properties();
        properties.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.setProperty(ProducerConfig.LINGER_MS_CONFIG, "20");
        Set<String> ids = new HashSet<>();
        long start = System.currentTimeMillis() - Duration.ofDays(7).toMillis();
        String body = "{\"temperature\": 21.5, \"padding\": \"" + "x".repeat(900) + "\"}";
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(
                        properties, new ByteArraySerializer(), new ByteArraySerializer())) {
            List<Future<?>> sends = new ArrayList<>();
            for (int minute = 0; minute < MINUTES_IN_A_WEEK; minute++) {
                String id = "backlog-" + minute;
                ids.add(id);
                sends.add(
                        producer.send(
                                IotHubRecords.telemetry(
                                        "backlog-d2c",
                                        "device-" + (minute % 10),
                                        id,
                                        start + minute * 60_000L,
                                        Map.of(),
                                        body)));
            }
            for (Future<?> send : sends) {
                send.get(30, TimeUnit.SECONDS);
            }
        }
        return ids;
    }

    private String submit(FlinkSessionCluster flink, String bootstrapServers) throws Exception {
        Path routes =
                Files.writeString(
                        work.resolve("routes.yaml"),
                        String.join(
                                "\n",
                                "hubName: backlog-hub",
                                "builtInEndpoint: {connectionString: '${env:BACKLOG_KAFKA}',"
                                        + " entityPath: backlog-events}",
                                "endpoints:",
                                "  storageContainers:",
                                "    - {name: archive, connectionString: '${env:BACKLOG_STORAGE}',"
                                        + " containerName: backlog-archive, encoding: avro,"
                                        + " batchFrequencyInSeconds: 60}",
                                "routes:",
                                "  - {name: all, source: DeviceMessages, condition: 'true',"
                                        + " endpointNames: [archive]}",
                                ""));
        Path config =
                Files.writeString(
                        work.resolve("job.yaml"),
                        String.join(
                                "\n",
                                "source:",
                                "  bootstrapServers: " + bootstrapServers,
                                "  topics: [backlog-d2c]",
                                "  startingOffsets: earliest",
                                "parallelism: 1",
                                "checkpointing: {interval: 5s}",
                                ""));
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
                            SubmitE2ECase.jobJar().toString()
                        },
                        new ByteArrayInputStream(new byte[0]),
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(exit)
                .as("%s\n%s\n%s", printed, err.toString(StandardCharsets.UTF_8), flink.logTail())
                .isZero();
        Matcher id = JOB_ID.matcher(printed);
        assertThat(id.find()).isTrue();
        return id.group(1);
    }

    /** The TaskManager's heap metrics, {@code {"Status.JVM.Memory.Heap.Used": bytes, ...}}. */
    private static JsonNode heapMetrics(FlinkSessionCluster flink) throws Exception {
        com.fasterxml.jackson.databind.node.ObjectNode values =
                com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        for (JsonNode manager : flink.get("/taskmanagers").path("taskmanagers")) {
            for (JsonNode metric :
                    flink.get(
                            "/taskmanagers/"
                                    + manager.path("id").asText()
                                    + "/metrics?get=Status.JVM.Memory.Heap.Used,Status.JVM.Memory.Heap.Max")) {
                values.put(metric.path("id").asText(), metric.path("value").asLong());
            }
        }
        return values;
    }

    private static long restarts(FlinkSessionCluster flink, String jobId) throws Exception {
        return flink.get("/jobs/" + jobId + "/exceptions")
                .path("exceptionHistory")
                .path("entries")
                .size();
    }

    private static int countBlobs(BlobContainerClient container) {
        int blobs = 0;
        for (BlobItem ignored : container.listBlobs()) {
            blobs++;
        }
        return blobs;
    }

    /** The message id of every record in every committed blob, read with eight threads. */
    private static List<String> messageIds(BlobContainerClient container) throws Exception {
        List<String> ids = Collections.synchronizedList(new ArrayList<>());
        ExecutorService readers = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> reads = new ArrayList<>();
            for (BlobItem item : container.listBlobs()) {
                reads.add(readers.submit(() -> ids.addAll(readBlob(container, item.getName()))));
            }
            for (Future<?> read : reads) {
                read.get(2, TimeUnit.MINUTES);
            }
        } finally {
            readers.shutdownNow();
        }
        return ids;
    }

    private static List<String> readBlob(BlobContainerClient container, String name) {
        byte[] blob = container.getBlobClient(name).downloadContent().toBytes();
        List<String> ids = new ArrayList<>();
        try (DataFileStream<GenericRecord> records =
                new DataFileStream<>(new ByteArrayInputStream(blob), new GenericDatumReader<>())) {
            for (GenericRecord record : records) {
                Map<?, ?> system = (Map<?, ?>) record.get("SystemProperties");
                for (Map.Entry<?, ?> entry : system.entrySet()) {
                    if (entry.getKey().toString().equals("messageId")) {
                        ids.add(entry.getValue().toString());
                    }
                }
            }
        } catch (IOException e) {
            throw new AssertionError("blob " + name + " is not Avro", e);
        }
        return ids;
    }
}
