package io.hubroute.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code hubroute run}: the routing job in a local Flink MiniCluster ({@link LocalRun}). This class
 * names no Flink type, so building the command line never loads Flink.
 */
@Command(
        name = "run",
        sortOptions = false,
        sortSynopsis = false,
        description = {
            "run the routing job locally (no options: the routing tutorial on an embedded demo)",
            "%nWithout a job.yaml source: IoT Hub's routing tutorial on an embedded Kafka, a simulated fleet"
                    + " and an embedded AMQP broker; stops after --messages with a final savepoint.",
            "%nWith a job.yaml source: the real job in a local Flink MiniCluster, that stream and every"
                    + " endpoint's real sink (connection strings resolved from $${env:...} and $${file:...})."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the job ran and stopped",
            "1:it could not start or failed",
            "2:usage error"
        })
final class RunCommand implements Callable<Integer> {
    @Option(
            names = "--routes",
            paramLabel = "FILE",
            defaultValue = "examples/tutorial/routes.yaml",
            description = {"the route file: routes and endpoints", "(default ${DEFAULT-VALUE})"})
    private Path routesFile;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = {
                "the job settings (job.yaml), see docs/job-config.md",
                "(default: the embedded demo's)"
            })
    private Path configFile;

    @Option(
            names = "--messages",
            paramLabel = "N",
            converter = MessageCount.class,
            description = {
                "the number of messages to stop after",
                "(demo default 2000; with a job.yaml source, default 0: until Ctrl-C)"
            })
    private Long messages;

    @Option(
            names = "--work-dir",
            paramLabel = "DIR",
            defaultValue = "hubroute-demo",
            description = {
                "the folder for the brokers, outputs and checkpoints",
                "(default ./${DEFAULT-VALUE})"
            })
    private Path workDir;

    @Option(
            names = "--summary-json",
            paramLabel = "FILE",
            description = "the file to write the summary to, as JSON")
    private Path summaryJson;

    @Option(
            names = "--web-ui-port",
            paramLabel = "PORT",
            converter = Port.class,
            description = {
                "the port of Flink's web UI and REST API while the job runs",
                "(default: a free port; the URL is printed)"
            })
    private Integer webUiPort;

    @Option(
            names = "--metrics-port",
            paramLabel = "PORT",
            converter = Port.class,
            description = {
                "serve every metric in Prometheus format while the job runs:",
                "http://localhost:PORT/metrics (Flink's Prometheus reporter), IoT Hub's",
                "names after a fixed prefix, such as",
                "flink_taskmanager_job_task_operator_d2c_telemetry_egress_success;",
                "read-only, and unlike the other ports on every interface"
            })
    private Integer metricsPort;

    @Option(
            names = "--bind-address",
            paramLabel = "ADDRESS",
            description = {
                "where the web UI and REST API listen (default 127.0.0.1, this machine only);",
                "another address lets whoever reaches it upload and run code: say so knowingly.",
                "Every other port but --metrics-port stays on 127.0.0.1"
            })
    private String bindAddress;

    @Mixin private HelpOption help;

    private final Streams streams;

    RunCommand(Streams streams) {
        this.streams = streams;
    }

    @Override
    public Integer call() throws Exception {
        return new LocalRun(streams.out(), streams.err())
                .run(
                        routesFile,
                        configFile,
                        messages,
                        workDir,
                        summaryJson,
                        LocalCluster.of(bindAddress, webUiPort, metricsPort));
    }

    /** {@code --web-ui-port}, {@code --metrics-port}: 1 to 65535. */
    static final class Port implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String text) {
            try {
                int port = Integer.parseInt(text);
                if (port >= 1 && port <= 65535) {
                    return port;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new TypeConversionException("give a port number from 1 to 65535");
        }
    }

    /** {@code --messages}: 0 (until Ctrl-C) or more. */
    static final class MessageCount implements ITypeConverter<Long> {
        @Override
        public Long convert(String text) {
            try {
                long count = Long.parseLong(text);
                if (count >= 0) {
                    return count;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new TypeConversionException("give a whole number, 0 (until Ctrl-C) or more");
        }
    }
}
