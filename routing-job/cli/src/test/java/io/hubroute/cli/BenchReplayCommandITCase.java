package io.hubroute.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench-replay} end to end on a small history: an embedded Kafka and a folder of Avro blobs,
 * both jobs on both, each run checked by the command to have counted every message. Times nothing.
 */
class BenchReplayCommandITCase {
    private static final Path BENCH = ExamplesTest.EXAMPLES.resolve("bench");

    @Test
    void bothJobsCountEveryMessageOfBothSourcesAndTheFiguresAreWritten(@TempDir Path directory)
            throws Exception {
        Path output = directory.resolve("figures.md");
        Path workDir = directory.resolve("work");

        CommandTestSupport.Run run =
                CommandTestSupport.run(
                        "bench-replay",
                        "--records",
                        "2000",
                        "--rounds",
                        "1",
                        "--baseline",
                        BENCH.resolve("routes-100.yaml").toString(),
                        "--candidate",
                        BENCH.resolve("routes-100-candidate.yaml").toString(),
                        "--work-dir",
                        workDir.toString(),
                        "--output",
                        output.toString());

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out())
                .contains("loaded 2,000 messages")
                .contains("topic d2c (2 partitions, 2,000 acknowledged)")
                .contains("kafka read-only round 1: 2,000 records in")
                .contains("kafka dry run round 1: 2,000 records in")
                .contains("archive read-only round 1: 2,000 records in")
                .contains("archive dry run round 1: 2,000 records in")
                .containsPattern("dry run round 1: .*, [1-9][0-9,]* messages changed endpoints");
        String figures = Files.readString(output);
        assertThat(figures)
                .containsPattern("\\| kafka \\| [0-9.]+× \\|")
                .containsPattern("\\| archive \\| [0-9.]+× \\|")
                .contains("| kafka read-only, round 1 |", "| archive dry run, round 1 |");
        try (Stream<Path> left = Files.list(workDir)) {
            assertThat(left).as("the topic's log and the blobs are deleted").isEmpty();
        }
    }
}
