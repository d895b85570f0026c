package io.hubroute.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hubroute bench-routes}: how long a pushed route version takes to be active on every
 * subtask, and what swapping 1,000 routes every 10 s costs in throughput. The Flink work is in
 * {@link RoutesBenchmark}; this class names no Flink type.
 */
@Command(
        name = "bench-routes",
        sortOptions = false,
        sortSynopsis = false,
        description = {
            "time live route changes: push to active on every subtask, and throughput during swaps",
            "%nLoads N IoT Hub messages into an embedded Kafka topic (2 partitions), then runs the"
                    + " routing job with live routes (control topic, endpoints as Kafka topics,"
                    + " parallelism 2, checkpoints every 10 s) in a local MiniCluster: once to push"
                    + " K versions of the routes file (alternating with a copy with one threshold"
                    + " changed) and time each until every subtask reports it active; then, round"
                    + " after round, reading all N with no swaps and with a swap every"
                    + " --swap-interval. Prints p50/p99/max latency and the swaps / no swaps"
                    + " throughput ratio; docs/performance.md has the figures."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:measured, every run read every record and every version became active",
            "1:a run failed, miscounted or had a version rejected, or the routes file has problems",
            "2:usage error"
        })
final class BenchRoutesCommand implements Callable<Integer> {
    @Option(
            names = "--records",
            paramLabel = "N",
            defaultValue = "200000",
            converter = BenchReplayCommand.Positive.class,
            description = "messages loaded into the topic (default ${DEFAULT-VALUE})")
    int records;

    @Option(
            names = "--body-bytes",
            paramLabel = "N",
            defaultValue = "1024",
            converter = BenchReplayCommand.Positive.class,
            description = "bytes in each message's JSON body (default ${DEFAULT-VALUE})")
    int bodyBytes;

    @Option(
            names = "--pushes",
            paramLabel = "K",
            defaultValue = "30",
            converter = BenchReplayCommand.Positive.class,
            description = "versions pushed and timed one after another (default ${DEFAULT-VALUE})")
    int pushes;

    @Option(
            names = "--rounds",
            paramLabel = "N",
            defaultValue = "2",
            converter = BenchReplayCommand.Positive.class,
            description = "throughput runs with and without swaps, each (default ${DEFAULT-VALUE})")
    int rounds;

    @Option(
            names = "--warmup-rounds",
            paramLabel = "N",
            defaultValue = "1",
            description =
                    "rounds of both runs first, not counted: JIT warm-up (default ${DEFAULT-VALUE})")
    int warmupRounds;

    @Option(
            names = "--swap-interval",
            paramLabel = "SECONDS",
            defaultValue = "10",
            converter = BenchReplayCommand.Positive.class,
            description = "seconds between swaps in the swap runs (default ${DEFAULT-VALUE})")
    int swapIntervalSeconds;

    @Option(
            names = "--routes",
            paramLabel = "FILE",
            defaultValue = "examples/bench/routes-1000.yaml",
            description = {
                "the routes pushed, alternating with a copy whose first '> N' threshold is N + 1",
                "(default ${DEFAULT-VALUE})"
            })
    Path routesFile;

    @Option(
            names = "--work-dir",
            paramLabel = "DIR",
            defaultValue = "hubroute-bench-routes",
            description = {
                "where the topics' logs and checkpoints go; deleted at the end",
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

    BenchRoutesCommand(Streams streams) {
        this.streams = streams;
    }

    @Override
    public Integer call() throws Exception {
        checkUsage();
        return new RoutesBenchmark(streams.out(), streams.err()).run(this);
    }

    /** What picocli cannot check alone: exit 2 with the problem and the fix. */
    private void checkUsage() {
        UsageErrors.requireFile(spec, "--routes", routesFile);
        UsageErrors.requireBodyBytes(spec, bodyBytes);
    }
}
