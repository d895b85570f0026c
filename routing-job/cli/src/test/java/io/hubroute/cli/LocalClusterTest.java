package io.hubroute.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

class LocalClusterTest {
    @Test
    void everyAddressFlinkBindsIsLoopbackByDefault() throws Exception {
        LocalCluster cluster = LocalCluster.of(null, null);
        Configuration flink = new Configuration();

        cluster.applyTo(flink);

        assertThat(flink.toMap())
                .containsEntry("rest.bind-address", "127.0.0.1")
                .containsEntry("rest.address", "127.0.0.1")
                .containsEntry("rest.bind-port", Integer.toString(cluster.webUiPort()))
                .containsEntry("jobmanager.bind-host", "127.0.0.1")
                .containsEntry("jobmanager.rpc.address", "127.0.0.1")
                .containsEntry("taskmanager.bind-host", "127.0.0.1")
                .containsEntry("taskmanager.host", "127.0.0.1");
        assertThat(cluster.webUiPort()).isPositive();
        assertThat(cluster.webUiUrl()).isEqualTo("http://127.0.0.1:" + cluster.webUiPort() + "/");
    }

    @Test
    void anotherBindAddressMovesOnlyTheWebUiAndSaysWhatItOpens() throws Exception {
        LocalCluster cluster = LocalCluster.of("0.0.0.0", 18081);
        Configuration flink = new Configuration();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        cluster.applyTo(flink);
        cluster.describe(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(flink.toMap())
                .containsEntry("rest.bind-address", "0.0.0.0")
                .containsEntry("rest.bind-port", "18081")
                .containsEntry("jobmanager.bind-host", "127.0.0.1")
                .containsEntry("taskmanager.bind-host", "127.0.0.1");
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("listen on 0.0.0.0:18081 (--bind-address)")
                .contains("anyone who can reach it can upload jars and run code");
        assertThat(LocalCluster.of(null, 18081).isLoopback()).isTrue();
    }

    @Test
    void noMetricsPortNoReporter() throws Exception {
        Configuration flink = new Configuration();

        LocalCluster.of(null, null).applyTo(flink);

        assertThat(flink.toMap().keySet()).noneMatch(key -> key.startsWith("metrics.reporter."));
    }

    @Test
    void aMetricsPortTurnsOnFlinksPrometheusReporterAndPrintsItsUrl() throws Exception {
        int port = freePort();
        LocalCluster cluster = LocalCluster.of(null, null, port);
        Configuration flink = new Configuration();
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        cluster.applyTo(flink);
        cluster.describe(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

        assertThat(flink.toMap())
                .containsEntry(
                        "metrics.reporter.prom.factory.class",
                        "org.apache.flink.metrics.prometheus.PrometheusReporterFactory")
                .containsEntry("metrics.reporter.prom.port", Integer.toString(port))
                .containsEntry("metrics.reporter.prom.filterLabelValueCharacters", "false");
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("metrics: http://localhost:" + port + "/metrics");
    }

    @Test
    void aMetricsPortInUseIsRefusedBeforeAnythingStarts() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            int port = taken.getLocalPort();

            CommandTestSupport.Run run =
                    CommandTestSupport.run(
                            "run", "--metrics-port", Integer.toString(port), "--messages", "1");

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.err())
                    .isEqualTo(
                            "hubroute run: metrics port "
                                    + port
                                    + " is in use (another hubroute run, a Flink cluster, a"
                                    + " Prometheus exporter?): pass another --metrics-port, or stop"
                                    + " what listens on "
                                    + port
                                    + System.lineSeparator());
            assertThat(run.out()).isEmpty();
        }
    }

    @Test
    void aMetricsPortIsOneFrom1To65535() {
        CommandTestSupport.Run run = CommandTestSupport.run("run", "--metrics-port", "0");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .startsWith(
                        "hubroute run: invalid --metrics-port '0': give a port number from 1 to"
                                + " 65535");
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
