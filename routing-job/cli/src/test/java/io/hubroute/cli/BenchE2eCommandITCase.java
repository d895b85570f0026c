package io.hubroute.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench-e2e} end to end on a few messages: hubroute's run and the pass-through, each in a
 * JVM of its own, on an embedded broker; the command checks every run wrote what it should
 * (hubroute: the deliveries of its summary; the pass-through: the copies it made) and measures
 * latency with a live feed. Times nothing: the figures are in docs/performance.md.
 */
class BenchE2eCommandITCase {
    private static final Path BENCH = ExamplesTest.EXAMPLES.resolve("bench");

    @Test
    void bothJobsWriteWhatTheyShouldAndTheTableAndChartAreWritten(@TempDir Path directory)
            throws Exception {
        Path output = directory.resolve("figures.md");
        Path chart = directory.resolve("figures.svg");
        Path json = directory.resolve("runs.json");
        Path workDir = directory.resolve("work");

        CommandTestSupport.Run run =
                CommandTestSupport.run(
                        "bench-e2e",
                        "--messages",
                        "3000",
                        "--rounds",
                        "1",
                        "--routes",
                        BENCH.resolve("routes-100.yaml").toString(),
                        "--jobs",
                        "hubroute,pass-through",
                        "--latency-seconds",
                        "15",
                        "--heap",
                        "512m",
                        "--work-dir",
                        workDir.toString(),
                        "--output",
                        output.toString(),
                        "--chart",
                        chart.toString(),
                        "--json",
                        json.toString());

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out())
                .contains("loaded 3,000 messages")
                .containsPattern(
                        "hubroute routes-100.yaml p1 round 1: [0-9,]+ records/s, .*, [0-9,]+"
                                + " records out \\(as expected\\)")
                .containsPattern(
                        "pass-through routes-100.yaml p1 round 1: [0-9,]+ records/s, .*, [0-9,]+"
                                + " records out \\(as expected\\)")
                .containsPattern(
                        "latency, routes-100.yaml p1 at [0-9,]+ messages/s: .* p99 [0-9]+ ms");
        String figures = Files.readString(output);
        assertThat(figures)
                .containsPattern("\\| routes-100.yaml \\| 1 \\| hubroute \\| 1 \\| [0-9,]+ ")
                .containsPattern(
                        "\\| routes-100.yaml \\| 1 \\| pass-through \\| 1 \\| .* \\| [0-9.]+× \\|");
        assertThat(Files.readString(chart))
                .startsWith("<svg")
                .contains("data-job=\"hubroute\"", "data-job=\"pass-through\"");
        assertThat(Files.readString(json)).contains("\"job\" : \"pass-through\"");
        try (Stream<Path> left = Files.list(workDir)) {
            assertThat(left).as("the topics' logs and checkpoints are deleted").isEmpty();
        }
    }
}
