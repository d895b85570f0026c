package io.hubroute.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code hubroute bench-replay}: the replay dry run against a job that only reads and decodes the
 * same history, from a local Kafka and from local Avro blobs. The Flink work is in {@link
 * ReplayBenchmark}; this class names no Flink type.
 */
@Command(
        name = "bench-replay",
        sortOptions = false,
        sortSynopsis = false,
        description = {
            "time the replay dry run against a job that only reads and decodes the same history",
            "%nLoads N IoT Hub messages spread over a week into an embedded Kafka topic (2 partitions)"
                    + " and into IoT Hub Avro blobs in a folder, then runs, round after round, a"
                    + " read-only job and the dry run (baseline and candidate routes) on each, in a"
                    + " local MiniCluster at parallelism 2. Prints records/s, CPU per record, peak"
                    + " heap and the dry run / read-only ratio; docs/performance.md has the figures."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:measured, every run counted every record",
            "1:a run failed or miscounted, or a routes file has problems",
            "2:usage error"
        })
final class BenchReplayCommand implements Callable<Integer> {
    /** Which history the jobs read. */
    enum Source {
        KAFKA,
        ARCHIVE,
        BOTH;

        boolean kafka() {
            return this != ARCHIVE;
        }

        boolean archive() {
            return this != KAFKA;
        }
    }

    @Option(
            names = "--records",
            paramLabel = "N",
            defaultValue = "1000000",
            converter = Positive.class,
            description = "messages in the history (default ${DEFAULT-VALUE})")
    int records;

    @Option(
            names = "--body-bytes",
            paramLabel = "N",
            defaultValue = "1024",
            converter = Positive.class,
            description = "bytes in each message's JSON body (default ${DEFAULT-VALUE})")
    int bodyBytes;

    @Option(
            names = "--rounds",
            paramLabel = "N",
            defaultValue = "3",
            converter = Positive.class,
            description = "how often each job runs on each source (default ${DEFAULT-VALUE})")
    int rounds;

    @Option(
            names = "--warmup-rounds",
            paramLabel = "N",
            defaultValue = "1",
            description =
                    "rounds run first and not counted: JIT warm-up (default ${DEFAULT-VALUE})")
    int warmupRounds;

    @Option(
            names = "--baseline",
            paramLabel = "FILE",
            defaultValue = "examples/bench/routes-100.yaml",
            description = "the baseline routes (default ${DEFAULT-VALUE})")
    Path baselineFile;

    @Option(
            names = "--candidate",
            paramLabel = "FILE",
            defaultValue = "examples/bench/routes-100-candidate.yaml",
            description = "the candidate routes (default ${DEFAULT-VALUE})")
    Path candidateFile;

    @Option(
            names = "--source",
            paramLabel = "SOURCE",
            defaultValue = "both",
            description = "what to read: kafka, archive or both (default ${DEFAULT-VALUE})")
    Source source;

    @Option(
            names = "--work-dir",
            paramLabel = "DIR",
            defaultValue = "hubroute-bench-replay",
            description = {
                "where the topic's log and the blobs go; deleted at the end",
                "(default ${DEFAULT-VALUE})"
            })
    Path workDir;

    @Option(
            names = "--output",
            paramLabel = "FILE",
            description = "also write the figures as a markdown table")
    Path output;

    @Mixin private HelpOption help;

    @Spec private CommandSpec spec;

    private final Streams streams;

    BenchReplayCommand(Streams streams) {
        this.streams = streams;
    }

    @Override
    public Integer call() throws Exception {
        checkUsage();
        return new ReplayBenchmark(streams.out(), streams.err()).run(this);
    }

    /** What picocli cannot check alone: exit 2 with the problem and the fix. */
    private void checkUsage() {
        UsageErrors.requireFile(spec, "--baseline", baselineFile);
        UsageErrors.requireFile(spec, "--candidate", candidateFile);
        UsageErrors.requireBodyBytes(spec, bodyBytes);
    }

    /** {@code --records}, {@code --rounds}, {@code --body-bytes}: a positive whole number. */
    static final class Positive implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String text) {
            try {
                int value = Integer.parseInt(text.replace("_", "").replace(",", ""));
                if (value > 0) {
                    return value;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new TypeConversionException("give a positive whole number, such as 20000");
        }
    }
}
