package io.hubroute.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code hubroute replay}: history through routes, as a diff (dry run) or for real ({@code
 * --deliver}). The Flink work is in {@link Replay}; this class names no Flink type.
 */
@Command(
        name = "replay",
        sortOptions = false,
        sortSynopsis = false,
        description = {
            "route history through candidate routes: a diff against the baseline, or delivered for real",
            "%nReads a bounded range of the device-to-cloud topic of a job.yaml (--config) or an archive"
                    + " of blobs (--blobs: IoT Hub's storage endpoint files, hubroute's own, or Event Hubs"
                    + " Capture), keeping each message's enqueued time, properties and body.",
            "%nDry run (default): every message is routed by the baseline and by the candidate in one"
                    + " pass, writing to no endpoint; prints what changed (--report, --html to keep it).",
            "%nWith --deliver: routes the history for real, to every endpoint or only to --endpoints,"
                    + " with the live job's sinks and guarantees, and ends by itself."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the replay ran",
            "1:a file has problems, the range is not retained, or the job failed",
            "2:usage error"
        })
final class ReplayCommand implements Callable<Integer> {
    @Option(
            names = "--routes",
            required = true,
            paramLabel = "FILE",
            description = "the candidate routes file (routes, endpoints, enrichments)")
    Path routesFile;

    @Option(
            names = "--baseline",
            paramLabel = "FILE",
            description = {
                "the routes deployed today, to compare with",
                "(default: no routes, i.e. only the fallback route)"
            })
    Path baselineFile;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = {
                "job.yaml whose source topic is read (Event Hubs Kafka endpoint or any Kafka);",
                "its consumer settings are used, in a consumer group of the replay's own"
            })
    Path configFile;

    @Option(
            names = "--blobs",
            paramLabel = "SOURCE",
            description = {
                "an archive instead of a topic: a local folder, or a Blob Storage connection string",
                "reference, $${env:NAME} or $${file:PATH} (never the connection string itself)"
            })
    String blobs;

    @Option(
            names = "--container",
            paramLabel = "NAME",
            description = "the archive's blob container (with a connection string reference)")
    String container;

    @Option(
            names = "--prefix",
            paramLabel = "P",
            description = "read only blobs whose names start with P")
    String prefix;

    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            defaultValue = "avro",
            description = {
                "the archive's encoding: avro, avrodeflate, json (IoT Hub's storage endpoint and",
                "hubroute's), capture (Event Hubs Capture) (default ${DEFAULT-VALUE})"
            })
    String format;

    @Option(
            names = "--file-name-format",
            paramLabel = "FORMAT",
            defaultValue = "{iothub}/{partition}/{YYYY}/{MM}/{DD}/{HH}/{mm}",
            description = {
                "how the archive's blobs are named; --start/--end skip blobs by its time tokens",
                "(default ${DEFAULT-VALUE}, IoT Hub's)"
            })
    String fileNameFormat;

    @Option(
            names = "--start",
            paramLabel = "TIME",
            converter = Time.class,
            description = {
                "the first enqueued time to replay, in ISO-8601 UTC:",
                "2026-11-01T00:00:00Z (default: the earliest retained)"
            })
    Instant start;

    @Option(
            names = "--end",
            paramLabel = "TIME",
            converter = Time.class,
            description = "the end of the range, exclusive (default: what is there when it starts)")
    Instant end;

    @Option(
            names = "--twins",
            paramLabel = "FILE",
            description = "twins at the start: an IoT Hub device export (JSON lines)")
    Path twins;

    @Option(
            names = "--twins-from-savepoint",
            paramLabel = "PATH",
            description = "twins at the start: those a savepoint of the routing job holds")
    String twinsFromSavepoint;

    @Option(
            names = "--deliver",
            description = "route for real to the endpoints instead of the dry run's diff")
    boolean deliver;

    @Option(
            names = "--endpoints",
            paramLabel = "NAME",
            split = ",",
            description = "with --deliver: only these endpoints receive (backfill a new one)")
    List<String> endpoints;

    @Option(
            names = "--report",
            paramLabel = "FILE",
            description = "write the dry run's report as JSON (docs/replay-report.md)")
    Path report;

    @Option(
            names = "--html",
            paramLabel = "FILE",
            description = "write the dry run's report as a self-contained page with charts")
    Path html;

    @Option(
            names = "--samples",
            paramLabel = "N",
            defaultValue = "20",
            converter = Samples.class,
            description = "how many changed messages the report shows (default ${DEFAULT-VALUE})")
    int samples;

    @Option(
            names = "--parallelism",
            paramLabel = "N",
            converter = SubmitCommand.Parallelism.class,
            description = "the job's parallelism (default: job.yaml's, else 2)")
    Integer parallelism;

    @Option(
            names = "--jobmanager",
            paramLabel = "HOST:PORT",
            converter = SubmitCommand.JobManagerAddress.Converter.class,
            description = {
                "run on this Flink cluster (its REST port) with the job jar, instead of a local",
                "MiniCluster"
            })
    SubmitCommand.JobManagerAddress jobManager;

    @Option(
            names = "--jar",
            paramLabel = "FILE",
            description = "with --jobmanager: the job jar (default: the one the build wrote)")
    Path jar;

    @Option(
            names = "--work-dir",
            paramLabel = "DIR",
            defaultValue = "hubroute-replay",
            description = "the folder for checkpoints and diagnostics (default ./${DEFAULT-VALUE})")
    Path workDir;

    @Mixin private HelpOption help;

    @Spec private CommandSpec spec;

    private final Streams streams;

    ReplayCommand(Streams streams) {
        this.streams = streams;
    }

    @Override
    public Integer call() throws Exception {
        checkUsage();
        return new Replay(streams.out(), streams.err()).run(this);
    }

    /** What picocli cannot check alone: exit 2 with the problem and the fix. */
    private void checkUsage() {
        if (configFile == null && blobs == null) {
            throw UsageErrors.error(
                    spec,
                    "nothing to replay: give --config job.yaml (its source topic) or --blobs"
                            + " (an archive)");
        }
        if (configFile != null && blobs != null && !deliver) {
            throw UsageErrors.error(
                    spec,
                    "--config and --blobs both name a source: give one (with --deliver, --config"
                            + " may come with --blobs for its checkpoint and diagnostics settings)");
        }
        if (start != null && end != null && !end.isAfter(start)) {
            throw UsageErrors.error(
                    spec,
                    "--end "
                            + end
                            + " is not after --start "
                            + start
                            + ": give an --end later than --start");
        }
        if (endpoints != null && !deliver) {
            throw UsageErrors.error(
                    spec,
                    "--endpoints only goes with --deliver: add --deliver, or drop --endpoints");
        }
        if (deliver && (report != null || html != null)) {
            throw UsageErrors.error(
                    spec, "--report and --html describe a dry run: drop them, or drop --deliver");
        }
        if (blobs != null && !Replay.isLocalFolder(blobs) && container == null) {
            throw UsageErrors.error(
                    spec, "--blobs names a storage account: add --container with its container");
        }
        if (blobs != null && !Replay.isLocalFolder(blobs) && !Replay.isReference(blobs)) {
            throw UsageErrors.error(
                    spec,
                    "--blobs is neither a folder nor a $${env:NAME} or $${file:PATH} reference:"
                            + " a connection string on the command line shows in the process list;"
                            + " put it in an environment variable or a file and refer to it");
        }
        if (jar != null && jobManager == null) {
            throw UsageErrors.error(spec, "--jar goes with --jobmanager: add --jobmanager");
        }
        if (twins != null && !Files.isRegularFile(twins)) {
            throw UsageErrors.error(spec, "--twins " + twins + ": no such file");
        }
        if (twins != null && twinsFromSavepoint != null) {
            throw UsageErrors.error(
                    spec,
                    "--twins and --twins-from-savepoint both give the twins at the start: keep one");
        }
    }

    /** {@code --start}, {@code --end}: an ISO-8601 instant. */
    static final class Time implements ITypeConverter<Instant> {
        @Override
        public Instant convert(String text) {
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e) {
                throw new TypeConversionException(
                        "give an ISO-8601 UTC time such as 2026-11-01T00:00:00Z");
            }
        }
    }

    /** {@code --samples}: 0 or more. */
    static final class Samples implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String text) {
            try {
                int samples = Integer.parseInt(text);
                if (samples >= 0) {
                    return samples;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new TypeConversionException("give a whole number, 0 or more");
        }
    }
}
