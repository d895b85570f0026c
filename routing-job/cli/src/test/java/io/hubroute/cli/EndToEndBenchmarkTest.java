package io.hubroute.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hubroute.cli.EndToEndBenchmark.Run;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pure parts of {@code bench-e2e}: pointing routes at topics, copies, the figures. */
class EndToEndBenchmarkTest {
    @Test
    void benchEndpointsAndTheBuiltInEndpointGetTopicsOfTheRun() {
        String yaml =
                String.join(
                        "\n",
                        "hubName: bench-hub",
                        "endpoints:",
                        "  eventHubs:",
                        "    - {name: hub0, connectionString: '${env:BENCH_CONNECTION}'}",
                        "    - {name: hub1, connectionString: '${env:BENCH_CONNECTION}'}",
                        "");

        String pointed = EndToEndBenchmark.pointedAt(yaml, "r7-hubroute-");

        assertThat(pointed)
                .startsWith(
                        "builtInEndpoint: {connectionString: '${env:BENCH_CONNECTION}',"
                                + " entityPath: r7-hubroute-events}\n")
                .contains(
                        "{name: hub0, connectionString: '${env:BENCH_CONNECTION}', entityPath:"
                                + " r7-hubroute-hub0}",
                        "{name: hub1, connectionString: '${env:BENCH_CONNECTION}', entityPath:"
                                + " r7-hubroute-hub1}");
    }

    @Test
    void copiesAddUpToTheFanOutOfTheRecords() {
        for (double fanOut : new double[] {0.0, 0.5, 1.0, 1.83, 2.1, 3.0}) {
            long total = 0;
            for (long index = 0; index < 10_000; index++) {
                int copies = PassThroughJob.copiesOf(index, fanOut);
                assertThat(copies).isBetween((int) Math.floor(fanOut), (int) Math.ceil(fanOut));
                total += copies;
            }
            assertThat(total).isEqualTo(Math.round(10_000 * fanOut));
        }
    }

    @Test
    void theTableHasTheMedianAndRangeOfTheRoundsAndHubroutesRatios() {
        List<Run> runs =
                List.of(
                        run("hubroute", 1, 10.0, 100),
                        run("pass-through", 1, 5.0, 50),
                        run("hubroute", 2, 8.0, 120),
                        run("pass-through", 2, 4.0, 40),
                        run("hubroute", 3, 12.0, 110),
                        run("pass-through", 3, 4.5, 45));

        List<EndToEndReport.Group> groups = EndToEndReport.groups(runs);
        assertThat(groups)
                .extracting(EndToEndReport.Group::job)
                .containsExactly("hubroute", "pass-through");
        // 100,000 records over 10, 8 and 12 s: median 10,000/s, from 8,333 to 12,500
        assertThat(groups.get(0).median(Run::recordsPerSecond)).isEqualTo(10_000.0);
        String svg = EndToEndReport.svg(runs);
        assertThat(svg).contains("data-job=\"hubroute\"", "data-median=\"10000\"");
        assertThat(svg).contains("data-job=\"pass-through\"", "data-median=\"22222\"");
    }

    private static Run run(String job, int round, double seconds, long output) {
        return new Run(
                job,
                "routes-100.yaml",
                1,
                round,
                100_000,
                output,
                output,
                seconds,
                seconds,
                0.5 * seconds,
                1.0);
    }
}
