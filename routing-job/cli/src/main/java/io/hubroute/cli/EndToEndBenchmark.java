package io.hubroute.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubroute.config.Endpoint;
import io.hubroute.config.Route;
import io.hubroute.config.RoutingConfig;
import io.hubroute.config.RoutingConfigLoader;
import io.hubroute.embedded.EmbeddedKafkaBroker;
import io.hubroute.message.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What {@code hubroute bench-e2e} does once its options are checked: one embedded Kafka broker in
 * this JVM, its input topic loaded with N IoT Hub messages once, then round after round, for each
 * routes file and parallelism, the jobs one after another, each in a JVM of its own: hubroute's
 * {@code run}, the {@link PassThroughJob} at the fan-out hubroute delivered, and the Flink SQL
 * statement set (module {@code routing-job/sql-baseline}). Every job writes to fresh topics stamped
 * by the broker ({@code LogAppendTime}); throughput is N over the first to the last append, so
 * start-up and shutdown are left out; CPU is the job process's in that window.
 */
final class EndToEndBenchmark {
    static final String INPUT_TOPIC = "d2c";
    static final String HUBROUTE = "hubroute";
    static final String HUBROUTE_BEFORE = "hubroute-before";
    static final String PASS_THROUGH = "pass-through";
    static final String SQL = "flink-sql";

    private static final Pattern BENCH_ENDPOINT =
            Pattern.compile(
                    "\\{name: ([A-Za-z0-9_-]+), connectionString: '\\$\\{env:BENCH_CONNECTION}'}");
    private static final Pattern PASS_THROUGH_LINE =
            Pattern.compile("pass-through: read (\\d+) records, wrote (\\d+)");
    private static final long RUN_TIMEOUT_MINUTES = 60;

    private final PrintStream out;
    private final PrintStream err;

    EndToEndBenchmark(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** One job's run: what it read and wrote, when, and at what CPU. */
    record Run(
            String job,
            String routes,
            int parallelism,
            int round,
            long inputRecords,
            long outputRecords,
            long expectedOutputs,
            double seconds,
            double jobCpuSeconds,
            double brokerCpuSeconds,
            double loadAverage) {
        double recordsPerSecond() {
            return inputRecords / seconds;
        }

        double jobMicrosPerRecord() {
            return jobCpuSeconds * 1e6 / inputRecords;
        }

        /**
         * The broker's average CPU use in the window, in cores. Not per record: most of the
         * broker's (and its KRaft controller's) work is per second, so a slower job would show a
         * higher broker cost per record without costing the broker more per record.
         */
        double brokerCores() {
            return brokerCpuSeconds / seconds;
        }

        boolean correct() {
            return outputRecords == expectedOutputs;
        }
    }

    int run(BenchE2eCommand options) throws Exception {
        Map<Path, RoutingConfig> routesFiles = new LinkedHashMap<>();
        for (Path file : options.routesFiles) {
            RoutingConfigLoader.Result loaded = RoutingConfigLoader.withoutSecrets().load(file);
            if (!loaded.isValid()) {
                loaded.problems().forEach(problem -> err.println(problem));
                return 1;
            }
            String yaml = Files.readString(file, StandardCharsets.UTF_8);
            if (yaml.contains("builtInEndpoint:")) {
                err.println(
                        "hubroute bench-e2e: "
                                + file
                                + " sets builtInEndpoint: leave it out, the benchmark points the"
                                + " built-in events endpoint (the fallback's) at a topic of its"
                                + " own");
                return 1;
            }
            for (Endpoint endpoint : loaded.orThrow().endpoints()) {
                if (!yaml.contains(
                        "{name: "
                                + endpoint.name()
                                + ", connectionString: '${env:BENCH_CONNECTION}'}")) {
                    err.println(
                            "hubroute bench-e2e: "
                                    + file
                                    + ": endpoint '"
                                    + endpoint.name()
                                    + "' is not written as {name: "
                                    + endpoint.name()
                                    + ", connectionString: '${env:BENCH_CONNECTION}'}: the"
                                    + " benchmark points such endpoints at its own topics"
                                    + " (examples/bench/generate.py writes them so)");
                    return 1;
                }
            }
            routesFiles.put(file, loaded.orThrow());
        }
        Path sqlClasspath = null;
        if (options.jobs.contains(SQL)) {
            sqlClasspath = sqlClasspath();
            if (sqlClasspath == null) {
                return 1;
            }
        }
        Path workDir = options.workDir.toAbsolutePath();
        Files.createDirectories(workDir);
        Path runDir = Files.createTempDirectory(workDir, "e2e-");
        out.println(
                String.format(
                        Locale.ROOT,
                        "hubroute bench-e2e: %,d messages of %,d-byte bodies from %d devices; jobs"
                                + " %s; routes %s; parallelism %s; %d rounds; checkpoints every"
                                + " %d s, at-least-once; %s; work dir %s",
                        options.messages,
                        options.bodyBytes,
                        ReplayBenchmarkData.DEVICES,
                        String.join(", ", options.jobs),
                        options.routesFiles,
                        options.parallelisms,
                        options.rounds,
                        options.checkpointSeconds,
                        RoutesBenchmark.machine(),
                        runDir));
        List<Run> runs = new ArrayList<>();
        Latency latency = null;
        int failures = 0;
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(runDir.resolve("kafka"));
                ProcessCpu broker = ProcessCpu.of(ProcessHandle.current().pid())) {
            ReplayBenchmarkData data =
                    new ReplayBenchmarkData(
                            options.messages,
                            options.bodyBytes,
                            Instant.now().truncatedTo(ChronoUnit.MINUTES).toEpochMilli());
            BenchTopics.createInput(kafka, INPUT_TOPIC);
            BenchTopics.load(kafka, INPUT_TOPIC, data, out);
            Path twins = runDir.resolve("twins.jsonl");
            StringBuilder export = new StringBuilder();
            for (int device = 0; device < ReplayBenchmarkData.DEVICES; device++) {
                export.append(ReplayBenchmarkData.twinExportLine(device)).append('\n');
            }
            Files.writeString(twins, export, StandardCharsets.UTF_8);

            Context context = new Context(kafka, broker, runDir, twins, sqlClasspath, options);
            for (int round = 1; round <= options.rounds; round++) {
                for (Map.Entry<Path, RoutingConfig> routes : routesFiles.entrySet()) {
                    for (int parallelism : options.parallelisms) {
                        for (String job : options.jobs) {
                            Run run =
                                    switch (job) {
                                        case HUBROUTE ->
                                                hubroute(
                                                        context,
                                                        routes.getKey(),
                                                        routes.getValue(),
                                                        parallelism,
                                                        round,
                                                        HUBROUTE,
                                                        System.getProperty("java.class.path"));
                                        case PASS_THROUGH ->
                                                passThrough(
                                                        context,
                                                        routes.getKey(),
                                                        routes.getValue(),
                                                        parallelism,
                                                        round);
                                        default ->
                                                sql(
                                                        context,
                                                        routes.getKey(),
                                                        routes.getValue(),
                                                        parallelism,
                                                        round);
                                    };
                            List<Run> done = new ArrayList<>(List.of(run));
                            if (job.equals(HUBROUTE) && context.beforeClasspath != null) {
                                done.add(
                                        hubroute(
                                                context,
                                                routes.getKey(),
                                                routes.getValue(),
                                                parallelism,
                                                round,
                                                HUBROUTE_BEFORE,
                                                context.beforeClasspath));
                            }
                            for (Run finished : done) {
                                runs.add(finished);
                                if (!finished.correct()) {
                                    failures++;
                                }
                                out.println(line(finished));
                            }
                        }
                    }
                }
            }
            if (options.latencySeconds > 0 && options.jobs.contains(HUBROUTE)) {
                Map.Entry<Path, RoutingConfig> first = routesFiles.entrySet().iterator().next();
                int parallelism = options.parallelisms.get(0);
                List<Double> rates = new ArrayList<>();
                for (Run run : runs) {
                    if (run.job().equals(HUBROUTE)
                            && run.routes().equals(first.getKey().getFileName().toString())
                            && run.parallelism() == parallelism) {
                        rates.add(run.recordsPerSecond());
                    }
                }
                rates.sort(null);
                // half the maximum throughput: the median of the rounds
                double rate =
                        options.latencyRate > 0
                                ? options.latencyRate
                                : RoutesBenchmark.median(rates) / 2;
                latency = latency(context, first.getKey(), first.getValue(), parallelism, rate);
                out.println(EndToEndReport.latencyLine(latency));
            }
        } finally {
            delete(runDir);
        }
        String table = EndToEndReport.markdown(runs, latency, options);
        out.println();
        out.print(table);
        if (options.output != null) {
            Files.writeString(options.output, table, StandardCharsets.UTF_8);
            out.println("table written to " + options.output);
        }
        if (options.chart != null) {
            Files.writeString(options.chart, EndToEndReport.svg(runs), StandardCharsets.UTF_8);
            out.println("chart written to " + options.chart);
        }
        if (options.json != null) {
            Files.writeString(options.json, EndToEndReport.json(runs), StandardCharsets.UTF_8);
            out.println("runs written to " + options.json);
        }
        if (failures > 0) {
            err.println(
                    "hubroute bench-e2e: "
                            + failures
                            + " run(s) wrote a different number of records than they should"
                            + " (see 'MISCOUNT' above)");
            return 1;
        }
        return 0;
    }

    private static String key(Path routes, int parallelism) {
        return routes + "@" + parallelism;
    }

    /** Everything every run needs. */
    private static final class Context {
        final EmbeddedKafkaBroker kafka;
        final ProcessCpu broker;
        final Path runDir;
        final Path twins;
        final Path sqlClasspath;
        final BenchE2eCommand options;
        final String beforeClasspath;
        final Map<String, Double> fanOut = new LinkedHashMap<>();
        final Map<String, Long> routeDeliveries = new LinkedHashMap<>();
        int runNumber;

        /** The output topics of the last hubroute run that kept them. */
        List<String> lastTopics = List.of();

        Context(
                EmbeddedKafkaBroker kafka,
                ProcessCpu broker,
                Path runDir,
                Path twins,
                Path sqlClasspath,
                BenchE2eCommand options) {
            this.kafka = kafka;
            this.broker = broker;
            this.runDir = runDir;
            this.twins = twins;
            this.sqlClasspath = sqlClasspath;
            this.options = options;
            this.beforeClasspath = options.before == null ? null : beforeClasspath(options.before);
        }

        /** Another build's cli jar and runtime classpath, as bin/hubroute would run it. */
        private static String beforeClasspath(Path root) {
            Path target = root.resolve("routing-job").resolve("cli").resolve("target");
            try {
                return target.resolve("hubroute-cli-0.1.0-SNAPSHOT.jar")
                        + java.io.File.pathSeparator
                        + Files.readString(target.resolve("runtime-classpath.txt")).trim();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(
                        "--before " + root + ": no built cli module (" + e.getMessage() + ")", e);
            }
        }

        String prefix(String job) {
            return "r" + (++runNumber) + "-" + job + "-";
        }
    }

    // ---------------------------------------------------------------- the three jobs

    /**
     * hubroute's {@code run} on the routes; remembers the fan-out it delivered (for the
     * pass-through) and its route matches times their endpoints (what the SQL job must write).
     */
    private Run hubroute(
            Context context,
            Path routesFile,
            RoutingConfig routing,
            int parallelism,
            int round,
            String job,
            String classpath)
            throws Exception {
        return hubroute(
                context,
                routesFile,
                routing,
                parallelism,
                round,
                job,
                classpath,
                INPUT_TOPIC,
                context.options.messages,
                null);
    }

    /**
     * hubroute's {@code run} reading {@code messages} from {@code input}; {@code whenRunning} (when
     * not null) is started on a thread of its own once the job reports progress.
     */
    private Run hubroute(
            Context context,
            Path routesFile,
            RoutingConfig routing,
            int parallelism,
            int round,
            String job,
            String classpath,
            String input,
            long messages,
            Runnable whenRunning)
            throws Exception {
        String prefix = context.prefix(job);
        Path dir = Files.createDirectories(context.runDir.resolve(prefix));
        List<String> topics = new ArrayList<>();
        for (Endpoint endpoint : routing.allEndpoints()) {
            topics.add(prefix + endpoint.name());
        }
        BenchTopics.createOutputs(context.kafka, topics, ReplayBenchmarkData.PARTITIONS);
        Path routes = dir.resolve("routes.yaml");
        Files.writeString(
                routes,
                pointedAt(Files.readString(routesFile, StandardCharsets.UTF_8), prefix),
                StandardCharsets.UTF_8);
        Path config = dir.resolve("job.yaml");
        Files.writeString(
                config,
                String.join(
                        "\n",
                        "source:",
                        "  bootstrapServers: " + context.kafka.bootstrapServers(),
                        "  topics: [" + input + "]",
                        "  groupId: " + prefix + "group",
                        "  startingOffsets: earliest",
                        "parallelism: " + parallelism,
                        "checkpointing:",
                        "  interval: " + context.options.checkpointSeconds + "s",
                        "  mode: at-least-once",
                        "twins:",
                        "  exportFile: " + context.twins,
                        ""),
                StandardCharsets.UTF_8);
        Path summaryFile = dir.resolve("summary.json");
        List<String> command = java(context.options, classpath);
        if (context.options.profile != null) {
            Files.createDirectories(context.options.profile);
            command.add(
                    "-XX:StartFlightRecording=settings=profile,filename="
                            + context.options.profile.toAbsolutePath().resolve(prefix + "job.jfr"));
        }
        command.addAll(
                List.of(
                        Main.class.getName(),
                        "run",
                        "--routes",
                        routes.toString(),
                        "--config",
                        config.toString(),
                        "--messages",
                        Long.toString(messages),
                        "--summary-json",
                        summaryFile.toString(),
                        "--work-dir",
                        dir.resolve("work").toString()));
        Measured measured =
                measure(
                        context,
                        command,
                        Map.of("BENCH_CONNECTION", "kafka://" + context.kafka.bootstrapServers()),
                        dir,
                        topics,
                        job
                                + " "
                                + routesFile.getFileName()
                                + " p"
                                + parallelism
                                + " round "
                                + round,
                        whenRunning,
                        whenRunning != null);
        context.lastTopics = topics;
        JsonNode summary = Json.MAPPER.readTree(Files.readString(summaryFile));
        long delivered = 0;
        for (JsonNode endpoint : summary.path("endpoints")) {
            delivered += endpoint.path("delivered").asLong();
        }
        long routeDeliveries = 0;
        for (Route route : routing.routes()) {
            routeDeliveries +=
                    summary.path("routes").path(route.name()).path("true").asLong()
                            * route.endpointNames().size();
        }
        if (summary.path("messagesIn").asLong() != messages) {
            throw new IllegalStateException(
                    "hubroute read "
                            + summary.path("messagesIn").asLong()
                            + " messages, not "
                            + messages);
        }
        if (job.equals(HUBROUTE) && whenRunning == null) {
            context.fanOut.put(
                    key(routesFile, parallelism), delivered / (double) context.options.messages);
            context.routeDeliveries.put(
                    key(routesFile, parallelism),
                    routeDeliveries + summary.path("fallback").asLong());
        }
        return measured.run(job, routesFile, parallelism, round, messages, delivered);
    }

    // ---------------------------------------------------------------- latency

    /** End-to-end latency of one run at a steady input rate. */
    record Latency(
            String routes,
            int parallelism,
            double inputRate,
            long messages,
            long measured,
            double p50Millis,
            double p99Millis,
            double maxMillis) {}

    /**
     * hubroute's run fed live at {@code rate} messages per second for {@code seconds} (after it has
     * started) into a topic stamped by the broker: the latency of each output record is its append
     * time minus its input record's (matched by message id). The first 10 s are left out: they
     * measure the job's start, not its steady state.
     */
    private Latency latency(
            Context context, Path routesFile, RoutingConfig routing, int parallelism, double rate)
            throws Exception {
        int seconds = context.options.latencySeconds;
        long messages = Math.max(1, (long) (rate * seconds));
        String input = "live-" + (context.runNumber + 1);
        BenchTopics.createOutputs(context.kafka, List.of(input), ReplayBenchmarkData.PARTITIONS);
        ReplayBenchmarkData data =
                new ReplayBenchmarkData(
                        (int) messages, context.options.bodyBytes, System.currentTimeMillis());
        Runnable feed = () -> BenchTopics.feed(context.kafka, input, data, rate, err);
        out.println(
                String.format(
                        Locale.ROOT,
                        "latency: %,d messages at %,.0f/s into %s",
                        messages,
                        rate,
                        input));
        hubroute(
                context,
                routesFile,
                routing,
                parallelism,
                0,
                HUBROUTE,
                System.getProperty("java.class.path"),
                input,
                messages,
                feed);
        Map<String, Long> inputTimes = BenchTopics.appendTimesById(context.kafka, List.of(input));
        long firstInput = inputTimes.values().stream().mapToLong(Long::longValue).min().orElse(0);
        long lastInput = inputTimes.values().stream().mapToLong(Long::longValue).max().orElse(0);
        // the second half of the feed: the first is the job's start and its JIT warming up
        long from = firstInput + (lastInput - firstInput) / 2;
        List<Double> latencies = new ArrayList<>();
        BenchTopics.forEachAppended(
                context.kafka,
                context.lastTopics,
                (id, appended) -> {
                    Long in = inputTimes.get(id);
                    if (in != null && in >= from) {
                        latencies.add((double) (appended - in));
                    }
                });
        BenchTopics.delete(context.kafka, context.lastTopics);
        BenchTopics.delete(context.kafka, List.of(input));
        latencies.sort(null);
        if (latencies.isEmpty()) {
            throw new IllegalStateException("latency: no output record matched an input record");
        }
        return new Latency(
                routesFile.getFileName().toString(),
                parallelism,
                rate,
                messages,
                latencies.size(),
                RoutesBenchmark.percentile(latencies, 0.5),
                RoutesBenchmark.percentile(latencies, 0.99),
                latencies.get(latencies.size() - 1));
    }

    /**
     * The pass-through at the fan-out of the hubroute run before it, over as many topics as the
     * routes have endpoints: the broker gets as many partitions to append to, and batches as small.
     */
    private Run passThrough(
            Context context, Path routesFile, RoutingConfig routing, int parallelism, int round)
            throws Exception {
        double fanOut = context.fanOut.getOrDefault(key(routesFile, parallelism), 1.0);
        String prefix = context.prefix(PASS_THROUGH);
        Path dir = Files.createDirectories(context.runDir.resolve(prefix));
        int topicCount = Math.max((int) Math.ceil(fanOut), routing.allEndpoints().size());
        List<String> topics = new ArrayList<>();
        for (int topic = 0; topic < topicCount; topic++) {
            topics.add(prefix + topic);
        }
        BenchTopics.createOutputs(context.kafka, topics, ReplayBenchmarkData.PARTITIONS);
        List<String> command = java(context.options, System.getProperty("java.class.path"));
        command.addAll(
                List.of(
                        PassThroughJob.class.getName(),
                        context.kafka.bootstrapServers(),
                        INPUT_TOPIC,
                        prefix,
                        Double.toString(fanOut),
                        Integer.toString(topicCount),
                        Integer.toString(parallelism),
                        Long.toString(context.options.checkpointSeconds * 1000L),
                        dir.resolve("checkpoints").toUri().toString()));
        Measured measured =
                measure(
                        context,
                        command,
                        Map.of(),
                        dir,
                        topics,
                        PASS_THROUGH
                                + " x"
                                + String.format(Locale.ROOT, "%.2f", fanOut)
                                + " p"
                                + parallelism
                                + " round "
                                + round);
        Matcher wrote = PASS_THROUGH_LINE.matcher(measured.output);
        long expected = wrote.find() ? Long.parseLong(wrote.group(2)) : -1;
        return measured.run(
                PASS_THROUGH, routesFile, parallelism, round, context.options.messages, expected);
    }

    private Run sql(
            Context context, Path routesFile, RoutingConfig routing, int parallelism, int round)
            throws Exception {
        String prefix = context.prefix(SQL);
        Path dir = Files.createDirectories(context.runDir.resolve(prefix));
        List<String> topics = new ArrayList<>();
        for (Endpoint endpoint : routing.allEndpoints()) {
            topics.add(prefix + endpoint.name());
        }
        BenchTopics.createOutputs(context.kafka, topics, ReplayBenchmarkData.PARTITIONS);
        String classpath = Files.readString(context.sqlClasspath).trim();
        Path jar = context.sqlClasspath.getParent().resolve(SQL_JAR);
        List<String> command = java(context.options, jar + ":" + classpath);
        command.add("-Xss64m");
        command.addAll(
                List.of(
                        "io.hubroute.sqlbaseline.SqlBaselineJob",
                        "--bootstrap",
                        context.kafka.bootstrapServers(),
                        "--topic",
                        INPUT_TOPIC,
                        "--routes",
                        routesFile.toAbsolutePath().toString(),
                        "--twins",
                        context.twins.toString(),
                        "--output-prefix",
                        prefix,
                        "--parallelism",
                        Integer.toString(parallelism),
                        "--checkpoint-interval-ms",
                        Long.toString(context.options.checkpointSeconds * 1000L),
                        "--group-id",
                        prefix + "group"));
        Measured measured =
                measure(
                        context,
                        command,
                        Map.of(),
                        dir,
                        topics,
                        SQL
                                + " "
                                + routesFile.getFileName()
                                + " p"
                                + parallelism
                                + " round "
                                + round);
        // SQL cannot de-duplicate two routes to one endpoint: one record per matching route
        long expected = context.routeDeliveries.getOrDefault(key(routesFile, parallelism), -1L);
        return measured.run(
                SQL, routesFile, parallelism, round, context.options.messages, expected);
    }

    static final String SQL_JAR = "hubroute-sql-baseline-0.1.0-SNAPSHOT.jar";

    /**
     * The routes with every bench endpoint given a topic of the run ({@code prefix + name}), the
     * built-in events endpoint (the fallback's) too: {@code prefix + "events"}.
     */
    static String pointedAt(String yaml, String prefix) {
        Matcher endpoint = BENCH_ENDPOINT.matcher(yaml);
        StringBuilder pointed = new StringBuilder();
        while (endpoint.find()) {
            endpoint.appendReplacement(
                    pointed,
                    Matcher.quoteReplacement(
                            "{name: "
                                    + endpoint.group(1)
                                    + ", connectionString: '${env:BENCH_CONNECTION}', entityPath: "
                                    + prefix
                                    + endpoint.group(1)
                                    + "}"));
        }
        endpoint.appendTail(pointed);
        return "builtInEndpoint: {connectionString: '${env:BENCH_CONNECTION}', entityPath: "
                + prefix
                + "events}\n"
                + pointed;
    }

    private static List<String> java(BenchE2eCommand options, String classpath) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-Xmx" + options.heap);
        command.add("-cp");
        // the job runs in a folder of its own: relative entries would point nowhere
        List<String> entries = new ArrayList<>();
        for (String entry : classpath.split(java.io.File.pathSeparator)) {
            entries.add(Path.of(entry).toAbsolutePath().toString());
        }
        command.add(String.join(java.io.File.pathSeparator, entries));
        return command;
    }

    /** The sql-baseline module's classpath file, or null (and why, on err) when it is not built. */
    private Path sqlClasspath() {
        String home = System.getProperty("hubroute.home", ".");
        Path file = Path.of(home, "routing-job", "sql-baseline", "target", "runtime-classpath.txt");
        if (!Files.isRegularFile(file) || !Files.isRegularFile(file.getParent().resolve(SQL_JAR))) {
            err.println(
                    "hubroute bench-e2e: the Flink SQL job is not built ("
                            + file
                            + " is missing): run 'mvn -pl routing-job/sql-baseline -am package"
                            + " -DskipTests', or leave flink-sql out of --jobs");
            return null;
        }
        return file;
    }

    // ---------------------------------------------------------------- measuring one job

    /** A finished job process: its output, and the append window of its topics. */
    private record Measured(
            String output,
            BenchTopics.Appended appended,
            double jobCpuSeconds,
            double brokerCpuSeconds,
            double loadAverage) {
        Run run(
                String job,
                Path routes,
                int parallelism,
                int round,
                long inputRecords,
                long expectedOutputs) {
            return new Run(
                    job,
                    routes.getFileName().toString(),
                    parallelism,
                    round,
                    inputRecords,
                    appended.records(),
                    expectedOutputs,
                    appended.seconds(),
                    jobCpuSeconds,
                    brokerCpuSeconds,
                    loadAverage);
        }
    }

    private Measured measure(
            Context context,
            List<String> command,
            Map<String, String> environment,
            Path dir,
            List<String> topics,
            String name)
            throws Exception {
        return measure(context, command, environment, dir, topics, name, null, false);
    }

    /**
     * Runs a job process to its end and measures it; {@code whenRunning} (when not null) starts on
     * a thread of its own once the job prints its first progress line ("messages in"); the output
     * topics are deleted unless {@code keepTopics}.
     */
    private Measured measure(
            Context context,
            List<String> command,
            Map<String, String> environment,
            Path dir,
            List<String> topics,
            String name,
            Runnable whenRunning,
            boolean keepTopics)
            throws Exception {
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        out.println(name + ": starting");
        Path log = dir.resolve("job.log");
        ProcessBuilder builder =
                new ProcessBuilder(command)
                        .directory(dir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        long started = System.nanoTime();
        String output;
        Thread action = null;
        try (ProcessCpu cpu = ProcessCpu.of(process.pid())) {
            long lastPrint = started;
            while (!process.waitFor(1, TimeUnit.SECONDS)) {
                if (whenRunning != null
                        && action == null
                        && Files.readString(log, StandardCharsets.UTF_8).contains("messages in")) {
                    action = new Thread(whenRunning, "hubroute-bench-when-running");
                    action.setDaemon(true);
                    action.start();
                }
                if (System.nanoTime() - started > TimeUnit.MINUTES.toNanos(RUN_TIMEOUT_MINUTES)) {
                    process.destroyForcibly();
                    throw new IllegalStateException(
                            name
                                    + ": still running after "
                                    + RUN_TIMEOUT_MINUTES
                                    + " minutes; its log: "
                                    + log);
                }
                if (System.nanoTime() - lastPrint >= TimeUnit.SECONDS.toNanos(10)) {
                    lastPrint = System.nanoTime();
                    out.println(
                            String.format(
                                    Locale.ROOT,
                                    "  %s: %.0f s, %,d records out so far",
                                    name,
                                    (lastPrint - started) / 1e9,
                                    BenchTopics.records(context.kafka, topics)));
                }
            }
            output = Files.readString(log, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IllegalStateException(
                        name
                                + ": the job exited with "
                                + process.exitValue()
                                + "; its last lines:\n"
                                + tail(output, 30));
            }
            BenchTopics.Appended appended = BenchTopics.appended(context.kafka, topics);
            double jobCpu = cpu.secondsBetween(appended.firstMillis(), appended.lastMillis());
            double brokerCpu =
                    context.broker.secondsBetween(appended.firstMillis(), appended.lastMillis());
            if (action != null) {
                action.join(TimeUnit.MINUTES.toMillis(1));
            }
            if (!keepTopics) {
                BenchTopics.delete(context.kafka, topics);
            }
            delete(dir.resolve("work"));
            delete(dir.resolve("checkpoints"));
            return new Measured(output, appended, jobCpu, brokerCpu, load);
        }
    }

    private static String tail(String text, int lines) {
        String[] all = text.split("\n");
        return String.join("\n", List.of(all).subList(Math.max(0, all.length - lines), all.length));
    }

    static String line(Run run) {
        return String.format(
                Locale.ROOT,
                "  %s %s p%d round %d: %,.0f records/s, %.0f CPU µs/record (broker %.2f cores),"
                        + " %,d records out%s",
                run.job(),
                run.routes(),
                run.parallelism(),
                run.round(),
                run.recordsPerSecond(),
                run.jobMicrosPerRecord(),
                run.brokerCores(),
                run.outputRecords(),
                run.correct() ? " (as expected)" : " MISCOUNT: expected " + run.expectedOutputs());
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
