package io.hubroute.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubroute.config.ConfigProblem;
import io.hubroute.config.Endpoint;
import io.hubroute.config.JobConfig;
import io.hubroute.config.RoutesOptions;
import io.hubroute.config.RoutesVersion;
import io.hubroute.config.RoutingConfig;
import io.hubroute.config.RoutingConfigLoader;
import io.hubroute.config.SourceOptions;
import io.hubroute.demo.EventsTopicSink;
import io.hubroute.embedded.EmbeddedKafkaBroker;
import io.hubroute.job.JobMetrics;
import io.hubroute.job.RoutesFileRouter;
import io.hubroute.job.RoutingJob;
import io.hubroute.message.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What {@code hubroute bench-routes} does once its options are checked: loads N telemetry messages
 * ({@link ReplayBenchmarkData}) into an embedded Kafka topic, then runs the routing job with live
 * routes ({@link RoutingJob}, a control topic, endpoints as Kafka topics on the same broker) in a
 * local MiniCluster in this JVM: once to time K pushes one after another (publish → every subtask's
 * "active" report), then round after round reading all N with no swaps and with a swap of the
 * routes every interval. Each run has topics of its own, deleted after it.
 */
final class RoutesBenchmark {
    static final String D2C_TOPIC = "d2c";
    static final int PARALLELISM = 2;
    static final Duration CHECKPOINT_INTERVAL = Duration.ofSeconds(10);
    static final String NO_SWAPS = "no swaps";
    static final String SWAPS = "swaps";

    private static final long SAMPLE_MILLIS = 20;
    private static final long PROGRESS_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final Duration PUSH_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration READ_TIMEOUT = Duration.ofMinutes(15);
    private static final Pattern THRESHOLD = Pattern.compile("> (\\d+)");

    private final PrintStream out;
    private final PrintStream err;
    private int runNumber;

    RoutesBenchmark(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(BenchRoutesCommand options) throws Exception {
        RoutingConfigLoader.Result loaded =
                RoutingConfigLoader.withoutSecrets().load(options.routesFile);
        if (!loaded.isValid()) {
            for (ConfigProblem problem : loaded.problems()) {
                err.println(problem);
            }
            return 1;
        }
        RoutingConfig routing = loaded.orThrow();
        String yaml = Files.readString(options.routesFile, StandardCharsets.UTF_8);
        String variant = variant(yaml);
        if (variant == null) {
            err.println(
                    "hubroute bench-routes: "
                            + options.routesFile
                            + " has no condition with a '> N' threshold to change for the"
                            + " alternating version: give --routes a file that has one");
            return 1;
        }
        String fileName = options.routesFile.getFileName().toString();
        Versions versions =
                new Versions(
                        new String[] {fileName + " (threshold + 1)", fileName},
                        new String[] {variant, yaml});

        Path workDir = options.workDir.toAbsolutePath();
        Files.createDirectories(workDir);
        Path runDir = Files.createTempDirectory(workDir, "bench-");
        String setting =
                String.format(
                        Locale.ROOT,
                        "%,d messages of %,d-byte JSON bodies from %d devices; %s (%d routes,"
                                + " %d endpoints as Kafka topics) alternating with a copy with one"
                                + " threshold changed; parallelism %d, checkpoints every %d s;"
                                + " %d pushes; %d rounds after %d warm-up rounds, a swap every %d"
                                + " s",
                        options.records,
                        options.bodyBytes,
                        ReplayBenchmarkData.DEVICES,
                        options.routesFile,
                        routing.routes().size(),
                        routing.allEndpoints().size(),
                        PARALLELISM,
                        CHECKPOINT_INTERVAL.toSeconds(),
                        options.pushes,
                        options.rounds,
                        options.warmupRounds,
                        options.swapIntervalSeconds);
        String machine = machine();
        out.println("hubroute bench-routes: " + setting);
        out.println("hubroute bench-routes: " + machine + "; work dir " + runDir);

        List<Push> pushes;
        List<Push> swapPushes = new ArrayList<>();
        List<Run> runs = new ArrayList<>();
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(runDir.resolve("kafka"))) {
            BenchTopics.createInput(kafka, D2C_TOPIC);
            BenchTopics.load(
                    kafka,
                    D2C_TOPIC,
                    new ReplayBenchmarkData(
                            options.records,
                            options.bodyBytes,
                            Instant.now().truncatedTo(ChronoUnit.MINUTES).toEpochMilli()),
                    out);
            Bench bench =
                    new Bench(
                            kafka,
                            runDir,
                            routing,
                            yaml,
                            fileName,
                            versions,
                            options.records,
                            Duration.ofSeconds(options.swapIntervalSeconds));
            // not counted: the first runs of a JVM measure the JIT, not the job
            for (int round = 1; round <= options.warmupRounds; round++) {
                out.println("warm-up round " + round);
                throughput(bench, false, round, new ArrayList<>());
                throughput(bench, true, round, new ArrayList<>());
            }
            pushes = pushLatency(bench, options.pushes);
            for (int round = 1; round <= options.rounds; round++) {
                runs.add(throughput(bench, false, round, swapPushes));
                runs.add(throughput(bench, true, round, swapPushes));
            }
        } finally {
            delete(runDir);
        }

        String table =
                table(
                        setting,
                        machine,
                        pushes,
                        swapPushes,
                        runs,
                        Duration.ofSeconds(options.swapIntervalSeconds));
        out.println();
        out.print(table);
        if (options.output != null) {
            Files.writeString(options.output, table, StandardCharsets.UTF_8);
            out.println("figures written to " + options.output);
        }
        return 0;
    }

    /** The routes with the first {@code > N} threshold raised by one, or null if none. */
    static String variant(String yaml) {
        Matcher threshold = THRESHOLD.matcher(yaml);
        if (!threshold.find()) {
            return null;
        }
        long raised = Long.parseLong(threshold.group(1)) + 1;
        return yaml.substring(0, threshold.start())
                + "> "
                + raised
                + yaml.substring(threshold.end());
    }

    // ---------------------------------------------------------------- the runs

    /** Everything a run needs, the same for every run. */
    private record Bench(
            EmbeddedKafkaBroker kafka,
            Path runDir,
            RoutingConfig routing,
            String yaml,
            String fileName,
            Versions versions,
            long records,
            Duration swapInterval) {}

    /** The two texts pushed in turn, and the file names they are pushed as. */
    private record Versions(String[] fileNames, String[] texts) {}

    /** One timed push: publish → every subtask's report received, and → the last activation. */
    record Push(long version, double confirmedMillis, double activatedMillis, boolean underLoad) {}

    /** One throughput run. */
    record Run(String job, int round, long records, long readNanos, int swaps, double loadBefore) {
        double recordsPerSecond() {
            return records / (readNanos / 1e9);
        }
    }

    /** A job pushed K versions one after another, as soon as both subtasks have started. */
    private List<Push> pushLatency(Bench bench, int count) throws Exception {
        out.println("push latency: " + count + " pushes");
        List<Push> pushes = new ArrayList<>();
        try (RunningJob job = RunningJob.start(bench, ++runNumber, "push latency");
                Pusher pusher = new Pusher(bench, job)) {
            pusher.awaitRunning();
            for (int index = 0; index < count; index++) {
                job.checkAlive();
                boolean underLoad = LiveCounters.get(JobMetrics.INGRESS) < bench.records();
                Push push = pusher.push(underLoad);
                pushes.add(push);
                out.println(
                        String.format(
                                Locale.ROOT,
                                "  version %d: active on every subtask after %.0f ms (reports"
                                        + " received after %.0f ms)%s",
                                push.version(),
                                push.activatedMillis(),
                                push.confirmedMillis(),
                                underLoad ? ", while reading the backlog" : ""));
                // the next push after a pause, as a person or a pipeline would push
                Thread.sleep(200);
            }
        }
        return pushes;
    }

    /** A job reading all N from the start, with a swap every interval or none. */
    private Run throughput(Bench bench, boolean swaps, int round, List<Push> swapPushes)
            throws Exception {
        String name = (swaps ? SWAPS : NO_SWAPS) + ", round " + round;
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        System.gc();
        try (RunningJob job = RunningJob.start(bench, ++runNumber, name);
                Pusher pusher = swaps ? new Pusher(bench, job) : null) {
            long started = System.nanoTime();
            long first = -1;
            long done = -1;
            long lastPrint = started;
            Swapper swapper = null;
            while (done < 0) {
                job.checkAlive();
                long ingested = LiveCounters.get(JobMetrics.INGRESS);
                long now = System.nanoTime();
                if (first < 0 && ingested > 0) {
                    first = now;
                    if (pusher != null) {
                        swapper = new Swapper(pusher, bench.swapInterval(), bench.records());
                        swapper.start();
                    }
                }
                if (ingested >= bench.records()) {
                    done = now;
                    break;
                }
                if (now - started > READ_TIMEOUT.toNanos()) {
                    throw new IllegalStateException(
                            name
                                    + ": "
                                    + ingested
                                    + " of "
                                    + bench.records()
                                    + " records in after "
                                    + READ_TIMEOUT.toMinutes()
                                    + " minutes");
                }
                if (swapper != null && swapper.failure.get() != null) {
                    throw new IllegalStateException(
                            name + ": a swap failed: " + swapper.failure.get().getMessage(),
                            swapper.failure.get());
                }
                if (now - lastPrint >= PROGRESS_NANOS) {
                    lastPrint = now;
                    out.println(
                            String.format(
                                    Locale.ROOT,
                                    "  %s: %,d of %,d records, %.0f s%s",
                                    name,
                                    ingested,
                                    bench.records(),
                                    (now - started) / 1e9,
                                    swapper == null
                                            ? ""
                                            : ", " + swapper.pushes.size() + " swaps"));
                }
                Thread.sleep(SAMPLE_MILLIS);
            }
            List<Push> swapped = List.of();
            if (swapper != null) {
                swapped = swapper.finish();
            }
            // the job keeps running: it must not count a record twice
            Thread.sleep(500);
            long ingested = LiveCounters.get(JobMetrics.INGRESS);
            if (ingested != bench.records()) {
                throw new IllegalStateException(
                        name
                                + ": the job counted "
                                + ingested
                                + " records in, not "
                                + bench.records());
            }
            swapPushes.addAll(swapped);
            Run run =
                    new Run(
                            swaps ? SWAPS : NO_SWAPS,
                            round,
                            bench.records(),
                            done - first,
                            swapped.size(),
                            load);
            out.println(
                    String.format(
                            Locale.ROOT,
                            "%s: %,d records in %.1f s, %,.0f records/s%s, load before %.2f",
                            name,
                            run.records(),
                            run.readNanos() / 1e9,
                            run.recordsPerSecond(),
                            swaps ? ", " + swapped.size() + " swaps" : "",
                            load));
            if (swaps && swapped.isEmpty()) {
                err.println(
                        "hubroute bench-routes: "
                                + name
                                + " read everything before the first swap: give more --records");
            }
            return run;
        }
    }

    /** Pushes the next version every interval from its start, until stopped. */
    private static final class Swapper extends Thread {
        private final Pusher pusher;
        private final long intervalNanos;
        private final long records;
        private final List<Push> pushes = Collections.synchronizedList(new ArrayList<>());
        private final AtomicReference<Exception> failure = new AtomicReference<>();
        private volatile boolean stopped;

        Swapper(Pusher pusher, Duration interval, long records) {
            super("hubroute-bench-swapper");
            setDaemon(true);
            this.pusher = pusher;
            this.intervalNanos = interval.toNanos();
            this.records = records;
        }

        @Override
        public void run() {
            long next = System.nanoTime() + intervalNanos;
            try {
                while (!stopped) {
                    if (System.nanoTime() < next) {
                        Thread.sleep(10);
                        continue;
                    }
                    next += intervalNanos;
                    // a swap after the last record is in is not one during the run
                    if (LiveCounters.get(JobMetrics.INGRESS) >= records) {
                        return;
                    }
                    pushes.add(pusher.push(true));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                failure.set(e);
            }
        }

        List<Push> finish() throws Exception {
            stopped = true;
            join(PUSH_TIMEOUT.toMillis() + 5_000);
            if (failure.get() != null) {
                throw new IllegalStateException(
                        "a swap failed: " + failure.get().getMessage(), failure.get());
            }
            synchronized (pushes) {
                return new ArrayList<>(pushes);
            }
        }
    }

    /**
     * The routing job with live routes on its own control, status and endpoint topics: started when
     * made, cancelled and its topics deleted when closed.
     */
    private static final class RunningJob implements AutoCloseable {
        private final Bench bench;
        private final String control;
        private final String status;
        private final List<String> topics;
        private final JobClient client;
        private final CompletableFuture<JobExecutionResult> result;

        private RunningJob(
                Bench bench, String control, String status, List<String> topics, JobClient client) {
            this.bench = bench;
            this.control = control;
            this.status = status;
            this.topics = topics;
            this.client = client;
            this.result = client.getJobExecutionResult();
        }

        static RunningJob start(Bench bench, int number, String name) throws Exception {
            String prefix = "run" + number + "-";
            String control = prefix + "routes";
            String status = control + "-status";
            List<String> topics = new ArrayList<>(List.of(control, status));
            EmbeddedKafkaBroker kafka = bench.kafka();
            List<NewTopic> newTopics = new ArrayList<>();
            newTopics.add(
                    new NewTopic(control, 1, (short) 1)
                            .configs(Map.of("cleanup.policy", "compact")));
            newTopics.add(new NewTopic(status, 1, (short) 1));
            RoutingJob.Builder job = RoutingJob.builder();
            for (Endpoint endpoint : bench.routing().allEndpoints()) {
                String topic = prefix + endpoint.name();
                topics.add(topic);
                newTopics.add(new NewTopic(topic, PARALLELISM, (short) 1));
                job.addEndpointSink(
                        endpoint.name(), EventsTopicSink.create(kafka.bootstrapServers(), topic));
            }
            try (Admin admin = kafka.admin()) {
                admin.createTopics(newTopics).all().get(30, TimeUnit.SECONDS);
            }
            JobConfig config =
                    JobConfig.defaults()
                            .withSource(
                                    SourceOptions.kafka(
                                                    kafka.bootstrapServers(), List.of(D2C_TOPIC))
                                            .withGroupId("hubroute-bench-routes-" + number))
                            .withParallelism(PARALLELISM)
                            .withCheckpointing(
                                    JobConfig.defaults()
                                            .checkpointing()
                                            .withInterval(CHECKPOINT_INTERVAL)
                                            .withDirectory(
                                                    bench.runDir()
                                                            .resolve("checkpoints")
                                                            .resolve(prefix)
                                                            .toUri()
                                                            .toString()))
                            .withRoutes(new RoutesOptions(control, status, false));
            job.setJobConfig(config)
                    .setRouterFactory(RoutesFileRouter.factory(bench.yaml(), bench.fileName()));
            Configuration flink = RoutingJob.flinkConfiguration(config);
            flink.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
            LiveCounters.reset();
            LiveCounters.enable(flink);
            LocalCluster.of(null, null).applyTo(flink);
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.createLocalEnvironment(PARALLELISM, flink);
            job.build().addTo(env);
            JobClient client = env.executeAsync("hubroute bench-routes: " + name);
            return new RunningJob(bench, control, status, topics, client);
        }

        /** Throws when the job has ended: it never ends on its own. */
        void checkAlive() {
            if (result.isDone()) {
                try {
                    result.join();
                } catch (RuntimeException e) {
                    Throwable cause = e;
                    while (cause.getCause() != null && cause.getCause() != cause) {
                        cause = cause.getCause();
                    }
                    throw new IllegalStateException("the job failed: " + cause.getMessage(), cause);
                }
                throw new IllegalStateException("the job ended on its own");
            }
        }

        @Override
        public void close() throws Exception {
            try {
                client.cancel().get(60, TimeUnit.SECONDS);
                try {
                    result.get(60, TimeUnit.SECONDS);
                } catch (Exception e) {
                    // cancelled: what we asked for
                }
            } finally {
                try (Admin admin = bench.kafka().admin()) {
                    admin.deleteTopics(topics).all().get(60, TimeUnit.SECONDS);
                }
            }
        }
    }

    /**
     * Publishes route versions to a job's control topic and reads its status topic until every
     * subtask has reported the version, as {@code hubroute routes push} does, with one producer and
     * one consumer for every push.
     */
    private static final class Pusher implements AutoCloseable {
        private final Versions versions;
        private final String control;
        private final KafkaProducer<String, String> producer;
        private final KafkaConsumer<String, String> status;
        private long version;

        Pusher(Bench bench, RunningJob job) {
            this.versions = bench.versions();
            this.control = job.control;
            Properties producerProperties = new Properties();
            producerProperties.setProperty(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bench.kafka().bootstrapServers());
            producerProperties.setProperty(ProducerConfig.ACKS_CONFIG, "all");
            producerProperties.setProperty(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "10485760");
            this.producer =
                    new KafkaProducer<>(
                            producerProperties, new StringSerializer(), new StringSerializer());
            Properties consumerProperties = new Properties();
            consumerProperties.setProperty("bootstrap.servers", bench.kafka().bootstrapServers());
            consumerProperties.setProperty("enable.auto.commit", "false");
            this.status =
                    new KafkaConsumer<>(
                            consumerProperties, new StringDeserializer(), new StringDeserializer());
            TopicPartition partition = new TopicPartition(job.status, 0);
            status.assign(List.of(partition));
            status.seekToBeginning(List.of(partition));
        }

        /** Waits until every subtask has reported that it runs (it has routed a record). */
        void awaitRunning() {
            Set<Integer> subtasks = new HashSet<>();
            long deadline = System.nanoTime() + PUSH_TIMEOUT.toNanos();
            while (subtasks.size() < PARALLELISM) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            subtasks.size()
                                    + " of "
                                    + PARALLELISM
                                    + " subtasks reported within "
                                    + PUSH_TIMEOUT.toSeconds()
                                    + " s of the job's start");
                }
                for (ConsumerRecord<String, String> record : status.poll(Duration.ofMillis(50))) {
                    JsonNode report = parse(record.value());
                    if (report != null) {
                        subtasks.add(report.path("subtask").asInt());
                    }
                }
            }
        }

        /** Publishes the next version and waits for every subtask's report on it. */
        Push push(boolean underLoad) throws Exception {
            version++;
            int which = (int) (version % 2);
            RoutesVersion next =
                    new RoutesVersion(
                            version,
                            versions.fileNames()[which],
                            versions.texts()[which],
                            Instant.now());
            String json = next.toJson();
            Instant publishedAt = Instant.now();
            long published = System.nanoTime();
            producer.send(new ProducerRecord<>(control, RouteVersions.KEY, json))
                    .get(30, TimeUnit.SECONDS);
            Set<Integer> subtasks = new HashSet<>();
            Instant lastActivation = publishedAt;
            long confirmed = 0;
            long deadline = published + PUSH_TIMEOUT.toNanos();
            while (subtasks.size() < PARALLELISM) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            subtasks.size()
                                    + " of "
                                    + PARALLELISM
                                    + " subtasks reported version "
                                    + version
                                    + " within "
                                    + PUSH_TIMEOUT.toSeconds()
                                    + " s");
                }
                for (ConsumerRecord<String, String> record : status.poll(Duration.ofMillis(5))) {
                    JsonNode report = parse(record.value());
                    if (report == null || report.path("version").asLong() != version) {
                        continue;
                    }
                    if (!"active".equals(report.path("status").asText())) {
                        throw new IllegalStateException(
                                "version "
                                        + version
                                        + " was "
                                        + report.path("status").asText()
                                        + ": "
                                        + report.path("reason").asText());
                    }
                    if (subtasks.add(report.path("subtask").asInt())) {
                        confirmed = System.nanoTime();
                        Instant at = Instant.parse(report.path("at").asText());
                        if (at.isAfter(lastActivation)) {
                            lastActivation = at;
                        }
                    }
                }
            }
            return new Push(
                    version,
                    (confirmed - published) / 1e6,
                    Duration.between(publishedAt, lastActivation).toNanos() / 1e6,
                    underLoad);
        }

        @Override
        public void close() {
            producer.close(Duration.ofSeconds(10));
            status.close(Duration.ofSeconds(10));
        }

        private static JsonNode parse(String value) {
            try {
                return value == null ? null : Json.MAPPER.readTree(value);
            } catch (IOException e) {
                return null;
            }
        }
    }

    // ---------------------------------------------------------------- the figures

    static String table(
            String setting,
            String machine,
            List<Push> pushes,
            List<Push> swapPushes,
            List<Run> runs,
            Duration swapInterval) {
        StringBuilder table = new StringBuilder();
        table.append(setting).append(".\n").append(machine).append(".\n\n");
        table.append(
                "| pushes | count | active on every subtask: p50 / p99 / max ms | reports"
                        + " received: p50 / p99 / max ms | target p99 < 1,000 ms |\n");
        table.append("|---|---:|---:|---:|---|\n");
        List<Push> backlog = new ArrayList<>();
        List<Push> idle = new ArrayList<>();
        for (Push push : pushes) {
            (push.underLoad() ? backlog : idle).add(push);
        }
        latencyRow(table, "one after another, all", pushes);
        latencyRow(table, "… while the job read its backlog", backlog);
        latencyRow(table, "… after it had read it", idle);
        latencyRow(
                table,
                "swaps every " + swapInterval.toSeconds() + " s, during the swap runs",
                swapPushes);

        table.append(
                "\n| run | runs | records/s, median (min–max) | read s, median | swaps per run |\n");
        table.append("|---|---:|---:|---:|---:|\n");
        double noSwaps = 0;
        double withSwaps = 0;
        for (String job : List.of(NO_SWAPS, SWAPS)) {
            List<Run> group = new ArrayList<>();
            for (Run run : runs) {
                if (run.job().equals(job)) {
                    group.add(run);
                }
            }
            if (group.isEmpty()) {
                continue;
            }
            List<Double> rates = new ArrayList<>();
            List<Double> seconds = new ArrayList<>();
            int swaps = 0;
            for (Run run : group) {
                rates.add(run.recordsPerSecond());
                seconds.add(run.readNanos() / 1e9);
                swaps += run.swaps();
            }
            rates.sort(Comparator.naturalOrder());
            seconds.sort(Comparator.naturalOrder());
            double median = median(rates);
            if (job.equals(NO_SWAPS)) {
                noSwaps = median;
            } else {
                withSwaps = median;
            }
            table.append(
                    String.format(
                            Locale.ROOT,
                            "| %s | %d | %,.0f (%,.0f–%,.0f) | %.1f | %.1f |\n",
                            job,
                            group.size(),
                            median,
                            rates.get(0),
                            rates.get(rates.size() - 1),
                            median(seconds),
                            swaps / (double) group.size()));
        }
        if (noSwaps > 0 && withSwaps > 0) {
            double ratio = withSwaps / noSwaps;
            table.append("\n| swaps / no swaps (median records/s) | target |\n|---:|---|\n");
            table.append(
                    String.format(
                            Locale.ROOT,
                            "| %.2f× | ≥ 0.95×: %s |\n",
                            ratio,
                            ratio >= 0.95 ? "met" : "missed"));
        }
        table.append("\n| run | records/s | read s | swaps | load before |\n");
        table.append("|---|---:|---:|---:|---:|\n");
        for (Run run : runs) {
            table.append(
                    String.format(
                            Locale.ROOT,
                            "| %s, round %d | %,.0f | %.1f | %d | %.2f |\n",
                            run.job(),
                            run.round(),
                            run.recordsPerSecond(),
                            run.readNanos() / 1e9,
                            run.swaps(),
                            run.loadBefore()));
        }
        return table.toString();
    }

    private static void latencyRow(StringBuilder table, String name, List<Push> pushes) {
        if (pushes.isEmpty()) {
            table.append("| ").append(name).append(" | 0 | | | |\n");
            return;
        }
        List<Double> activated = new ArrayList<>();
        List<Double> confirmed = new ArrayList<>();
        for (Push push : pushes) {
            activated.add(push.activatedMillis());
            confirmed.add(push.confirmedMillis());
        }
        activated.sort(Comparator.naturalOrder());
        confirmed.sort(Comparator.naturalOrder());
        double p99 = percentile(activated, 0.99);
        table.append(
                String.format(
                        Locale.ROOT,
                        "| %s | %d | %.0f / %.0f / %.0f | %.0f / %.0f / %.0f | %s |\n",
                        name,
                        pushes.size(),
                        percentile(activated, 0.5),
                        p99,
                        activated.get(activated.size() - 1),
                        percentile(confirmed, 0.5),
                        percentile(confirmed, 0.99),
                        confirmed.get(confirmed.size() - 1),
                        p99 < 1000 ? "met" : "missed"));
    }

    /** Nearest rank of sorted values: with fewer than 100, p99 is the maximum. */
    static double percentile(List<Double> sorted, double fraction) {
        int rank = (int) Math.ceil(fraction * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size(), rank) - 1));
    }

    static double median(List<Double> sorted) {
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1
                ? sorted.get(middle)
                : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

    static String machine() {
        return String.format(
                Locale.ROOT,
                "machine: %d cores, %s %s, Java %s, max heap %,d MB",
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name"),
                System.getProperty("os.arch"),
                System.getProperty("java.version"),
                Runtime.getRuntime().maxMemory() >> 20);
    }

    private static void delete(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
