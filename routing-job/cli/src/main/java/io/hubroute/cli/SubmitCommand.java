package io.hubroute.cli;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code hubroute submit}: the routing job to a running Flink cluster through its REST API ({@link
 * JobSubmitter}). This class names no Flink type, so building the command line never loads Flink.
 */
@Command(
        name = "submit",
        sortOptions = false,
        sortSynopsis = false,
        description = {
            "submit the routing job to a running Flink cluster through its REST API",
            "%nUploads the job jar, runs it and waits until the job is RUNNING. The route file and job.yaml are"
                    + " read here and sent as program arguments, which Flink's web UI shows: connection"
                    + " strings must be $${env:NAME} or $${file:PATH} references (resolved on the"
                    + " JobManager); a file with one written inline is refused."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:submitted (and RUNNING, unless --detached)",
            "1:refused, failed, or not RUNNING in time",
            "2:usage error"
        })
final class SubmitCommand implements Callable<Integer> {
    @Option(
            names = "--jobmanager",
            paramLabel = "HOST:PORT",
            required = true,
            converter = JobManagerAddress.Converter.class,
            description = "the JobManager's REST address (rest.address:rest.port)")
    private JobManagerAddress jobManager;

    @Option(
            names = "--routes",
            paramLabel = "FILE",
            required = true,
            description = {
                "the route file",
                "(connection strings as $${env:...}/$${file:...} references)"
            })
    private Path routesFile;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            required = true,
            description = {
                "the job settings (job.yaml) with a source section",
                "(see docs/job-config.md)"
            })
    private Path configFile;

    @Option(
            names = "--jar",
            paramLabel = "PATH",
            description = {
                "the job jar",
                "(default routing-job/job/target/hubroute-routing-job-<version>-job.jar,",
                "which the build writes; bin/hubroute builds it on first use)"
            })
    private Path jar;

    @Option(
            names = "--savepoint",
            paramLabel = "PATH",
            description = "the savepoint or retained checkpoint to start from")
    private String savepoint;

    @Option(
            names = "--parallelism",
            paramLabel = "N",
            converter = Parallelism.class,
            description = {"the job's default parallelism", "(default: job.yaml's)"})
    private Integer parallelism;

    @Option(
            names = "--cluster-files",
            description =
                    "pass --routes and --config as paths on the JobManager instead of their text")
    private boolean clusterFiles;

    @Option(
            names = "--detached",
            description = "return once submitted, without waiting for the job to run")
    private boolean detached;

    @Mixin private HelpOption help;

    private final Streams streams;

    SubmitCommand(Streams streams) {
        this.streams = streams;
    }

    @Override
    public Integer call() throws Exception {
        return new JobSubmitter(streams.out(), streams.err())
                .submit(
                        jobManager.address(),
                        jobManager.rest(),
                        routesFile,
                        configFile,
                        jar,
                        savepoint,
                        parallelism,
                        clusterFiles,
                        detached);
    }

    /** {@code --jobmanager}: the address as written (for messages) and its REST API's base URI. */
    record JobManagerAddress(String address, URI rest) {
        static final class Converter implements ITypeConverter<JobManagerAddress> {
            @Override
            public JobManagerAddress convert(String jobManager) {
                String address = jobManager.contains("://") ? jobManager : "http://" + jobManager;
                try {
                    URI uri = new URI(address);
                    if (uri.getHost() != null && uri.getPort() >= 0) {
                        return new JobManagerAddress(
                                jobManager,
                                new URI(
                                        uri.getScheme(),
                                        null,
                                        uri.getHost(),
                                        uri.getPort(),
                                        "/",
                                        null,
                                        null));
                    }
                } catch (URISyntaxException e) {
                    // reported below
                }
                throw new TypeConversionException(
                        "give HOST:PORT, the REST port (8081 by default)");
            }
        }
    }

    /** {@code --parallelism}: 1 or more. */
    static final class Parallelism implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String text) {
            try {
                int parallelism = Integer.parseInt(text);
                if (parallelism >= 1) {
                    return parallelism;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new TypeConversionException("give a whole number, 1 or more");
        }
    }
}
