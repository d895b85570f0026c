package io.hubroute.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubroute.cli.Main;
import io.hubroute.config.RoutesVersion;
import io.hubroute.demo.IotHubRecords;
import io.hubroute.embedded.EmbeddedKafkaBroker;
import io.hubroute.message.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live route changes on a real Flink session cluster with Kafka: versions pushed while messages
 * flow switch every subtask between two messages; a broken file is refused by {@code routes push}
 * and one published by hand is rejected by the job, which keeps routing; a TaskManager killed after
 * a push comes back with the pushed version, not the submitted file.
 *
 * <p>Version 1 (the submitted file) routes everything to topic {@code a}, version 2 to topic {@code
 * b}: each message lands on exactly one of them, so which version routed it is plain.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class LiveRoutesE2ECase {
    private static final Pattern JOB_ID = Pattern.compile("job id: ([0-9a-f]{32})");
    private static final int DEVICES = 8;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path work;

    private static EmbeddedKafkaBroker kafka;
    private static FlinkSessionCluster flink;

    @BeforeAll
    static void startComponents() throws Exception {
        kafka = EmbeddedKafkaBroker.start(work.resolve("kafka"));
        flink =
                FlinkSessionCluster.start(
                        work.resolve("flink"),
                        SubmitE2ECase.jobJar(),
                        Map.of("LIVE_KAFKA", "kafka://" + kafka.bootstrapServers()));
    }

    @AfterAll
    static void stopComponents() throws Exception {
        if (flink != null) {
            flink.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void pushedVersionsSwitchBetweenMessagesBrokenOnesAreRefusedAndAKillKeepsThePushedVersion()
            throws Exception {
        kafka.createTopics(2, "live-d2c", "live-a", "live-b", "live-events");
        try (var admin = kafka.admin()) {
            admin.createTopics(
                            List.of(
                                    // two partitions, as TopicRecords reads them
                                    new NewTopic("live-routes", 2, (short) 1)
                                            .configs(Map.of("cleanup.policy", "compact")),
                                    new NewTopic("live-routes-status", 2, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
        Path v1 = Files.writeString(work.resolve("v1.yaml"), routes("a"));
        Path v2 = Files.writeString(work.resolve("v2.yaml"), routes("b"));
        Path job =
                Files.writeString(
                        work.resolve("job.yaml"),
                        String.join(
                                "\n",
                                "source:",
                                "  bootstrapServers: " + kafka.bootstrapServers(),
                                "  topics: [live-d2c]",
                                "  startingOffsets: earliest",
                                "parallelism: 2",
                                "checkpointing: {interval: 1s}",
                                "routes: {controlTopic: live-routes}",
                                ""));
        String jobId = submit(v1, job);

        // (1) a push while messages flow
        List<ProducerRecord<byte[], byte[]>> first = telemetry(0, 60);
        send(first);
        awaitTrue("version 1 routing to a", () -> ids("live-a").size() >= 100);
        Run push = cli("routes", "push", "--routes", v2.toString(), "--config", job.toString());
        assertThat(push.exit()).as(push.output()).isZero();
        assertThat(push.out()).contains("as version 1").contains("live on every subtask");
        System.out.println(push.out());
        List<ProducerRecord<byte[], byte[]>> second = telemetry(60, 120);
        send(second);
        Set<String> sent = messageIds(first, second);
        awaitTrue(
                "every message on a or b",
                () -> union(ids("live-a"), ids("live-b")).containsAll(sent));
        Map<String, List<Integer>> onA = sequences("live-a");
        Map<String, List<Integer>> onB = sequences("live-b");
        assertThat(new HashSet<>(ids("live-a"))).doesNotContainAnyElementsOf(ids("live-b"));
        for (int device = 0; device < DEVICES; device++) {
            String id = "dev-" + device;
            List<Integer> before = onA.getOrDefault(id, List.of());
            List<Integer> after = onB.getOrDefault(id, List.of());
            assertThat(after).as("%s after the push", id).isNotEmpty();
            if (!before.isEmpty()) {
                assertThat(before.stream().mapToInt(Integer::intValue).max().getAsInt())
                        .as("%s: every message routed by version 1 came before version 2's", id)
                        .isLessThan(after.stream().mapToInt(Integer::intValue).min().getAsInt());
            }
        }
        assertThat(messageIds(second)).as("sent after the push returned").isSubsetOf(ids("live-b"));

        // (2) a broken file is refused by push; one published by hand is rejected by the job
        Path broken =
                Files.writeString(
                        work.resolve("broken.yaml"), routes("b").replace("'true'", "'level ='"));
        int published = TopicRecords.readAll(kafka.bootstrapServers(), "live-routes").size();
        Run refused =
                cli("routes", "push", "--routes", broken.toString(), "--config", job.toString());
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err())
                .containsPattern("broken\\.yaml:\\d+:\\d+")
                .contains("nothing published");
        assertThat(TopicRecords.readAll(kafka.bootstrapServers(), "live-routes"))
                .hasSize(published);
        publishByHand(
                new RoutesVersion(
                        99, "by-hand.yaml", routes("a").replace("'true'", "'x >'"), Instant.now()));
        awaitTrue("both subtasks reject version 99", () -> statusOf(99, "rejected").size() == 2);
        assertThat(statusOf(99, "rejected").get(0).path("reason").asText())
                .contains("by-hand.yaml");
        List<ProducerRecord<byte[], byte[]>> third = telemetry(120, 150);
        send(third);
        awaitTrue(
                "version 2 still routes to b", () -> ids("live-b").containsAll(messageIds(third)));
        assertThat(ids("live-a")).doesNotContainAnyElementsOf(messageIds(third));

        // (3) a TaskManager killed after the push: the job restores with version 2
        long checkpoints = completedCheckpoints(jobId);
        awaitTrue(
                "two checkpoints after the push",
                () -> completedCheckpoints(jobId) >= checkpoints + 2);
        flink.killTaskManager();
        flink.startTaskManager();
        List<ProducerRecord<byte[], byte[]>> fourth = telemetry(150, 180);
        send(fourth);
        awaitTrue(
                "messages after the restart on b",
                () -> ids("live-b").containsAll(messageIds(fourth)));
        assertThat(ids("live-a")).doesNotContainAnyElementsOf(messageIds(fourth));
        assertThat(restarts(jobId)).as("the kill restarted the job").isPositive();

        Run status = cli("routes", "status", "--config", job.toString());
        assertThat(status.exit()).as(status.output()).isZero();
        assertThat(status.out()).contains("published: version 99").contains("All");
        flink.patch("/jobs/" + jobId + "?mode=cancel");
    }

    // ---------------------------------------------------------------- the job

    private static String routes(String target) {
        return String.join(
                "\n",
                "hubName: live-hub",
                "builtInEndpoint: {connectionString: '${env:LIVE_KAFKA}', entityPath: live-events}",
                "endpoints:",
                "  eventHubs:",
                "    - {name: a, connectionString: '${env:LIVE_KAFKA}', entityPath: live-a}",
                "    - {name: b, connectionString: '${env:LIVE_KAFKA}', entityPath: live-b}",
                "routes:",
                "  - {name: All, source: DeviceMessages, condition: 'true', endpointNames: ["
                        + target
                        + "]}",
                "");
    }

    private static String submit(Path routes, Path job) throws Exception {
        Run run =
                cli(
                        "submit",
                        "--jobmanager",
                        flink.restAddress(),
                        "--routes",
                        routes.toString(),
                        "--config",
                        job.toString(),
                        "--jar",
                        SubmitE2ECase.jobJar().toString());
        assertThat(run.exit()).as(run.output() + flink.logTail()).isZero();
        Matcher id = JOB_ID.matcher(run.out());
        assertThat(id.find()).isTrue();
        return id.group(1);
    }

    private static long completedCheckpoints(String jobId) {
        try {
            return flink.get("/jobs/" + jobId + "/checkpoints")
                    .path("counts")
                    .path("completed")
                    .asLong();
        } catch (Exception e) {
            return 0;
        }
    }

    private static long restarts(String jobId) throws Exception {
        return flink.get("/jobs/" + jobId + "/exceptions")
                .path("exceptionHistory")
                .path("entries")
                .size();
    }

    private static void publishByHand(RoutesVersion version) throws Exception {
        Properties properties = new Properties();
        properties.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(
                        properties, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(
                            new ProducerRecord<>(
                                    "live-routes",
                                    "routes".getBytes(StandardCharsets.UTF_8),
                                    version.toJson().getBytes(StandardCharsets.UTF_8)))
                    .get(30, TimeUnit.SECONDS);
        }
    }

    private static List<JsonNode> statusOf(long version, String status) {
        List<JsonNode> reports = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record :
                TopicRecords.readAll(kafka.bootstrapServers(), "live-routes-status")) {
            try {
                JsonNode report = Json.MAPPER.readTree(record.value());
                if (report.path("version").asLong() == version
                        && status.equals(report.path("status").asText())) {
                    reports.add(report);
                }
            } catch (java.io.IOException e) {
                throw new AssertionError("a status line that is not JSON", e);
            }
        }
        return reports;
    }

    // ---------------------------------------------------------------- the stream

    /** Telemetry of every device with sequence numbers from {@code from} to {@code to}. */
    private static List<ProducerRecord<byte[], byte[]>> telemetry(int from, int to) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        long time = System.currentTimeMillis();
        for (int n = from; n < to; n++) {
            for (int device = 0; device < DEVICES; device++) {
                records.add(
                        IotHubRecords.telemetry(
                                "live-d2c",
                                "dev-" + device,
                                "live-" + device + "-" + n,
                                time++,
                                Map.of("seq", Integer.toString(n)),
                                "{\"n\": " + n + "}"));
            }
        }
        return records;
    }

    private static void send(List<ProducerRecord<byte[], byte[]>> records) throws Exception {
        Properties properties = new Properties();
        properties.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(
                        properties, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (ProducerRecord<byte[], byte[]> record : records) {
                producer.send(record).get(30, TimeUnit.SECONDS);
            }
        }
    }

    @SafeVarargs
    private static Set<String> messageIds(List<ProducerRecord<byte[], byte[]>>... batches) {
        Set<String> ids = new HashSet<>();
        for (List<ProducerRecord<byte[], byte[]>> batch : batches) {
            for (ProducerRecord<byte[], byte[]> record : batch) {
                ids.add(
                        new String(
                                record.headers().lastHeader("message-id").value(),
                                StandardCharsets.UTF_8));
            }
        }
        return ids;
    }

    private static List<String> ids(String topic) {
        List<String> ids = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record :
                TopicRecords.readAll(kafka.bootstrapServers(), topic)) {
            ids.add(header(record, "message-id"));
        }
        return ids;
    }

    /** Each device's sequence numbers on a topic. */
    private static Map<String, List<Integer>> sequences(String topic) {
        Map<String, List<Integer>> sequences = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record :
                TopicRecords.readAll(kafka.bootstrapServers(), topic)) {
            sequences
                    .computeIfAbsent(
                            new String(record.key(), StandardCharsets.UTF_8),
                            k -> new ArrayList<>())
                    .add(Integer.parseInt(header(record, "seq")));
        }
        return sequences;
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static Set<String> union(List<String> a, List<String> b) {
        Set<String> all = new HashSet<>(a);
        all.addAll(b);
        return all;
    }

    private static void awaitTrue(String what, BooleanSupplier condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 2 minutes: " + what + "\n" + flink.logTail());
            }
            Thread.sleep(500);
        }
    }

    // ---------------------------------------------------------------- the command

    private record Run(int exit, String out, String err) {
        String output() {
            return out + "\n" + err;
        }
    }

    private static Run cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit =
                Main.run(
                        args,
                        new ByteArrayInputStream(new byte[0]),
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(
                exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
