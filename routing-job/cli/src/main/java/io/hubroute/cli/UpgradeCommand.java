package io.hubroute.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code hubroute upgrade}: replaces a running routing job by one with new routes that starts from
 * its state ({@link JobUpgrader}). This class names no Flink type, so building the command line
 * never loads Flink.
 */
@Command(
        name = "upgrade",
        sortOptions = false,
        sortSynopsis = false,
        description = {
            "replace a running routing job by one with new routes, keeping its state",
            "%nStops the job with a savepoint (not drained), submits the new one from it and waits"
                    + " until it runs; twins, source offsets and pending blob commits carry over."
                    + " Refused, with the job left running, when state would be left behind: an"
                    + " endpoint missing from the new routes needs --allow-dropping NAME. When the"
                    + " new job does not start, the old one is resubmitted from the same savepoint."
                    + " The job must have been started by hubroute submit or upgrade, which record"
                    + " its routes and job.yaml in its user config."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the new job is RUNNING",
            "1:refused (nothing changed), or the new job did not start (the old job was"
                    + " resubmitted, as the output says), or a failure",
            "2:usage error"
        })
final class UpgradeCommand implements Callable<Integer> {
    private static final Pattern JOB_ID = Pattern.compile("[0-9a-fA-F]{32}");

    @Option(
            names = "--jobmanager",
            paramLabel = "HOST:PORT",
            required = true,
            converter = SubmitCommand.JobManagerAddress.Converter.class,
            description = "the JobManager's REST address (rest.address:rest.port)")
    private SubmitCommand.JobManagerAddress jobManager;

    @Option(
            names = "--job",
            paramLabel = "JOBID",
            required = true,
            converter = JobIdConverter.class,
            description = {"the running job's id", "(what submit printed; flink list shows it)"})
    private String jobId;

    @Option(
            names = "--routes",
            paramLabel = "FILE",
            required = true,
            description = {
                "the new route file",
                "(connection strings as $${env:...}/$${file:...} references)"
            })
    private Path routesFile;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            required = true,
            description = {
                "the new job settings (job.yaml) with a source section",
                "(see docs/job-config.md)"
            })
    private Path configFile;

    @Option(
            names = "--jar",
            paramLabel = "PATH",
            description = {
                "the new job jar",
                "(default routing-job/job/target/hubroute-routing-job-<version>-job.jar)"
            })
    private Path jar;

    @Option(
            names = "--allow-dropping",
            paramLabel = "NAME",
            description = {
                "drop the sink state of endpoint NAME, which the new routes no longer have",
                "(repeatable; its uncommitted sends or blob commits are lost)"
            })
    private List<String> allowDropping = new ArrayList<>();

    @Option(
            names = "--savepoint-dir",
            paramLabel = "DIR",
            description = {
                "where the savepoint goes",
                "(default: the cluster's execution.checkpointing.savepoint-dir)"
            })
    private String savepointDirectory;

    @Option(
            names = "--old-jar",
            paramLabel = "PATH",
            description = {
                "the running job's jar, uploaded again only if the JobManager lost it",
                "(to resubmit the old job when the new one does not start)"
            })
    private Path oldJar;

    @Mixin private HelpOption help;

    private final Streams streams;

    UpgradeCommand(Streams streams) {
        this.streams = streams;
    }

    @Override
    public Integer call() throws Exception {
        return new JobUpgrader(streams.out(), streams.err())
                .upgrade(
                        jobManager.address(),
                        jobManager.rest(),
                        jobId,
                        routesFile,
                        configFile,
                        jar,
                        oldJar,
                        allowDropping,
                        savepointDirectory);
    }

    /** {@code --job}: a Flink job id, 32 hexadecimal digits. */
    static final class JobIdConverter implements ITypeConverter<String> {
        @Override
        public String convert(String text) {
            if (JOB_ID.matcher(text).matches()) {
                return text.toLowerCase(java.util.Locale.ROOT);
            }
            throw new TypeConversionException(
                    "give the job's id, 32 hexadecimal digits (flink list or GET /jobs shows it)");
        }
    }
}
