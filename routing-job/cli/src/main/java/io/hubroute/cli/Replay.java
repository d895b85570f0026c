package io.hubroute.cli;

import io.hubroute.checkpoints.InvalidSavepointException;
import io.hubroute.checkpoints.TwinExporter;
import io.hubroute.config.ConfigProblem;
import io.hubroute.config.Endpoint;
import io.hubroute.config.JobConfig;
import io.hubroute.config.JobConfigException;
import io.hubroute.config.RoutingConfig;
import io.hubroute.config.RoutingConfigLoader;
import io.hubroute.config.Secret;
import io.hubroute.config.SecretLookup;
import io.hubroute.job.DiagnosticsSinks;
import io.hubroute.job.EndpointSinks;
import io.hubroute.job.JobMetrics;
import io.hubroute.job.KafkaRecords;
import io.hubroute.job.RecordSource;
import io.hubroute.job.RoutesFileRouter;
import io.hubroute.job.RoutingJob;
import io.hubroute.job.TwinExport;
import io.hubroute.job.archive.ArchiveBlob;
import io.hubroute.job.archive.ArchiveFormat;
import io.hubroute.job.archive.ArchiveSelection;
import io.hubroute.job.archive.ArchiveSource;
import io.hubroute.job.archive.ArchiveStore;
import io.hubroute.job.replay.ReplayJob;
import io.hubroute.replay.ReplayReport;
import io.hubroute.replay.ReplayReportHtml;
import io.hubroute.replay.ReplayReportTable;
import io.hubroute.sink.RoutedMessage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * What {@code hubroute replay} does once its options are checked: reads the route files, finds what
 * the range holds, builds the dry run's {@link ReplayJob} or, with {@code --deliver}, the routing
 * job on a bounded source, runs it in a local MiniCluster or on {@code --jobmanager}, shows
 * progress, and prints the report or the summary.
 */
final class Replay {
    private static final int DEFAULT_PARALLELISM = 2;

    private final PrintStream out;
    private final PrintStream err;

    Replay(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** Whether {@code --blobs} names a local folder (else a connection string reference). */
    static boolean isLocalFolder(String blobs) {
        return !isReference(blobs) && Files.isDirectory(Path.of(blobs));
    }

    static boolean isReference(String blobs) {
        return Secret.isReference(blobs);
    }

    int run(ReplayCommand options) throws Exception {
        RoutingConfigLoader loader =
                options.deliver
                        ? RoutingConfigLoader.resolvingSecrets(SecretLookup.system())
                        : RoutingConfigLoader.withoutSecrets();
        RoutingConfigLoader.Result candidate = loader.load(options.routesFile);
        if (!candidate.isValid()) {
            printProblems(candidate.problems());
            return 1;
        }
        RoutingConfig routing = candidate.orThrow();
        String candidateYaml = Files.readString(options.routesFile, StandardCharsets.UTF_8);
        RoutesFileRouter candidateRouter =
                RoutesFileRouter.factory(candidateYaml, options.routesFile.toString());
        RoutesFileRouter baselineRouter;
        if (options.baselineFile != null) {
            RoutingConfigLoader.Result baseline =
                    RoutingConfigLoader.withoutSecrets().load(options.baselineFile);
            if (!baseline.isValid()) {
                printProblems(baseline.problems());
                return 1;
            }
            baselineRouter =
                    RoutesFileRouter.factory(
                            Files.readString(options.baselineFile, StandardCharsets.UTF_8),
                            options.baselineFile.toString());
        } else {
            baselineRouter =
                    RoutesFileRouter.factory(
                            "hubName: " + routing.hubName() + "\nroutes: []\n",
                            "(no routes: the fallback route only)");
        }
        if (options.endpoints != null) {
            List<String> known = new ArrayList<>();
            routing.allEndpoints().forEach(endpoint -> known.add(endpoint.name()));
            for (String endpoint : options.endpoints) {
                if (!known.contains(endpoint)) {
                    err.println(
                            "hubroute replay: --endpoints "
                                    + endpoint
                                    + ": no such endpoint in "
                                    + options.routesFile
                                    + "; its endpoints are "
                                    + String.join(", ", known));
                    return 2;
                }
            }
        }

        JobConfig config;
        try {
            config =
                    options.configFile == null
                            ? JobConfig.defaults()
                            : JobConfig.load(options.configFile);
        } catch (JobConfigException e) {
            err.println(e.getMessage());
            return 1;
        }
        int parallelism =
                options.parallelism != null
                        ? options.parallelism
                        : options.configFile != null ? config.parallelism() : DEFAULT_PARALLELISM;

        Input input;
        try {
            input = options.blobs != null ? archiveInput(options) : kafkaInput(options, config);
        } catch (IllegalArgumentException | IOException e) {
            err.println("hubroute replay: " + e.getMessage());
            return 1;
        }
        if (input == null) {
            return 1;
        }
        out.println("hubroute replay: " + input.description());

        Map<String, byte[]> twins = Map.of();
        if (options.twins != null) {
            try {
                twins = TwinExport.read(options.twins);
            } catch (IOException | IllegalArgumentException e) {
                err.println("hubroute replay: --twins " + e.getMessage());
                return 1;
            }
            out.println("  twins at the start: " + twins.size() + " from " + options.twins);
        } else if (options.twinsFromSavepoint != null) {
            try {
                twins = TwinExporter.read(options.twinsFromSavepoint);
            } catch (InvalidSavepointException e) {
                err.println("hubroute replay: --twins-from-savepoint " + e.getMessage());
                return 1;
            }
            out.println(
                    "  twins at the start: "
                            + twins.size()
                            + " from savepoint "
                            + options.twinsFromSavepoint);
        }

        Path workDir = Files.createDirectories(options.workDir.toAbsolutePath());
        Path runDir = Files.createTempDirectory(workDir, options.deliver ? "deliver-" : "dry-run-");
        if (options.deliver) {
            return deliver(options, routing, candidateRouter, config, input, twins, runDir);
        }
        return dryRun(options, baselineRouter, candidateRouter, input, twins, parallelism);
    }

    private int dryRun(
            ReplayCommand options,
            RoutesFileRouter baseline,
            RoutesFileRouter candidate,
            Input input,
            Map<String, byte[]> twins,
            int parallelism)
            throws Exception {
        StreamExecutionEnvironment env = environment(options, parallelism, new Configuration());
        ReplayJob.builder()
                .setRecords(input.source())
                .setBaseline(baseline)
                .setCandidate(candidate)
                .setExportedTwins(twins)
                .setSamples(options.samples)
                .build()
                .addTo(env);
        JobExecutionResult result = execute(env, "hubroute replay (dry run)", input, options);
        ReplayReport report = ReplayJob.tally(result).report(input.description());
        long millis = Math.max(1, result.getNetRuntime());
        out.println(
                String.format(
                        "replay: read %,d messages in %.1f s (%,.0f/s), changed %,d",
                        report.messages(),
                        millis / 1000.0,
                        report.messages() * 1000.0 / millis,
                        report.changedMessages()));
        out.println();
        out.print(ReplayReportTable.render(report));
        if (options.report != null) {
            Files.writeString(options.report, report.toJson(), StandardCharsets.UTF_8);
            out.println("report written to " + options.report);
        }
        if (options.html != null) {
            Files.writeString(
                    options.html, ReplayReportHtml.render(report), StandardCharsets.UTF_8);
            out.println("page written to " + options.html);
        }
        return 0;
    }

    private int deliver(
            ReplayCommand options,
            RoutingConfig routing,
            RoutesFileRouter candidate,
            JobConfig jobConfig,
            Input input,
            Map<String, byte[]> twins,
            Path runDir)
            throws Exception {
        JobConfig config = jobConfig;
        if (config.checkpointing().directory() == null) {
            config =
                    config.withCheckpointing(
                            config.checkpointing()
                                    .withDirectory(
                                            runDir.resolve("checkpoints").toUri().toString()));
        }
        if (config.diagnostics().directory() == null && config.diagnostics().topic() == null) {
            config = config.withDiagnosticsDirectory(runDir.resolve("diagnostics").toString());
        }
        List<String> conflicts = config.conflictsWith(routing);
        if (!conflicts.isEmpty()) {
            conflicts.forEach(conflict -> err.println("hubroute replay: " + conflict));
            return 1;
        }
        JobConfig diagnosed = config;
        Map<String, Sink<RoutedMessage>> sinks;
        try {
            sinks =
                    EndpointSinks.forAllEndpoints(
                            routing,
                            endpoint -> DiagnosticsSinks.undeliverable(diagnosed, endpoint));
        } catch (IllegalArgumentException e) {
            err.println("hubroute replay: " + e.getMessage());
            return 1;
        }
        if (options.twins != null) {
            config = config.withTwinExportFile(options.twins.toAbsolutePath().toString());
        } else if (options.twinsFromSavepoint != null) {
            // the job reads its twins from a device export file: the savepoint's, written out
            Path export = runDir.resolve("twins-from-savepoint.jsonl");
            try (java.io.Writer writer = Files.newBufferedWriter(export)) {
                TwinExporter.write(twins, writer);
            }
            config = config.withTwinExportFile(export.toString());
        }
        int parallelism =
                options.parallelism != null
                        ? options.parallelism
                        : options.configFile != null ? config.parallelism() : DEFAULT_PARALLELISM;
        config = config.withParallelism(parallelism);
        RoutingJob.Builder job =
                RoutingJob.builder()
                        .setJobConfig(config)
                        .setRecordSource(input.source())
                        .setRouterFactory(candidate)
                        .setDiagnosticsSink(DiagnosticsSinks.forConfig(config))
                        .dropDeliveriesWithoutSink();
        Map<String, String> outputs = new LinkedHashMap<>();
        outputs.put(
                "(invalid records)",
                config.diagnostics().topic() != null
                        ? "kafka topic " + config.diagnostics().topic()
                        : config.diagnostics().directory());
        out.println("  delivering to:");
        for (Endpoint endpoint : routing.allEndpoints()) {
            if (options.endpoints == null || options.endpoints.contains(endpoint.name())) {
                job.addEndpointSink(endpoint.name(), sinks.get(endpoint.name()));
                outputs.put(endpoint.name(), EndpointSinks.describe(endpoint));
                out.println("    " + endpoint.name() + " -> " + EndpointSinks.describe(endpoint));
            } else {
                outputs.put(endpoint.name(), "(not delivered: not in --endpoints)");
            }
        }
        StreamExecutionEnvironment env =
                environment(options, parallelism, RoutingJob.flinkConfiguration(config));
        job.build().addTo(env);
        execute(env, "hubroute replay (deliver)", input, options);
        if (options.jobManager == null) {
            out.println();
            out.print(LocalRun.summaryTable(LiveCounters.snapshot(), routing, outputs));
        }
        return 0;
    }

    /** A local MiniCluster (counters in this JVM), or the cluster of {@code --jobmanager}. */
    private StreamExecutionEnvironment environment(
            ReplayCommand options, int parallelism, Configuration flink) throws IOException {
        // a failed task restarts the bounded job from its start; a few times, then it fails
        flink.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        flink.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        flink.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(1));
        if (options.jobManager != null) {
            Path jar = options.jar != null ? options.jar : JobSubmitter.defaultJar();
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.createRemoteEnvironment(
                            options.jobManager.rest().getHost(),
                            options.jobManager.rest().getPort(),
                            flink,
                            jar.toString());
            env.setParallelism(parallelism);
            return env;
        }
        LiveCounters.reset();
        LiveCounters.enable(flink);
        LocalCluster.of(null, null).applyTo(flink);
        return StreamExecutionEnvironment.createLocalEnvironment(parallelism, flink);
    }

    /** Runs the bounded job to its end, printing progress every 2 s when it runs locally. */
    private JobExecutionResult execute(
            StreamExecutionEnvironment env, String name, Input input, ReplayCommand options)
            throws Exception {
        JobClient client = env.executeAsync(name);
        out.println("hubroute replay: job " + client.getJobID() + " started");
        long started = System.nanoTime();
        long lastPrint = started;
        // the local cluster shuts down with the job: wait on the result, not on the status
        CompletableFuture<JobExecutionResult> result = client.getJobExecutionResult();
        while (!result.isDone()) {
            TimeUnit.MILLISECONDS.sleep(250);
            if (System.nanoTime() - lastPrint >= TimeUnit.SECONDS.toNanos(2)) {
                out.println(progress(input, started, options, client));
                lastPrint = System.nanoTime();
            }
        }
        try {
            JobExecutionResult finished = result.get();
            if (options.deliver) {
                out.println(progress(input, started, options, client));
            }
            return finished;
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "the replay job failed: " + rootCause(e).getMessage(), rootCause(e));
        }
    }

    private static Throwable rootCause(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** {@code read 12,345 of ~100,000 records (12%), 8,000/s, ETA 0:11, changed 321}. */
    private static String progress(
            Input input, long startedNanos, ReplayCommand options, JobClient client) {
        double seconds = Math.max(0.001, (System.nanoTime() - startedNanos) / 1e9);
        long read;
        long changed;
        long bytes = -1;
        if (options.jobManager != null) {
            // the cluster's metrics and accumulators, as its web UI shows them (every 10 s)
            ClusterProgress cluster =
                    ClusterProgress.read(options.jobManager.rest(), client.getJobID().toString());
            read = cluster.routed();
            changed = cluster.changed();
        } else {
            read =
                    options.deliver
                            ? LiveCounters.get(JobMetrics.INGRESS)
                            : LiveCounters.get(ReplayJob.RECORDS_METRIC);
            changed = LiveCounters.get(ReplayJob.CHANGED_METRIC);
            bytes = LiveCounters.get("replay.archive.bytes");
        }
        double rate = read / seconds;
        StringBuilder line = new StringBuilder("replay: read ").append(String.format("%,d", read));
        if (input.estimatedRecords() > 0) {
            long total = input.estimatedRecords();
            line.append(
                    String.format(
                            " of ~%,d records (%d%%)", total, Math.min(100, read * 100 / total)));
            if (rate > 0 && read < total) {
                long eta = (long) ((total - read) / rate);
                line.append(String.format(", ETA %d:%02d", eta / 60, eta % 60));
            }
        } else if (input.estimatedBytes() > 0 && bytes >= 0) {
            double share = (double) bytes / input.estimatedBytes();
            line.append(
                    String.format(
                            " records, %,d of %,d bytes (%d%%)",
                            bytes, input.estimatedBytes(), Math.min(100, Math.round(share * 100))));
            if (share > 0 && share < 1) {
                long eta = (long) (seconds / share - seconds);
                line.append(String.format(", ETA %d:%02d", eta / 60, eta % 60));
            }
        } else {
            line.append(" records");
        }
        line.append(String.format(", %,.0f/s", rate));
        if (!options.deliver) {
            line.append(String.format(", changed %,d", changed));
        }
        if (options.jobManager != null) {
            line.append(" (on ").append(options.jobManager.address()).append(')');
        }
        return line.toString();
    }

    private Input kafkaInput(ReplayCommand options, JobConfig config) {
        if (config.source() == null) {
            err.println(
                    "hubroute replay: "
                            + options.configFile
                            + " has no source section: add one (docs/job-config.md), or replay an"
                            + " archive with --blobs");
            return null;
        }
        KafkaRange range = KafkaRange.measure(config.source(), options.start, options.end);
        List<KafkaRange.Partition> gone = range.notRetained(options.start);
        if (!gone.isEmpty()) {
            StringBuilder message =
                    new StringBuilder("hubroute replay: --start ")
                            .append(options.start)
                            .append(" is before what the topic retains:");
            for (KafkaRange.Partition partition : gone) {
                message.append("\n  ")
                        .append(partition.partition())
                        .append(" starts at ")
                        .append(Instant.ofEpochMilli(partition.earliestMillis()));
            }
            message.append(
                    "\n  give a --start at or after those times, or replay the older part from the"
                            + " blob archive (--blobs)");
            err.println(message);
            return null;
        }
        String group = "hubroute-replay-" + UUID.randomUUID();
        return new Input(
                KafkaRecords.range(config.source(), options.start, options.end, group),
                "topic "
                        + config.source().topics()
                        + " on "
                        + config.source().bootstrapServers()
                        + range(options)
                        + String.format(", ~%,d records", range.records()),
                range.records(),
                0);
    }

    private Input archiveInput(ReplayCommand options) throws IOException {
        ArchiveFormat format = ArchiveFormat.fromName(options.format);
        ArchiveStore store;
        String where;
        if (isLocalFolder(options.blobs)) {
            store = ArchiveStore.localFolder(Path.of(options.blobs));
            where = "folder " + options.blobs;
        } else {
            Secret reference = Secret.unresolved(options.blobs);
            Secret connection =
                    SecretLookup.system()
                            .resolve(reference, Path.of("."))
                            .orElseThrow(
                                    () ->
                                            new IllegalArgumentException(
                                                    "--blobs "
                                                            + options.blobs
                                                            + " is not set (or the file is empty):"
                                                            + " set it to the storage account's"
                                                            + " connection string"));
            store = ArchiveStore.azureBlob(connection, options.container);
            where = "container " + options.container + " (" + options.blobs + ")";
        }
        ArchiveSelection selection =
                ArchiveSelection.of(options.fileNameFormat, options.start, options.end);
        List<ArchiveBlob> blobs = ArchiveSource.select(store, selection, options.prefix);
        long bytes = blobs.stream().mapToLong(ArchiveBlob::sizeBytes).sum();
        RecordSource source = env -> ArchiveSource.addTo(env, store, format, selection, blobs);
        return new Input(
                source,
                format.commandLineName()
                        + " blobs in "
                        + where
                        + (options.prefix == null ? "" : " under " + options.prefix)
                        + range(options)
                        + String.format(", %,d blobs, %,d bytes", blobs.size(), bytes),
                0,
                bytes);
    }

    private static String range(ReplayCommand options) {
        if (options.start == null && options.end == null) {
            return ", everything retained";
        }
        return ", "
                + (options.start == null ? "the start" : options.start.toString())
                + " to "
                + (options.end == null ? "the end" : options.end.toString());
    }

    private void printProblems(List<ConfigProblem> problems) {
        problems.forEach(err::println);
    }

    /**
     * What a replay reads.
     *
     * @param estimatedRecords from offsets (a topic), or 0
     * @param estimatedBytes from blob sizes (an archive), or 0
     */
    private record Input(
            RecordSource source, String description, long estimatedRecords, long estimatedBytes) {}
}
