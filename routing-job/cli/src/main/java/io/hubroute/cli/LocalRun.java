package io.hubroute.cli;

import io.hubroute.config.ConfigProblem;
import io.hubroute.config.Endpoint;
import io.hubroute.config.EndpointKind;
import io.hubroute.config.JobConfig;
import io.hubroute.config.Route;
import io.hubroute.config.RoutingConfig;
import io.hubroute.config.RoutingConfigLoader;
import io.hubroute.config.Secret;
import io.hubroute.config.SecretLookup;
import io.hubroute.config.SourceOptions;
import io.hubroute.demo.EventsTopicSink;
import io.hubroute.demo.SimulatedFleet;
import io.hubroute.embedded.EmbeddedAmqpBroker;
import io.hubroute.embedded.EmbeddedKafkaBroker;
import io.hubroute.job.DiagnosticsFileSink;
import io.hubroute.job.DiagnosticsSinks;
import io.hubroute.job.EndpointSinks;
import io.hubroute.job.JobMetrics;
import io.hubroute.job.RoutesFileRouter;
import io.hubroute.job.RoutingJob;
import io.hubroute.sink.RoutedMessage;
import io.hubroute.sink.amqp.ServiceBusEntityKind;
import io.hubroute.sink.amqp.ServiceBusSink;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * What {@code hubroute run} does: the routing job in a local Flink MiniCluster. With no arguments,
 * IoT Hub's routing tutorial on this machine: an embedded Kafka holds the device-to-cloud stream, a
 * simulated fleet feeds it, the storage endpoint writes IoT Hub's files with the real storage sink
 * to a folder of the work directory (or to its real container when its connection string resolves,
 * e.g. Azurite or Azure), the queue endpoint to an embedded AMQP broker, the events endpoint to a
 * Kafka topic. With a job.yaml that has a {@code source}, the real job: that stream, and every
 * endpoint's real sink built by {@link EndpointSinks} from the routes file's resolved connection
 * strings.
 *
 * <p>Only {@link RunCommand#call()} uses this class, so the other commands never load Flink.
 */
final class LocalRun {
    private static final String D2C_TOPIC = "d2c";

    private final PrintStream out;
    private final PrintStream err;

    LocalRun(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /**
     * Runs the job and prints its summary.
     *
     * @param configFile job.yaml, or null for the embedded demo's settings
     * @param messagesOrNull stop after this many messages in (0: until Ctrl-C); null for the
     *     default: 2000 for the demo, until Ctrl-C with a job.yaml source
     * @param summaryJson where to write the summary as JSON, or null
     * @return the exit code
     */
    int run(
            Path routesFile,
            Path configFile,
            Long messagesOrNull,
            Path workDir,
            Path summaryJson,
            LocalCluster cluster)
            throws Exception {
        long messages = messagesOrNull == null ? 2000 : messagesOrNull;
        boolean messagesGiven = messagesOrNull != null;
        if (!Files.isRegularFile(routesFile)) {
            err.println(
                    "hubroute run: no routes file at "
                            + routesFile.toAbsolutePath()
                            + " (run from the repository root, or pass --routes FILE)");
            return 1;
        }
        String routesYaml = Files.readString(routesFile, StandardCharsets.UTF_8);
        RoutingConfig routing = RoutesFileRouter.parse(routesYaml, routesFile.toString());
        JobConfig jobConfig =
                configFile == null ? JobConfig.defaults() : JobConfig.load(configFile);
        List<String> conflicts = jobConfig.conflictsWith(routing);
        if (!conflicts.isEmpty()) {
            for (String conflict : conflicts) {
                err.println(
                        "hubroute run: "
                                + (configFile == null ? "" : configFile + ": ")
                                + conflict);
            }
            return 1;
        }
        workDir = workDir.toAbsolutePath();
        Files.createDirectories(workDir);
        Path runDir = Files.createTempDirectory(workDir, "run-");
        out.println("hubroute run: routes " + routesFile + ", work dir " + runDir);
        if (jobConfig.source() != null) {
            return runWithEndpoints(
                    routesFile,
                    routesYaml,
                    jobConfig,
                    messagesGiven ? messages : 0,
                    runDir,
                    summaryJson,
                    cluster,
                    out,
                    err);
        }

        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(runDir.resolve("kafka"));
                EmbeddedAmqpBroker amqp = EmbeddedAmqpBroker.start(runDir.resolve("amqp"))) {
            Map<String, String> outputs = new LinkedHashMap<>();
            kafka.createTopics(2, D2C_TOPIC);
            JobConfig config =
                    jobConfig
                            .withSource(
                                    SourceOptions.kafka(
                                            kafka.bootstrapServers(), List.of(D2C_TOPIC)))
                            .withCheckpointing(
                                    jobConfig
                                            .checkpointing()
                                            .withInterval(
                                                    configFile == null
                                                            ? Duration.ofSeconds(2)
                                                            : jobConfig.checkpointing().interval())
                                            .withDirectory(
                                                    runDir.resolve("checkpoints")
                                                            .toUri()
                                                            .toString()));
            RoutingJob.Builder job =
                    RoutingJob.builder()
                            .setJobConfig(config)
                            .setRouterFactory(
                                    RoutesFileRouter.factory(routesYaml, routesFile.toString()))
                            .setDiagnosticsSink(
                                    new DiagnosticsFileSink(runDir.resolve("diagnostics")));
            outputs.put("(invalid records)", runDir.resolve("diagnostics").toString());
            for (Endpoint endpoint : routing.allEndpoints()) {
                String target =
                        endpoint.entityPath() != null ? endpoint.entityPath() : endpoint.name();
                Optional<Endpoint> configuredStorage =
                        endpoint.kind() == EndpointKind.STORAGE_CONTAINER
                                ? configuredStorage(endpoint, routesFile)
                                : Optional.empty();
                if (configuredStorage.isPresent()) {
                    job.addEndpointSink(
                            endpoint.name(),
                            EndpointSinks.forEndpoint(configuredStorage.get(), routing.hubName()));
                    outputs.put(endpoint.name(), EndpointSinks.describe(configuredStorage.get()));
                } else if (endpoint.kind() == EndpointKind.STORAGE_CONTAINER) {
                    // IoT Hub's files, written by the real storage sink to the work directory
                    Endpoint local = inWorkDirectory(endpoint, runDir.resolve("storage"));
                    job.addEndpointSink(
                            endpoint.name(), EndpointSinks.forEndpoint(local, routing.hubName()));
                    outputs.put(endpoint.name(), EndpointSinks.describe(local));
                } else if (endpoint.kind() == EndpointKind.SERVICE_BUS_QUEUE
                        || endpoint.kind() == EndpointKind.SERVICE_BUS_TOPIC) {
                    job.addEndpointSink(
                            endpoint.name(),
                            ServiceBusSink.builder()
                                    .setEndpointName(endpoint.name())
                                    .setAmqpUri(amqp.amqpUri())
                                    .setEntityPath(target)
                                    .setKind(
                                            endpoint.kind() == EndpointKind.SERVICE_BUS_QUEUE
                                                    ? ServiceBusEntityKind.QUEUE
                                                    : ServiceBusEntityKind.TOPIC)
                                    .build());
                    outputs.put(endpoint.name(), amqp.amqpUri() + " queue " + target);
                } else {
                    kafka.createTopics(2, target);
                    job.addEndpointSink(
                            endpoint.name(),
                            EventsTopicSink.create(kafka.bootstrapServers(), target));
                    outputs.put(
                            endpoint.name(),
                            "kafka " + kafka.bootstrapServers() + " topic " + target);
                }
            }

            Configuration flink = RoutingJob.flinkConfiguration(config);
            LiveCounters.reset();
            LiveCounters.enable(flink);
            flink.setString("heartbeat.interval", "2000");
            cluster.applyTo(flink);
            cluster.describe(out, err);
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.createLocalEnvironment(config.parallelism(), flink);
            job.build().addTo(env);

            try (SimulatedFleet fleet =
                    SimulatedFleet.builder(kafka.bootstrapServers(), D2C_TOPIC)
                            .maxRecords(messages)
                            .build()) {
                JobClient client = env.executeAsync("hubroute " + routing.hubName());
                fleet.start();
                monitorAndStop(
                        client,
                        routing,
                        messages,
                        () -> {
                            if (fleet.failure() != null) {
                                throw new IllegalStateException(
                                        "the simulated fleet failed: " + fleet.failure());
                            }
                            return fleet.isFinished();
                        },
                        runDir,
                        out);
            }
            Map<String, Long> counters = LiveCounters.snapshot();
            out.println();
            out.print(summaryTable(counters, routing, outputs));
            if (summaryJson != null) {
                Files.writeString(
                        summaryJson,
                        summaryJson(counters, routing, outputs),
                        StandardCharsets.UTF_8);
                out.println("summary written to " + summaryJson);
            }
        }
        return 0;
    }

    /**
     * The real job: the job.yaml source, the routes file's secrets resolved from the environment
     * and files, and every endpoint's real sink.
     */
    private static int runWithEndpoints(
            Path routesFile,
            String routesYaml,
            JobConfig jobConfig,
            long messages,
            Path runDir,
            Path summaryJson,
            LocalCluster cluster,
            PrintStream out,
            PrintStream err)
            throws Exception {
        RoutingConfigLoader.Result loaded =
                RoutingConfigLoader.resolvingSecrets(SecretLookup.system()).load(routesFile);
        if (!loaded.isValid()) {
            for (ConfigProblem problem : loaded.problems()) {
                err.println(problem);
            }
            return 1;
        }
        RoutingConfig routing = loaded.orThrow();
        Map<String, Sink<RoutedMessage>> sinks;
        try {
            // undeliverable messages go where diagnostics go: run's default is a folder
            JobConfig diagnosed =
                    jobConfig.diagnostics().directory() == null
                                    && jobConfig.diagnostics().topic() == null
                            ? jobConfig.withDiagnosticsDirectory(
                                    runDir.resolve("diagnostics").toString())
                            : jobConfig;
            sinks =
                    EndpointSinks.forAllEndpoints(
                            routing,
                            endpoint -> DiagnosticsSinks.undeliverable(diagnosed, endpoint));
        } catch (IllegalArgumentException e) {
            err.println("hubroute run: " + e.getMessage());
            return 1;
        }
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
        RoutingJob.Builder job =
                RoutingJob.builder()
                        .setJobConfig(config)
                        .setRouterFactory(
                                RoutesFileRouter.factory(routesYaml, routesFile.toString()))
                        .setDiagnosticsSink(DiagnosticsSinks.forConfig(config));
        Map<String, String> outputs = new LinkedHashMap<>();
        outputs.put(
                "(invalid records)",
                config.diagnostics().topic() != null
                        ? "kafka topic " + config.diagnostics().topic()
                        : config.diagnostics().directory());
        for (Endpoint endpoint : routing.allEndpoints()) {
            job.addEndpointSink(endpoint.name(), sinks.get(endpoint.name()));
            outputs.put(endpoint.name(), EndpointSinks.describe(endpoint));
            out.println("  " + endpoint.name() + " -> " + EndpointSinks.describe(endpoint));
        }
        Configuration flink = RoutingJob.flinkConfiguration(config);
        LiveCounters.reset();
        LiveCounters.enable(flink);
        cluster.applyTo(flink);
        cluster.describe(out, err);
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(config.parallelism(), flink);
        job.build().addTo(env);
        JobClient client = env.executeAsync("hubroute " + routing.hubName());
        if (messages == 0) {
            // Ctrl-C: stop with a final savepoint so that blobs and transactions are committed.
            Runtime.getRuntime()
                    .addShutdownHook(
                            new Thread(() -> stopQuietly(client, runDir, err), "hubroute-stop"));
        }
        if (config.routes().watch()) {
            watch(routesFile, config, out, err);
        }
        monitorAndStop(client, routing, messages, () -> true, runDir, out);
        Map<String, Long> counters = LiveCounters.snapshot();
        out.println();
        out.print(summaryTable(counters, routing, outputs));
        if (summaryJson != null) {
            Files.writeString(
                    summaryJson, summaryJson(counters, routing, outputs), StandardCharsets.UTF_8);
            out.println("summary written to " + summaryJson);
        }
        return 0;
    }

    /**
     * {@code routes.watch}: publishes the routes file as a new version whenever it is saved (its
     * problems are printed instead, and nothing is published), as {@code hubroute routes push}.
     */
    private static void watch(Path routesFile, JobConfig config, PrintStream out, PrintStream err) {
        out.println(
                "hubroute run: watching "
                        + routesFile
                        + "; saving it publishes a new version to "
                        + config.routes().controlTopic());
        Thread watcher =
                new Thread(
                        () -> {
                            long seen = modified(routesFile);
                            while (true) {
                                try {
                                    Thread.sleep(500);
                                    long now = modified(routesFile);
                                    if (now == seen) {
                                        continue;
                                    }
                                    seen = now;
                                    RoutingConfigLoader.Result loaded =
                                            RoutingConfigLoader.withoutSecrets().load(routesFile);
                                    if (!loaded.isValid()) {
                                        loaded.problems().forEach(err::println);
                                        err.println(
                                                "hubroute run: "
                                                        + routesFile
                                                        + " has problems; the running version stays");
                                        continue;
                                    }
                                    new RouteVersions(config, out, err)
                                            .push(
                                                    routesFile,
                                                    loaded.orThrow(),
                                                    Duration.ofSeconds(10));
                                } catch (InterruptedException e) {
                                    return;
                                } catch (Exception e) {
                                    err.println(
                                            "hubroute run: could not publish "
                                                    + routesFile
                                                    + ": "
                                                    + e.getMessage());
                                }
                            }
                        },
                        "hubroute-routes-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    private static long modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis();
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    /**
     * The storage endpoint with a folder of the work directory as its file system: the demo writes
     * the files IoT Hub would write (same encoding, schema, names and batching) without an account.
     */
    private static Endpoint inWorkDirectory(Endpoint endpoint, Path folder) {
        return endpoint.withConnectionString(Secret.inline(folder.toUri().toString()));
    }

    /**
     * The storage endpoint with its connection string resolved, when it resolves (the demo then
     * writes there).
     */
    private static Optional<Endpoint> configuredStorage(Endpoint endpoint, Path routesFile) {
        Secret connection = endpoint.connectionString();
        if (connection == null) {
            return Optional.empty();
        }
        Path directory = routesFile.toAbsolutePath().getParent();
        return SecretLookup.system()
                .resolve(connection, directory)
                .map(endpoint::withConnectionString);
    }

    /**
     * Prints progress every 2 s until {@code messages} (0: never) have come in and {@code
     * inputDone} says the input is complete, then stops the job with a final savepoint: sinks
     * commit everything routed before the job ends.
     */
    private static void monitorAndStop(
            JobClient client,
            RoutingConfig routing,
            long messages,
            BooleanSupplier inputDone,
            Path runDir,
            PrintStream out)
            throws Exception {
        long lastPrint = 0;
        while (true) {
            TimeUnit.MILLISECONDS.sleep(250);
            long messagesIn = LiveCounters.get(JobMetrics.INGRESS);
            long now = System.currentTimeMillis();
            if (now - lastPrint >= 2000) {
                out.println(progress(messagesIn, routing));
                lastPrint = now;
            }
            boolean done = inputDone.getAsBoolean();
            if (client.getJobStatus().get().isGloballyTerminalState()) {
                throw new IllegalStateException("the job stopped: " + client.getJobStatus().get());
            }
            if (messages > 0 && done && messagesIn >= messages) {
                break;
            }
        }
        client.stopWithSavepoint(
                        true,
                        runDir.resolve("savepoints").toUri().toString(),
                        SavepointFormatType.CANONICAL)
                .get(2, TimeUnit.MINUTES);
        client.getJobExecutionResult().get(2, TimeUnit.MINUTES);
    }

    private static void stopQuietly(JobClient client, Path runDir, PrintStream err) {
        try {
            if (!client.getJobStatus().get(5, TimeUnit.SECONDS).isGloballyTerminalState()) {
                client.stopWithSavepoint(
                                true,
                                runDir.resolve("savepoints").toUri().toString(),
                                SavepointFormatType.CANONICAL)
                        .get(1, TimeUnit.MINUTES);
            }
        } catch (Exception e) {
            err.println(
                    "hubroute run: could not stop with a final savepoint ("
                            + e.getClass().getSimpleName()
                            + "); routed messages since the last checkpoint are read again on the next run");
        }
    }

    private static String progress(long in, RoutingConfig routing) {
        StringBuilder line = new StringBuilder("messages in ").append(in);
        for (Route route : routing.routes()) {
            line.append(" | ")
                    .append(route.name())
                    .append(' ')
                    .append(
                            LiveCounters.get(
                                    JobMetrics.ROUTE_GROUP + "." + route.name() + ".true"));
        }
        for (Endpoint endpoint : routing.allEndpoints()) {
            line.append(" | ")
                    .append(endpoint.name())
                    .append(" <- ")
                    .append(
                            LiveCounters.get(
                                    JobMetrics.ENDPOINT_GROUP
                                            + "."
                                            + endpoint.name()
                                            + "."
                                            + JobMetrics.DELIVERED));
        }
        return line.toString();
    }

    static String summaryTable(
            Map<String, Long> counters, RoutingConfig routing, Map<String, String> outputs) {
        StringBuilder table = new StringBuilder();
        table.append(
                String.format(
                        "%-28s %10s%n",
                        "messages in", counters.getOrDefault(JobMetrics.INGRESS, 0L)));
        table.append(
                String.format("%-28s %10s %10s %10s%n", "route", "true", "false", "undefined"));
        for (Route route : routing.routes()) {
            String prefix = JobMetrics.ROUTE_GROUP + "." + route.name() + ".";
            table.append(
                    String.format(
                            "%-28s %10d %10d %10d%n",
                            route.name(),
                            counters.getOrDefault(prefix + "true", 0L),
                            counters.getOrDefault(prefix + "false", 0L),
                            counters.getOrDefault(prefix + "undefined", 0L)));
        }
        table.append(String.format("%-28s %10s   %s%n", "endpoint", "delivered", "output"));
        for (Endpoint endpoint : routing.allEndpoints()) {
            table.append(
                    String.format(
                            "%-28s %10d   %s%n",
                            endpoint.name(),
                            counters.getOrDefault(
                                    JobMetrics.ENDPOINT_GROUP
                                            + "."
                                            + endpoint.name()
                                            + "."
                                            + JobMetrics.DELIVERED,
                                    0L),
                            outputs.getOrDefault(endpoint.name(), "")));
        }
        table.append(
                String.format(
                        "%-28s %10d%n",
                        "fallback", counters.getOrDefault(JobMetrics.FALLBACK, 0L)));
        table.append(
                String.format(
                        "%-28s %10d%n",
                        "orphaned", counters.getOrDefault(JobMetrics.ORPHANED, 0L)));
        table.append(
                String.format(
                        "%-28s %10d   %s%n",
                        "invalid",
                        counters.getOrDefault(JobMetrics.INVALID, 0L),
                        outputs.getOrDefault("(invalid records)", "")));
        return table.toString();
    }

    static String summaryJson(
            Map<String, Long> counters, RoutingConfig routing, Map<String, String> outputs) {
        com.fasterxml.jackson.databind.ObjectMapper mapper =
                new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode root = mapper.createObjectNode();
        root.put("messagesIn", counters.getOrDefault(JobMetrics.INGRESS, 0L));
        com.fasterxml.jackson.databind.node.ObjectNode routes = root.putObject("routes");
        for (Route route : routing.routes()) {
            String prefix = JobMetrics.ROUTE_GROUP + "." + route.name() + ".";
            com.fasterxml.jackson.databind.node.ObjectNode node = routes.putObject(route.name());
            node.put("true", counters.getOrDefault(prefix + "true", 0L));
            node.put("false", counters.getOrDefault(prefix + "false", 0L));
            node.put("undefined", counters.getOrDefault(prefix + "undefined", 0L));
        }
        com.fasterxml.jackson.databind.node.ObjectNode endpoints = root.putObject("endpoints");
        com.fasterxml.jackson.databind.node.ObjectNode outputNode = mapper.createObjectNode();
        for (Endpoint endpoint : routing.allEndpoints()) {
            endpoints
                    .putObject(endpoint.name())
                    .put(
                            "delivered",
                            counters.getOrDefault(
                                    JobMetrics.ENDPOINT_GROUP
                                            + "."
                                            + endpoint.name()
                                            + "."
                                            + JobMetrics.DELIVERED,
                                    0L));
            outputNode.put(endpoint.name(), outputs.getOrDefault(endpoint.name(), ""));
        }
        root.put("fallback", counters.getOrDefault(JobMetrics.FALLBACK, 0L));
        root.put("orphaned", counters.getOrDefault(JobMetrics.ORPHANED, 0L));
        root.put("invalid", counters.getOrDefault(JobMetrics.INVALID, 0L));
        root.set("outputs", outputNode);
        return root.toPrettyString() + "\n";
    }
}
