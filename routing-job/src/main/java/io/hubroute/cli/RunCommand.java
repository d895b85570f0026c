package io.hubroute.cli;

import io.hubroute.config.Endpoint;
import io.hubroute.config.EndpointKind;
import io.hubroute.config.Route;
import io.hubroute.config.RoutingConfig;
import io.hubroute.demo.EmbeddedAmqpBroker;
import io.hubroute.demo.EmbeddedKafka;
import io.hubroute.demo.EventsTopicSink;
import io.hubroute.demo.LocalFolderSink;
import io.hubroute.demo.SimulatedFleet;
import io.hubroute.job.JobMetrics;
import io.hubroute.job.LiveCounters;
import io.hubroute.job.RoutesFileRouter;
import io.hubroute.job.RoutingJob;
import io.hubroute.job.config.JobConfig;
import io.hubroute.job.config.SourceOptions;
import io.hubroute.sink.amqp.ServiceBusEntityKind;
import io.hubroute.sink.amqp.ServiceBusSink;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * {@code hubroute run}: the routing job in a local Flink MiniCluster. With no arguments, IoT Hub's
 * routing tutorial on this machine: an embedded Kafka holds the device-to-cloud stream, a
 * simulated fleet feeds it, the storage endpoint writes to a local folder, the queue endpoint to
 * an embedded AMQP broker, the events endpoint to a Kafka topic.
 */
final class RunCommand implements Command {
    private static final String D2C_TOPIC = "d2c";

    @Override
    public String name() {
        return "run";
    }

    @Override
    public String summary() {
        return "run the routing job locally (no arguments: the routing tutorial on an embedded demo)";
    }

    @Override
    public String usage() {
        return "usage: hubroute run [--routes routes.yaml] [--config job.yaml] [--messages N] [--work-dir DIR] [--summary-json FILE]\n"
                + "  --routes FILE        routes and endpoints (default: examples/tutorial/routes.yaml)\n"
                + "  --config FILE        job settings, see docs/job-config.md (default: the embedded demo's)\n"
                + "  --messages N         stop after N messages in (default 2000; 0 runs until Ctrl-C)\n"
                + "  --work-dir DIR       where the brokers, outputs and checkpoints live (default ./hubroute-demo)\n"
                + "  --summary-json FILE  write the summary as JSON";
    }

    @Override
    public int run(List<String> arguments, InputStream in, PrintStream out, PrintStream err) throws Exception {
        Path routesFile = Path.of("examples", "tutorial", "routes.yaml");
        Path configFile = null;
        long messages = 2000;
        Path workDir = Path.of("hubroute-demo");
        Path summaryJson = null;
        for (int i = 0; i < arguments.size(); i++) {
            String argument = arguments.get(i);
            if (i + 1 >= arguments.size()) {
                throw new UsageException("missing value after " + argument);
            }
            String value = arguments.get(++i);
            switch (argument) {
                case "--routes":
                    routesFile = Path.of(value);
                    break;
                case "--config":
                    configFile = Path.of(value);
                    break;
                case "--messages":
                    try {
                        messages = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        throw new UsageException("--messages needs a whole number, not '" + value + "'");
                    }
                    if (messages < 0) {
                        throw new UsageException("--messages must be 0 (until Ctrl-C) or more, not " + messages);
                    }
                    break;
                case "--work-dir":
                    workDir = Path.of(value);
                    break;
                case "--summary-json":
                    summaryJson = Path.of(value);
                    break;
                default:
                    throw new UsageException("unknown option " + argument);
            }
        }
        if (!Files.isRegularFile(routesFile)) {
            err.println("hubroute run: no routes file at " + routesFile.toAbsolutePath()
                    + " (run from the repository root, or pass --routes FILE)");
            return 1;
        }
        String routesYaml = Files.readString(routesFile, StandardCharsets.UTF_8);
        RoutingConfig routing = RoutesFileRouter.parse(routesYaml, routesFile.toString());
        JobConfig jobConfig = configFile == null ? JobConfig.defaults() : JobConfig.load(configFile);
        if (jobConfig.source() != null) {
            err.println("hubroute run: a job.yaml source needs real endpoint sinks, which run does not build yet; "
                    + "use the embedded demo (no source section) or submit the job to a cluster");
            return 1;
        }
        workDir = workDir.toAbsolutePath();
        Files.createDirectories(workDir);
        Path runDir = Files.createTempDirectory(workDir, "run-");
        out.println("hubroute run: routes " + routesFile + ", work dir " + runDir);

        try (EmbeddedKafka kafka = EmbeddedKafka.start(runDir.resolve("kafka"));
                EmbeddedAmqpBroker amqp = EmbeddedAmqpBroker.start(runDir.resolve("amqp"))) {
            Map<String, String> outputs = new LinkedHashMap<>();
            kafka.createTopics(2, D2C_TOPIC);
            JobConfig config = jobConfig
                    .withSource(SourceOptions.kafka(kafka.bootstrapServers(), List.of(D2C_TOPIC)))
                    .withCheckpointing(jobConfig.checkpointing()
                            .withInterval(configFile == null ? Duration.ofSeconds(2) : jobConfig.checkpointing().interval())
                            .withDirectory(runDir.resolve("checkpoints").toUri().toString()));
            RoutingJob.Builder job = RoutingJob.builder()
                    .setJobConfig(config)
                    .setRouterFactory(RoutesFileRouter.factory(routesYaml, routesFile.toString()))
                    .setDiagnosticsSink(new io.hubroute.demo.LocalLinesSink(runDir.resolve("diagnostics")));
            outputs.put("(invalid records)", runDir.resolve("diagnostics").toString());
            for (Endpoint endpoint : routing.allEndpoints()) {
                String target = endpoint.entityPath() != null ? endpoint.entityPath() : endpoint.name();
                if (endpoint.kind() == EndpointKind.STORAGE_CONTAINER) {
                    Path folder = runDir.resolve("storage").resolve(endpoint.name());
                    job.addEndpointSink(endpoint.name(), new LocalFolderSink(folder));
                    outputs.put(endpoint.name(), folder.toString());
                } else if (endpoint.kind() == EndpointKind.SERVICE_BUS_QUEUE || endpoint.kind() == EndpointKind.SERVICE_BUS_TOPIC) {
                    job.addEndpointSink(endpoint.name(), ServiceBusSink.builder()
                            .setEndpointName(endpoint.name())
                            .setAmqpUri(amqp.amqpUri())
                            .setEntityPath(target)
                            .setKind(endpoint.kind() == EndpointKind.SERVICE_BUS_QUEUE ? ServiceBusEntityKind.QUEUE : ServiceBusEntityKind.TOPIC)
                            .build());
                    outputs.put(endpoint.name(), amqp.amqpUri() + " queue " + target);
                } else {
                    kafka.createTopics(2, target);
                    job.addEndpointSink(endpoint.name(), EventsTopicSink.create(kafka.bootstrapServers(), target));
                    outputs.put(endpoint.name(), "kafka " + kafka.bootstrapServers() + " topic " + target);
                }
            }

            Configuration flink = RoutingJob.flinkConfiguration(config);
            LiveCounters.reset();
            LiveCounters.enable(flink);
            flink.setString("heartbeat.interval", "2000");
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(config.parallelism(), flink);
            job.build().addTo(env);

            try (SimulatedFleet fleet = SimulatedFleet.builder(kafka.bootstrapServers(), D2C_TOPIC).maxRecords(messages).build()) {
                JobClient client = env.executeAsync("hubroute " + routing.hubName());
                fleet.start();
                long lastPrint = 0;
                while (true) {
                    TimeUnit.MILLISECONDS.sleep(250);
                    long messagesIn = LiveCounters.get(JobMetrics.INGRESS);
                    long now = System.currentTimeMillis();
                    if (now - lastPrint >= 2000) {
                        out.println(progress(messagesIn, routing));
                        lastPrint = now;
                    }
                    if (fleet.failure() != null) {
                        throw new IllegalStateException("the simulated fleet failed: " + fleet.failure());
                    }
                    if (client.getJobStatus().get().isGloballyTerminalState()) {
                        throw new IllegalStateException("the job stopped: " + client.getJobStatus().get());
                    }
                    if (messages > 0 && fleet.isFinished() && messagesIn >= messages) {
                        break;
                    }
                }
                // Stop with a final savepoint: sinks commit everything routed before the job ends.
                client.stopWithSavepoint(true, runDir.resolve("savepoints").toUri().toString(), SavepointFormatType.CANONICAL)
                        .get(2, TimeUnit.MINUTES);
                client.getJobExecutionResult().get(2, TimeUnit.MINUTES);
            }
            Map<String, Long> counters = LiveCounters.snapshot();
            out.println();
            out.print(summaryTable(counters, routing, outputs));
            if (summaryJson != null) {
                Files.writeString(summaryJson, summaryJson(counters, routing, outputs), StandardCharsets.UTF_8);
                out.println("summary written to " + summaryJson);
            }
        }
        return 0;
    }

    private static String progress(long in, RoutingConfig routing) {
        StringBuilder line = new StringBuilder("messages in ").append(in);
        for (Route route : routing.routes()) {
            line.append(" | ").append(route.name()).append(' ').append(LiveCounters.get(JobMetrics.ROUTE_GROUP + "." + route.name() + ".true"));
        }
        for (Endpoint endpoint : routing.allEndpoints()) {
            line.append(" | ").append(endpoint.name()).append(" <- ")
                    .append(LiveCounters.get(JobMetrics.ENDPOINT_GROUP + "." + endpoint.name() + "." + JobMetrics.DELIVERED));
        }
        return line.toString();
    }

    static String summaryTable(Map<String, Long> counters, RoutingConfig routing, Map<String, String> outputs) {
        StringBuilder table = new StringBuilder();
        table.append(String.format("%-28s %10s%n", "messages in", counters.getOrDefault(JobMetrics.INGRESS, 0L)));
        table.append(String.format("%-28s %10s %10s %10s%n", "route", "true", "false", "undefined"));
        for (Route route : routing.routes()) {
            String prefix = JobMetrics.ROUTE_GROUP + "." + route.name() + ".";
            table.append(String.format("%-28s %10d %10d %10d%n", route.name(), counters.getOrDefault(prefix + "true", 0L),
                    counters.getOrDefault(prefix + "false", 0L), counters.getOrDefault(prefix + "undefined", 0L)));
        }
        table.append(String.format("%-28s %10s   %s%n", "endpoint", "delivered", "output"));
        for (Endpoint endpoint : routing.allEndpoints()) {
            table.append(String.format("%-28s %10d   %s%n", endpoint.name(),
                    counters.getOrDefault(JobMetrics.ENDPOINT_GROUP + "." + endpoint.name() + "." + JobMetrics.DELIVERED, 0L),
                    outputs.getOrDefault(endpoint.name(), "")));
        }
        table.append(String.format("%-28s %10d%n", "fallback", counters.getOrDefault(JobMetrics.FALLBACK, 0L)));
        table.append(String.format("%-28s %10d%n", "orphaned", counters.getOrDefault(JobMetrics.ORPHANED, 0L)));
        table.append(String.format("%-28s %10d   %s%n", "invalid", counters.getOrDefault(JobMetrics.INVALID, 0L),
                outputs.getOrDefault("(invalid records)", "")));
        return table.toString();
    }

    static String summaryJson(Map<String, Long> counters, RoutingConfig routing, Map<String, String> outputs) {
        com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
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
            endpoints.putObject(endpoint.name()).put("delivered",
                    counters.getOrDefault(JobMetrics.ENDPOINT_GROUP + "." + endpoint.name() + "." + JobMetrics.DELIVERED, 0L));
            outputNode.put(endpoint.name(), outputs.getOrDefault(endpoint.name(), ""));
        }
        root.put("fallback", counters.getOrDefault(JobMetrics.FALLBACK, 0L));
        root.put("orphaned", counters.getOrDefault(JobMetrics.ORPHANED, 0L));
        root.put("invalid", counters.getOrDefault(JobMetrics.INVALID, 0L));
        root.set("outputs", outputNode);
        return root.toPrettyString() + "\n";
    }
}
