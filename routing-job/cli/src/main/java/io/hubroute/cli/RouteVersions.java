package io.hubroute.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubroute.config.Endpoint;
import io.hubroute.config.JobConfig;
import io.hubroute.config.RoutesVersion;
import io.hubroute.config.RoutingConfig;
import io.hubroute.message.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The control and status topics of job.yaml's {@code routes}: what {@code hubroute routes push}
 * publishes and {@code routes status} reads. Route versions go to the compacted control topic under
 * one key; every subtask of the job reports to the status topic what it activated, rejected or
 * runs, with its endpoints and per-route counts.
 */
final class RouteVersions {
    /** The control topic's one key: compaction keeps the latest version. */
    static final String KEY = "routes";

    private final JobConfig config;
    private final PrintStream out;
    private final PrintStream err;

    RouteVersions(JobConfig config, PrintStream out, PrintStream err) {
        this.config = config;
        this.out = out;
        this.err = err;
    }

    /** Publishes {@code routes} as the next version; waits for every subtask to report on it. */
    int push(Path routesFile, RoutingConfig routes, Duration wait) throws Exception {
        String control = config.routes().controlTopic();
        String statusTopic = config.routes().statusTopicOrDefault();
        createIfMissing(control, true);
        createIfMissing(statusTopic, false);
        List<RoutesVersion> versions = versions();
        List<JsonNode> reports = reports();
        List<String> running = runningEndpoints(reports);
        List<String> pushed = new ArrayList<>();
        for (Endpoint endpoint : routes.allEndpoints()) {
            pushed.add(endpoint.name() + " (" + endpoint.kind() + ")");
        }
        if (running != null && !running.equals(pushed)) {
            err.println(
                    "hubroute routes push: "
                            + routesFile
                            + " declares the endpoints "
                            + pushed
                            + ", the running job has "
                            + running
                            + ": endpoints are part of the job graph; change them with hubroute"
                            + " upgrade (a savepoint keeps twins and pending commits)");
            return 1;
        }
        long next = 1;
        for (RoutesVersion version : versions) {
            next = Math.max(next, version.version() + 1);
        }
        for (JsonNode report : reports) {
            next = Math.max(next, report.path("activeVersion").asLong() + 1);
        }
        Map<TopicPartition, Long> statusEnd = endOffsets(statusTopic);
        RoutesVersion version =
                new RoutesVersion(
                        next,
                        routesFile.getFileName().toString(),
                        Files.readString(routesFile, StandardCharsets.UTF_8),
                        Instant.now());
        long published = System.nanoTime();
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(
                        producerProperties(), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(control, KEY, version.toJson()))
                    .get(30, TimeUnit.SECONDS);
        }
        out.println(
                "hubroute routes push: published "
                        + routesFile
                        + " as version "
                        + next
                        + " to "
                        + control
                        + (running == null
                                ? " (no subtask has reported yet: is the job running with this"
                                        + " job.yaml?)"
                                : ""));
        if (wait.isZero()) {
            return 0;
        }
        return awaitReports(next, statusTopic, statusEnd, published, wait);
    }

    /** Prints the latest version, each subtask's latest report and the summed route counts. */
    int status() {
        List<RoutesVersion> versions = versions();
        RoutesVersion latest = null;
        for (RoutesVersion version : versions) {
            if (latest == null || version.version() > latest.version()) {
                latest = version;
            }
        }
        out.println(
                latest == null
                        ? "published: none (the job runs the routes file it was submitted with)"
                        : "published: version "
                                + latest.version()
                                + " ("
                                + latest.fileName()
                                + ") at "
                                + latest.publishedAt());
        Map<Integer, JsonNode> bySubtask = new TreeMap<>();
        for (JsonNode report : reports()) {
            if (!"rejected".equals(report.path("status").asText())) {
                bySubtask.put(report.path("subtask").asInt(), report);
            }
        }
        if (bySubtask.isEmpty()) {
            out.println("subtasks: none has reported (is the job running with this job.yaml?)");
            return 0;
        }
        out.println(String.format("%-8s %-8s %s", "subtask", "version", "live since"));
        Map<String, long[]> counts = new TreeMap<>();
        for (JsonNode report : bySubtask.values()) {
            out.println(
                    String.format(
                            "%-8d %-8d %s",
                            report.path("subtask").asInt(),
                            report.path("activeVersion").asLong(),
                            report.path("at").asText()));
            report.path("routes")
                    .fields()
                    .forEachRemaining(
                            route -> {
                                long[] sum =
                                        counts.computeIfAbsent(route.getKey(), k -> new long[3]);
                                sum[0] += route.getValue().path("true").asLong();
                                sum[1] += route.getValue().path("false").asLong();
                                sum[2] += route.getValue().path("undefined").asLong();
                            });
        }
        for (JsonNode report : reports()) {
            if ("rejected".equals(report.path("status").asText())
                    && latest != null
                    && report.path("version").asLong() == latest.version()) {
                out.println(
                        "version "
                                + latest.version()
                                + " was rejected: "
                                + report.path("reason").asText());
                break;
            }
        }
        out.println();
        out.println("route counts when each subtask last reported (it reports on every change):");
        out.println(String.format("%-28s %10s %10s %10s", "route", "true", "false", "undefined"));
        for (Map.Entry<String, long[]> route : counts.entrySet()) {
            out.println(
                    String.format(
                            "%-28s %10d %10d %10d",
                            route.getKey(),
                            route.getValue()[0],
                            route.getValue()[1],
                            route.getValue()[2]));
        }
        return 0;
    }

    private int awaitReports(
            long version,
            String statusTopic,
            Map<TopicPartition, Long> from,
            long publishedNanos,
            Duration wait) {
        int expected = config.parallelism();
        Map<Integer, JsonNode> reports = new TreeMap<>();
        long deadline = System.nanoTime() + wait.toNanos();
        try (KafkaConsumer<String, String> consumer = consumer()) {
            consumer.assign(from.keySet());
            from.forEach(consumer::seek);
            while (reports.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record :
                        consumer.poll(Duration.ofMillis(200))) {
                    JsonNode report = parse(record.value());
                    if (report != null && report.path("version").asLong() == version) {
                        if (reports.putIfAbsent(report.path("subtask").asInt(), report) == null) {
                            long millis =
                                    TimeUnit.NANOSECONDS.toMillis(
                                            System.nanoTime() - publishedNanos);
                            out.println(
                                    "  subtask "
                                            + report.path("subtask").asInt()
                                            + ": "
                                            + report.path("status").asText()
                                            + " after "
                                            + millis
                                            + " ms"
                                            + (report.has("reason")
                                                    ? ": " + report.path("reason").asText()
                                                    : ""));
                        }
                    }
                }
            }
        }
        boolean rejected =
                reports.values().stream()
                        .anyMatch(r -> "rejected".equals(r.path("status").asText()));
        if (rejected) {
            err.println(
                    "hubroute routes push: the job rejected version "
                            + version
                            + "; the version before it stays active");
            return 1;
        }
        if (reports.size() < expected) {
            err.println(
                    "hubroute routes push: "
                            + reports.size()
                            + " of "
                            + expected
                            + " subtasks reported version "
                            + version
                            + " live within "
                            + wait.toSeconds()
                            + " s (a subtask reports when the version reaches it; see hubroute routes"
                            + " status)");
            return 1;
        }
        out.println("version " + version + " is live on every subtask");
        return 0;
    }

    /** Every readable version on the control topic. */
    private List<RoutesVersion> versions() {
        List<RoutesVersion> versions = new ArrayList<>();
        for (String value : readAll(config.routes().controlTopic())) {
            try {
                versions.add(RoutesVersion.fromJson(value));
            } catch (IllegalArgumentException e) {
                // the job rejects it too; status shows that
            }
        }
        return versions;
    }

    private List<JsonNode> reports() {
        List<JsonNode> reports = new ArrayList<>();
        for (String value : readAll(config.routes().statusTopicOrDefault())) {
            JsonNode report = parse(value);
            if (report != null) {
                reports.add(report);
            }
        }
        return reports;
    }

    /** The endpoints of the latest report that lists them, or null. */
    private static List<String> runningEndpoints(List<JsonNode> reports) {
        for (int i = reports.size() - 1; i >= 0; i--) {
            JsonNode endpoints = reports.get(i).get("endpoints");
            if (endpoints != null && endpoints.isArray()) {
                List<String> names = new ArrayList<>();
                endpoints.forEach(name -> names.add(name.asText()));
                return names;
            }
        }
        return null;
    }

    private static JsonNode parse(String value) {
        try {
            return value == null ? null : Json.MAPPER.readTree(value);
        } catch (IOException e) {
            return null;
        }
    }

    private List<String> readAll(String topic) {
        List<String> values = new ArrayList<>();
        Map<TopicPartition, Long> end = endOffsets(topic);
        if (end.isEmpty()) {
            return values;
        }
        try (KafkaConsumer<String, String> consumer = consumer()) {
            consumer.assign(end.keySet());
            consumer.seekToBeginning(end.keySet());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline && !reached(consumer, end)) {
                for (ConsumerRecord<String, String> record :
                        consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
            }
        }
        return values;
    }

    private static boolean reached(
            KafkaConsumer<String, String> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> partition : end.entrySet()) {
            if (consumer.position(partition.getKey()) < partition.getValue()) {
                return false;
            }
        }
        return true;
    }

    private Map<TopicPartition, Long> endOffsets(String topic) {
        try (KafkaConsumer<String, String> consumer = consumer()) {
            List<PartitionInfo> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10));
            if (partitions == null || partitions.isEmpty()) {
                return Map.of();
            }
            List<TopicPartition> all = new ArrayList<>();
            partitions.forEach(info -> all.add(new TopicPartition(topic, info.partition())));
            return consumer.endOffsets(all, Duration.ofSeconds(10));
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            return Map.of();
        }
    }

    private void createIfMissing(String topic, boolean compacted) throws Exception {
        try (Admin admin = Admin.create(connection())) {
            NewTopic newTopic = new NewTopic(topic, 1, (short) -1);
            if (compacted) {
                newTopic.configs(Map.of("cleanup.policy", "compact"));
            }
            admin.createTopics(List.of(newTopic)).all().get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                // Event Hubs namespaces may not let clients create hubs: say so, and go on
                err.println(
                        "hubroute routes push: could not create topic "
                                + topic
                                + " ("
                                + e.getCause().getClass().getSimpleName()
                                + "); create it yourself"
                                + (compacted ? " with cleanup.policy=compact" : ""));
            }
        }
    }

    private KafkaConsumer<String, String> consumer() {
        Properties properties = connection();
        properties.setProperty("enable.auto.commit", "false");
        return new KafkaConsumer<>(properties, new StringDeserializer(), new StringDeserializer());
    }

    private Properties producerProperties() {
        Properties properties = connection();
        properties.setProperty("acks", "all");
        return properties;
    }

    /** What connects to the source's cluster (servers, TLS, SASL). */
    private Properties connection() {
        Properties properties = new Properties();
        properties.putAll(config.source().connectionProperties());
        return properties;
    }
}
