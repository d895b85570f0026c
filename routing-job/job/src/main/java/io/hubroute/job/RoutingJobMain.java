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
                EndpointSinks.forAllEndpoints(routing).entrySet()) {
            job.addEndpointSink(endpoint.getKey(), endpoint.getValue());
        }
        if (config.diagnosticsDirectory() != null) {
            job.setDiagnosticsSink(new DiagnosticsFileSink(Path.of(config.diagnosticsDirectory())));
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
                        System::getenv,
                        arguments.configDirectory());
        if (config.source() == null) {
            throw new JobConfigException(
                    arguments.configName()
                            + ": no source: a job on a cluster reads its events from the source section (bootstrapServers or eventHubsConnectionString, topics)");
        }
        return config;
    }

    /** The parsed command line: each of routes and config given as a file or as text. */
    static final class Arguments {
        private final String routesText;
        private final String routesName;
        private final Path routesDirectory;
        private final String configText;
        private final String configName;
        private final Path configDirectory;

        private Arguments(
                String routesText,
                String routesName,
                Path routesDirectory,
                String configText,
                String configName,
                Path configDirectory) {
            this.routesText = routesText;
            this.routesName = routesName;
            this.routesDirectory = routesDirectory;
            this.configText = configText;
            this.configName = configName;
            this.configDirectory = configDirectory;
        }

        static Arguments parse(List<String> args) throws IOException {
            Path routesFile = null;
            String routesYaml = null;
            Path configFile = null;
            String configYaml = null;
            for (int i = 0; i < args.size(); i++) {
                String option = args.get(i);
                if (i + 1 >= args.size()) {
                    throw new IllegalArgumentException(
                            "missing value after " + option + "\n" + USAGE);
                }
                String value = args.get(++i);
                switch (option) {
                    case "--routes":
                        routesFile = Path.of(value);
                        break;
                    case "--routes-yaml":
                        routesYaml = value;
                        break;
                    case "--config":
                        configFile = Path.of(value);
                        break;
                    case "--config-yaml":
                        configYaml = value;
                        break;
                    default:
                        throw new IllegalArgumentException(
                                "unknown option " + option + "\n" + USAGE);
                }
            }
            if ((routesFile == null) == (routesYaml == null)) {
                throw new IllegalArgumentException(
                        "give the routes as --routes FILE or --routes-yaml TEXT (exactly one)\n"
                                + USAGE);
            }
            if ((configFile == null) == (configYaml == null)) {
                throw new IllegalArgumentException(
                        "give the job settings as --config FILE or --config-yaml TEXT (exactly one)\n"
                                + USAGE);
            }
            Path workingDirectory = Path.of("").toAbsolutePath();
            return new Arguments(
                    routesFile == null ? routesYaml : read(routesFile, "--routes"),
                    routesFile == null ? INLINE_ROUTES : routesFile.toString(),
                    routesFile == null ? workingDirectory : routesFile.toAbsolutePath().getParent(),
                    configFile == null ? configYaml : read(configFile, "--config"),
                    configFile == null ? INLINE_CONFIG : configFile.toString(),
                    configFile == null
                            ? workingDirectory
                            : configFile.toAbsolutePath().getParent());
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
            return routesName;
        }

        Path routesDirectory() {
            return routesDirectory;
        }

        String configText() {
            return configText;
        }

        String configName() {
            return configName;
        }

        Path configDirectory() {
            return configDirectory;
        }
    }

    static final String USAGE =
            "usage: RoutingJobMain (--routes FILE | --routes-yaml TEXT) (--config FILE | --config-yaml TEXT)";
}
