package io.hubroute.job;

import io.hubroute.config.JobConfig;
import io.hubroute.config.JobConfigException;
import io.hubroute.config.RoutingConfig;
import io.hubroute.config.RoutingConfigLoader;
import io.hubroute.config.SecretLookup;
import io.hubroute.sink.RoutedMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The routing job's entry point on a Flink cluster: the {@code Main-Class} of the job jar ({@code
 * hubroute-routing-job-<version>-job.jar}).
 *
 * <pre>{@code
 * flink run -d hubroute-routing-job-0.1.0-SNAPSHOT-job.jar --routes /etc/hubroute/routes.yaml --config /etc/hubroute/job.yaml
 * bin/hubroute submit --jobmanager jobmanager:8081 --routes routes.yaml --config job.yaml
 * }</pre>
 *
 * <p>The routes and the job settings come as files readable where this method runs ({@code --routes
 * FILE}, {@code --config FILE}) or as their text ({@code --routes-yaml TEXT}, {@code --config-yaml
 * TEXT}, what {@code hubroute submit} sends). Program arguments are shown in Flink's web UI, so the
 * text must hold connection strings only as {@code ${env:NAME}} / {@code ${file:PATH}} references;
 * they are resolved here: on the JobManager when the job is submitted through the REST API, on the
 * client machine with {@code flink run}.
 */
public final class RoutingJobMain {
    /** The routes text's name in error messages when it was passed inline. */
    static final String INLINE_ROUTES = "routes.yaml (inline)";

    static final String INLINE_CONFIG = "job.yaml (inline)";

    private RoutingJobMain() {}

    public static void main(String[] args) throws Exception {
        Arguments arguments = Arguments.parse(List.of(args));
        RoutingConfig routing = loadRoutes(arguments);
        JobConfig config = loadConfig(arguments);
        List<String> conflicts = config.conflictsWith(routing);
        if (!conflicts.isEmpty()) {
            throw new JobConfigException(
                    arguments.configName()
                            + ": "
                            + String.join("\n" + arguments.configName() + ": ", conflicts));
        }
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(
                        RoutingJob.flinkConfiguration(config));
        build(arguments.routesText(), arguments.routesName(), routing, config).addTo(env);
        env.execute(jobName(routing));
    }

    /** The job's name in Flink: the hub's name, never a connection string. */
    public static String jobName(RoutingConfig routing) {
        return "hubroute " + routing.hubName();
    }

    static RoutingJob build(
            String routesText, String routesName, RoutingConfig routing, JobConfig config) {
        RoutingJob.Builder job =
                RoutingJob.builder()
                        .setJobConfig(config)
                        .setRouterFactory(RoutesFileRouter.factory(routesText, routesName));
        for (Map.Entry<String, Sink<RoutedMessage>> endpoint :
                EndpointSinks.forAllEndpoints(
                                routing,
                                endpoint -> DiagnosticsSinks.undeliverable(config, endpoint))
                        .entrySet()) {
            job.addEndpointSink(endpoint.getKey(), endpoint.getValue());
        }
        Sink<String> diagnostics = DiagnosticsSinks.forConfig(config);
        if (diagnostics != null) {
            job.setDiagnosticsSink(diagnostics);
        }
        return job.build();
    }

    static RoutingConfig loadRoutes(Arguments arguments) {
        return RoutingConfigLoader.resolvingSecrets(SecretLookup.system())
                .parse(arguments.routesText(), arguments.routesName(), arguments.routesDirectory())
                .orThrow();
    }

    static JobConfig loadConfig(Arguments arguments) throws JobConfigException {
        JobConfig config =
                JobConfig.parse(
                        arguments.configText(),
                        arguments.configName(),
                        SecretLookup.system(),
                        arguments.configDirectory());
        if (config.source() == null) {
            throw new JobConfigException(
                    arguments.configName()
                            + ": no source: a job on a cluster reads its events from the source section (bootstrapServers or eventHubsConnectionString, topics)");
        }
        return config;
    }

    /**
     * The program arguments: each of routes and config given as a file or as text. Parsed by
     * picocli, as every {@code hubroute} command is.
     */
    @Command(
            name = "RoutingJobMain",
            description = "The hubroute routing job (the job jar's Main-Class).",
            mixinStandardHelpOptions = false)
    static final class Arguments {
        @ArgGroup(exclusive = true, multiplicity = "1")
        RoutesSource routes;

        @ArgGroup(exclusive = true, multiplicity = "1")
        ConfigSource config;

        static final class RoutesSource {
            @Option(
                    names = "--routes",
                    paramLabel = "FILE",
                    description = "the routes file, readable where this main method runs")
            Path file;

            @Option(
                    names = "--routes-yaml",
                    paramLabel = "TEXT",
                    description = "the routes file's text (what hubroute submit sends)")
            String text;
        }

        static final class ConfigSource {
            @Option(
                    names = "--config",
                    paramLabel = "FILE",
                    description = "job.yaml, readable where this main method runs")
            Path file;

            @Option(
                    names = "--config-yaml",
                    paramLabel = "TEXT",
                    description = "job.yaml's text (what hubroute submit sends)")
            String text;
        }

        private String routesText;
        private String configText;

        /**
         * Parses the program arguments and reads the files they name.
         *
         * @throws IllegalArgumentException naming the argument and the fix, with the usage
         */
        static Arguments parse(List<String> args) throws IOException {
            Arguments arguments = new Arguments();
            CommandLine commandLine = new CommandLine(arguments);
            try {
                commandLine.parseArgs(args.toArray(new String[0]));
            } catch (ParameterException e) {
                throw new IllegalArgumentException(
                        e.getMessage() + "\n" + commandLine.getUsageMessage(), e);
            }
            arguments.routesText =
                    arguments.routes.file == null
                            ? arguments.routes.text
                            : read(arguments.routes.file, "--routes");
            arguments.configText =
                    arguments.config.file == null
                            ? arguments.config.text
                            : read(arguments.config.file, "--config");
            return arguments;
        }

        private static String read(Path file, String option) throws IOException {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException(
                        option
                                + " "
                                + file.toAbsolutePath()
                                + ": no such file where the job's main method runs (the JobManager for REST submissions):"
                                + " put it there, or pass the text with "
                                + option
                                + "-yaml");
            }
            return Files.readString(file, StandardCharsets.UTF_8);
        }

        String routesText() {
            return routesText;
        }

        String routesName() {
            return routes.file == null ? INLINE_ROUTES : routes.file.toString();
        }

        Path routesDirectory() {
            return directoryOf(routes.file);
        }

        String configText() {
            return configText;
        }

        String configName() {
            return config.file == null ? INLINE_CONFIG : config.file.toString();
        }

        Path configDirectory() {
            return directoryOf(config.file);
        }

        /** Where relative {@code ${file:}} references resolve: beside the file, or here. */
        private static Path directoryOf(Path file) {
            return file == null ? Path.of("").toAbsolutePath() : file.toAbsolutePath().getParent();
        }
    }
}
