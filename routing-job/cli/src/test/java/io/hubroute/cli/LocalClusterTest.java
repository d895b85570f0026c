package io.hubroute.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
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
}
