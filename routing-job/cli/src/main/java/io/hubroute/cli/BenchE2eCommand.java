package io.hubroute.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hubroute bench-e2e}: the routing job end to end against a Kafka pass-through and Flink SQL
 * on the same broker and records. The work is in {@link EndToEndBenchmark}; this class names no
 * Flink type.
 */
@Command(
        name = "bench-e2e",
        sortOptions = false,
        sortSynopsis = false,
        description = {
            "measure the job end to end against a Kafka pass-through and Flink SQL",
            "%nStarts an embedded Kafka broker, loads N IoT Hub messages into a topic of 2"
                    + " partitions, then round after round runs, each in a JVM of its own and one"
                    + " after another: hubroute run with the routes file; a Flink job copying"
                    + " each record to as many topics as hubroute delivered it to on average (the"
                    + " ceiling at the same fan-out); and the Flink SQL statement set of the"
                    + " same routes (one INSERT per route). Throughput is read from the output"
                    + " topics' append times, CPU from each job's process; every run's output is"
                    + " checked against what it should write. Prints a table;"
                    + " docs/performance.md has the figures."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:measured, and every run wrote exactly what it should",
            "1:a run failed or miscounted, the routes file has problems, or the SQL job is not"
                    + " built",
            "2:usage error"
        })
final class BenchE2eCommand implements Callable<Integer> {
    @Option(
            names = "--routes",
            paramLabel = "FILE",
            defaultValue = "examples/bench/routes-100.yaml",
            split = ",",
            description = {
                "routes files, each run in turn (default ${DEFAULT-VALUE});",
                "endpoints as examples/bench/generate.py writes them"
            })
    List<Path> routesFiles;

    @Option(
            names = "--messages",
            paramLabel = "N",
            defaultValue = "1000000",
            converter = BenchReplayCommand.Positive.class,
            description = "messages loaded into the topic (default ${DEFAULT-VALUE})")
    int messages;

    @Option(
            names = "--body-bytes",
            paramLabel = "N",
            defaultValue = "1024",
            converter = BenchReplayCommand.Positive.class,
            description = "bytes in each message's JSON body (default ${DEFAULT-VALUE})")
    int bodyBytes;

    @Option(
            names = "--jobs",
            paramLabel = "JOB",
            defaultValue = "hubroute,pass-through,flink-sql",
            split = ",",
            description = {
                "the jobs each round runs, in this order",
                "(default ${DEFAULT-VALUE}); the pass-through copies",
                "at the fan-out of the hubroute run before it"
            })
    List<String> jobs;

    @Option(
            names = "--parallelism",
            paramLabel = "P",
            defaultValue = "1",
            split = ",",
            converter = BenchReplayCommand.Positive.class,
            description = "parallelisms, each run in turn (default ${DEFAULT-VALUE})")
    List<Integer> parallelisms;

    @Option(
            names = "--rounds",
            paramLabel = "N",
            defaultValue = "3",
            converter = BenchReplayCommand.Positive.class,
            description = "rounds of every job (default ${DEFAULT-VALUE})")
    int rounds;

    @Option(
            names = "--checkpoint-interval",
            paramLabel = "SECONDS",
            defaultValue = "10",
            converter = BenchReplayCommand.Positive.class,
            description = "seconds between checkpoints, at-least-once (default ${DEFAULT-VALUE})")
    int checkpointSeconds;

    @Option(
            names = "--latency-seconds",
            paramLabel = "SECONDS",
            defaultValue = "60",
            description = {
                "then feed hubroute live at half its median throughput for this long",
                "and report p50/p99 latency; 0: no latency run (default ${DEFAULT-VALUE})"
            })
    int latencySeconds;

    @Option(
            names = "--latency-rate",
            paramLabel = "N",
            defaultValue = "0",
            description = {
                "messages per second for the latency run",
                "(default: half the median throughput of the first routes file)"
            })
    int latencyRate;

    @Option(
            names = "--heap",
            paramLabel = "SIZE",
            defaultValue = "2g",
            description = "each job JVM's -Xmx (default ${DEFAULT-VALUE})")
    String heap;

    @Option(
            names = "--before",
            paramLabel = "DIR",
            description = {
                "also run hubroute from another built checkout after each hubroute run",
                "(job hubroute-before: today's and the new figures side by side)"
            })
    Path before;

    @Option(
            names = "--profile",
            paramLabel = "DIR",
            description = "record a JFR profile of every hubroute run into DIR")
    Path profile;

    @Option(
            names = "--work-dir",
            paramLabel = "DIR",
            defaultValue = "hubroute-bench-e2e",
            description = {
                "where the topics' logs and checkpoints go; deleted at the end",
                "(default ${DEFAULT-VALUE})"
            })
    Path workDir;

    @Option(
            names = "--output",
            paramLabel = "FILE",
            description = "also write the table as markdown")
    Path output;

    @Option(names = "--chart", paramLabel = "FILE", description = "also write an SVG bar chart")
    Path chart;

    @Option(names = "--json", paramLabel = "FILE", description = "also write every run as JSON")
    Path json;

    @Mixin private HelpOption help;

    @Spec private CommandSpec spec;

    private final Streams streams;

    BenchE2eCommand(Streams streams) {
        this.streams = streams;
    }

    @Override
    public Integer call() throws Exception {
        checkUsage();
        return new EndToEndBenchmark(streams.out(), streams.err()).run(this);
    }

    /** What picocli cannot check alone: exit 2 with the problem and the fix. */
    private void checkUsage() {
        for (Path file : routesFiles) {
            UsageErrors.requireFile(spec, "--routes", file);
        }
        List<String> known =
                List.of(
                        EndToEndBenchmark.HUBROUTE,
                        EndToEndBenchmark.PASS_THROUGH,
                        EndToEndBenchmark.SQL);
        for (String job : jobs) {
            if (!known.contains(job)) {
                throw UsageErrors.error(
                        spec,
                        "--jobs "
                                + job
                                + ": no such job: give some of "
                                + String.join(", ", known));
            }
        }
        jobs = new ArrayList<>(new LinkedHashSet<>(jobs));
        if (!jobs.contains(EndToEndBenchmark.HUBROUTE)
                && (jobs.contains(EndToEndBenchmark.PASS_THROUGH)
                        || jobs.contains(EndToEndBenchmark.SQL))) {
            throw UsageErrors.error(
                    spec,
                    "--jobs "
                            + String.join(",", jobs)
                            + ": the pass-through's fan-out and the SQL job's expected output come"
                            + " from a hubroute run: add hubroute first");
        }
        if (jobs.indexOf(EndToEndBenchmark.HUBROUTE) != 0) {
            throw UsageErrors.error(
                    spec, "--jobs: put hubroute first (the others take figures from its run)");
        }
        if (before != null
                && !Files.isRegularFile(
                        before.resolve("routing-job/cli/target/runtime-classpath.txt"))) {
            throw UsageErrors.error(
                    spec,
                    "--before "
                            + before
                            + ": no routing-job/cli/target/runtime-classpath.txt there: build that"
                            + " checkout first (mvn -pl routing-job/cli -am package -DskipTests)");
        }
        UsageErrors.requireBodyBytes(spec, bodyBytes);
    }
}
