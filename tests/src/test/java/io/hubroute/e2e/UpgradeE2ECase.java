package io.hubroute.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.hubroute.cli.Main;
import io.hubroute.demo.IotHubRecords;
import io.hubroute.embedded.EmbeddedKafkaBroker;
import io.hubroute.twin.TwinEvents;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hubroute upgrade} on a Flink session cluster ({@link FlinkSessionCluster}): a job
 * submitted with routes A (a twin-dependent route to one Kafka topic, the rest to the built-in
 * events topic) is upgraded to routes B, which add an endpoint. The twins come only from lifecycle
 * events read before the upgrade, so the twin route matching afterwards shows they were kept, and
 * the source offsets kept too (nothing is read twice from the start, nothing skipped). On the way,
 * an upgrade that would drop an endpoint is refused and an upgrade whose jar cannot start puts the
 * old job back from the savepoint.
 */
class UpgradeE2ECase {
    private static final String HUB = "upgrade-hub";
    private static final String D2C = "d2c";
    private static final List<String> NORTH_DEVICES = List.of("n-0", "n-1", "n-2", "n-3");
    private static final List<String> SOUTH_DEVICES = List.of("s-0", "s-1");
    private static final Pattern JOB_ID = Pattern.compile("job id: ([0-9a-f]{32})");

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) // keeps the cluster's logs of a failed run
    Path work;

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void upgradeAddingAnEndpointKeepsTwinsOffsetsAndEveryMessage() throws Exception {
        Path jobJar = SubmitE2ECase.jobJar();
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(work.resolve("kafka"))) {
            kafka.createTopics(2, D2C, "north", "events", "audit");
            String routesA =
                    String.join(
                            "\n",
                            "hubName: " + HUB,
                            "builtInEndpoint: {connectionString: '${env:HUBROUTE_E2E_KAFKA}', entityPath: events}",
                            "endpoints:",
                            "  eventHubs:",
                            "    - {name: north, connectionString: '${env:HUBROUTE_E2E_KAFKA}', entityPath: north}",
                            "routes:",
                            "  - {name: North, source: DeviceMessages, condition: '$twin.tags.site = \"north\"', endpointNames: [north]}",
                            "fallbackRoute: {isEnabled: true, endpointNames: [events]}",
                            "");
            Path routes = Files.writeString(work.resolve("routes-a.yaml"), routesA);
            // B: A and an endpoint with a route of its own
            Path withAudit =
                    Files.writeString(
                            work.resolve("routes-b.yaml"),
                            String.join(
                                    "\n",
                                    "hubName: " + HUB,
                                    "builtInEndpoint: {connectionString: '${env:HUBROUTE_E2E_KAFKA}', entityPath: events}",
                                    "endpoints:",
                                    "  eventHubs:",
                                    "    - {name: north, connectionString: '${env:HUBROUTE_E2E_KAFKA}', entityPath: north}",
                                    "    - {name: audit, connectionString: '${env:HUBROUTE_E2E_KAFKA}', entityPath: audit}",
                                    "routes:",
                                    "  - {name: North, source: DeviceMessages, condition: '$twin.tags.site = \"north\"', endpointNames: [north]}",
                                    "  - {name: Audit, source: DeviceMessages, condition: 'true', endpointNames: [audit]}",
                                    "fallbackRoute: {isEnabled: true, endpointNames: [events]}",
                                    ""));
            Path withoutNorth =
                    Files.writeString(
                            work.resolve("routes-c.yaml"),
                            String.join(
                                    "\n",
                                    "hubName: " + HUB,
                                    "builtInEndpoint: {connectionString: '${env:HUBROUTE_E2E_KAFKA}', entityPath: events}",
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
                                    "  topics: [" + D2C + "]",
                                    "  startingOffsets: earliest",
                                    "checkpointing: {interval: 1s}",
                                    ""));
            String savepoints = work.resolve("savepoints").toUri().toString();
            Path brokenJar = jarWithoutTheJob(work.resolve("broken.jar"));

            // twins only from these lifecycle events, read before any upgrade
            List<ProducerRecord<byte[], byte[]>> lifecycle = new ArrayList<>();
            long time = System.currentTimeMillis() - 60_000;
            for (String device : NORTH_DEVICES) {
                lifecycle.add(created(device, "north", time++));
            }
            for (String device : SOUTH_DEVICES) {
                lifecycle.add(created(device, "south", time++));
            }
            send(kafka.bootstrapServers(), lifecycle);
            send(kafka.bootstrapServers(), telemetry("b1"));

            try (FlinkSessionCluster flink =
                    FlinkSessionCluster.start(
                            work.resolve("flink"),
                            jobJar,
                            Map.of("HUBROUTE_E2E_KAFKA", "kafka://" + kafka.bootstrapServers()))) {
                Run submit =
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
                assertThat(submit.exit()).as(submit + flink.logTail()).isZero();
                String firstJob = group(JOB_ID, submit.out());
                awaitIds(kafka, "north", ids("b1", NORTH_DEVICES), flink);

                // an endpoint missing from the new routes: refused, nothing touched
                Run refused =
                        hubroute(
                                "upgrade",
                                "--jobmanager",
                                flink.restAddress(),
                                "--job",
                                firstJob,
                                "--routes",
                                withoutNorth.toString(),
                                "--config",
                                config.toString(),
                                "--jar",
                                jobJar.toString(),
                                "--savepoint-dir",
                                savepoints);
                assertThat(refused.exit()).as(refused.toString()).isEqualTo(1);
                assertThat(refused.err())
                        .contains(
                                "hubroute upgrade: refused: endpoint north is in the running job"
                                        + " but not in "
                                        + withoutNorth
                                        + ": its sink state (sends not yet committed) would be"
                                        + " dropped; add --allow-dropping north to drop it")
                        .contains("job " + firstJob + " was left running as it was");
                assertThat(state(flink, firstJob)).isEqualTo("RUNNING");

                // a jar that cannot start: the old job comes back from the savepoint
                Run failed =
                        hubroute(
                                "upgrade",
                                "--jobmanager",
                                flink.restAddress(),
                                "--job",
                                firstJob,
                                "--routes",
                                withAudit.toString(),
                                "--config",
                                config.toString(),
                                "--jar",
                                brokenJar.toString(),
                                "--savepoint-dir",
                                savepoints);
                assertThat(failed.exit()).as(failed + flink.logTail()).isEqualTo(1);
                assertThat(failed.err())
                        .contains("hubroute upgrade: the new job did not start: ")
                        .contains("hubroute upgrade: resubmitted the old job from savepoint ");
                String secondJob =
                        group(Pattern.compile("resubmitted old job: ([0-9a-f]{32})"), failed.out());
                assertThat(state(flink, firstJob)).isEqualTo("FINISHED");
                assertThat(state(flink, secondJob)).isEqualTo("RUNNING");
                send(kafka.bootstrapServers(), telemetry("b2"));
                // the old job, put back, routes b2 with the twins it had
                awaitIds(
                        kafka,
                        "north",
                        union(ids("b1", NORTH_DEVICES), ids("b2", NORTH_DEVICES)),
                        flink);
                Set<String> southBeforeTheUpgrade =
                        union(ids("b1", SOUTH_DEVICES), ids("b2", SOUTH_DEVICES));
                awaitIds(kafka, "events", southBeforeTheUpgrade, flink);

                Run upgraded =
                        hubroute(
                                "upgrade",
                                "--jobmanager",
                                flink.restAddress(),
                                "--job",
                                secondJob,
                                "--routes",
                                withAudit.toString(),
                                "--config",
                                config.toString(),
                                "--jar",
                                jobJar.toString(),
                                "--savepoint-dir",
                                savepoints);
                assertThat(upgraded.exit()).as(upgraded + flink.logTail()).isZero();
                String savepoint = group(Pattern.compile("savepoint: (\\S+)"), upgraded.out());
                assertThat(savepoint).contains(work.resolve("savepoints").toString());
                assertThat(upgraded.out())
                        .contains("old job: " + secondJob + " (stopped with the savepoint)")
                        .contains("(hubroute " + HUB + ")")
                        .contains("state: RUNNING");
                String thirdJob = group(Pattern.compile("new job: ([0-9a-f]{32})"), upgraded.out());
                assertThat(state(flink, secondJob)).isEqualTo("FINISHED");
                assertThat(state(flink, thirdJob)).isEqualTo("RUNNING");
                send(kafka.bootstrapServers(), telemetry("b3"));

                // the new endpoint gets what came after; the twin route still matches (twins
                // kept); every message of every batch arrived (duplicates allowed)
                awaitIds(kafka, "audit", ids("b3", NORTH_DEVICES, SOUTH_DEVICES), flink);
                Set<String> north = awaitIds(kafka, "north", northIds(), flink);
                assertThat(north).containsExactlyInAnyOrderElementsOf(northIds());
                // B's Audit route matches every message, so the fallback route has none of b3
                assertThat(awaitIds(kafka, "events", southBeforeTheUpgrade, flink))
                        .containsExactlyInAnyOrderElementsOf(southBeforeTheUpgrade);
                // the new job records what it runs, for the next upgrade
                assertThat(
                                flink.get("/jobs/" + thirdJob + "/config")
                                        .path("execution-config")
                                        .path("user-config")
                                        .path("hubroute.routes-yaml")
                                        .asText())
                        .isEqualTo(Files.readString(withAudit));

                flink.patch("/jobs/" + thirdJob + "?mode=cancel");
            }
        }
    }

    private static ProducerRecord<byte[], byte[]> created(String device, String site, long time) {
        return IotHubRecords.lifecycleEvent(
                D2C,
                HUB,
                device,
                TwinEvents.CREATE_DEVICE_IDENTITY,
                time,
                "{\"deviceId\":\""
                        + device
                        + "\",\"tags\":{\"site\":\""
                        + site
                        + "\"},\"properties\":{\"desired\":{},\"reported\":{}}}");
    }

    /** One telemetry message per device, with the message id {@code <batch>-<device>}. */
    private static List<ProducerRecord<byte[], byte[]>> telemetry(String batch) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        long now = System.currentTimeMillis();
        List<String> devices = new ArrayList<>(NORTH_DEVICES);
        devices.addAll(SOUTH_DEVICES);
        for (String device : devices) {
            records.add(
                    IotHubRecords.telemetry(
                            D2C, device, batch + "-" + device, now++, Map.of(), "{\"n\": 1}"));
        }
        return records;
    }

    private static Set<String> northIds() {
        return union(ids("b1", NORTH_DEVICES), ids("b2", NORTH_DEVICES), ids("b3", NORTH_DEVICES));
    }

    @SafeVarargs
    private static Set<String> ids(String batch, List<String>... devices) {
        Set<String> ids = new HashSet<>();
        for (List<String> group : devices) {
            for (String device : group) {
                ids.add(batch + "-" + device);
            }
        }
        return ids;
    }

    @SafeVarargs
    private static Set<String> union(Set<String>... parts) {
        Set<String> all = new HashSet<>();
        for (Set<String> part : parts) {
            all.addAll(part);
        }
        return all;
    }

    /** The message ids on the topic once it holds every expected one (or after 90 s). */
    private static Set<String> awaitIds(
            EmbeddedKafkaBroker kafka,
            String topic,
            Set<String> expected,
            FlinkSessionCluster flink)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        Set<String> ids = new HashSet<>();
        while (System.nanoTime() < deadline) {
            ids.clear();
            for (ConsumerRecord<byte[], byte[]> record :
                    TopicRecords.readAll(kafka.bootstrapServers(), topic)) {
                Header header = record.headers().lastHeader("message-id");
                ids.add(header == null ? null : new String(header.value(), StandardCharsets.UTF_8));
            }
            if (ids.containsAll(expected)) {
                return ids;
            }
            Thread.sleep(500);
        }
        assertThat(ids).as(topic + "\n" + flink.logTail()).containsAll(expected);
        return ids;
    }

    /** A jar the JobManager accepts but cannot run: it has no RoutingJobMain. */
    private static Path jarWithoutTheJob(Path file) throws Exception {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes()
                .put(Attributes.Name.MAIN_CLASS, "io.hubroute.job.RoutingJobMain");
        try (OutputStream out = Files.newOutputStream(file);
                JarOutputStream jar = new JarOutputStream(out, manifest)) {
            // the manifest alone
        }
        return file;
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
                // in order: a device's lifecycle event before its telemetry
                producer.send(record).get(30, TimeUnit.SECONDS);
            }
        }
    }

    private static String state(FlinkSessionCluster flink, String jobId) throws Exception {
        return flink.get("/jobs/" + jobId).path("state").asText();
    }

    private static String group(Pattern pattern, String text) {
        Matcher matcher = pattern.matcher(text);
        assertThat(matcher.find()).as(text).isTrue();
        return matcher.group(1);
    }

    private static Run hubroute(String... args) {
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

    private record Run(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\nstdout:\n" + out + "\nstderr:\n" + err + "\n";
        }
    }
}
