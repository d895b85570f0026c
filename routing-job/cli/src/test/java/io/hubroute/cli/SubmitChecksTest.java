package io.hubroute.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What {@code hubroute submit} refuses before it talks to a cluster: every check runs on the files
 * alone, so the JobManager address here leads nowhere.
 */
class SubmitChecksTest {
    private static final String ROUTES =
            "hubName: h\nbuiltInEndpoint: {connectionString: '${env:EVENTS}', entityPath: events}\n"
                    + "routes: []\nfallbackRoute: {isEnabled: true, endpointNames: [events]}\n";

    @TempDir Path work;

    private int submit(String routes, String config, ByteArrayOutputStream err) throws Exception {
        Path routesFile = Files.writeString(work.resolve("routes.yaml"), routes);
        Path configFile = Files.writeString(work.resolve("job.yaml"), config);
        return Main.run(
                new String[] {
                    "submit",
                    "--jobmanager",
                    "127.0.0.1:1",
                    "--routes",
                    routesFile.toString(),
                    "--config",
                    configFile.toString(),
                    "--detached"
                },
                new ByteArrayInputStream(new byte[0]),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void aSecretKafkaSettingWrittenInlineIsRefusedWithItsPosition() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit =
                submit(
                        ROUTES,
                        "source:\n  bootstrapServers: k:9093\n  topics: [d2c]\n  kafkaProperties:\n"
                                + "    sasl.jaas.config: 'PlainLoginModule required password=\"hunter2\";'\n",
                        err);

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains(
                        work.resolve("job.yaml")
                                + ":5:23: source.kafkaProperties.sasl.jaas.config is written inline")
                .doesNotContain("hunter2");
    }

    @Test
    void aPrivateKeyUnderAnyNameIsASecret() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit =
                submit(
                        ROUTES,
                        "source:\n  bootstrapServers: k:9093\n  topics: [d2c]\n  kafkaProperties:\n"
                                + "    custom.pem: '-----BEGIN PRIVATE KEY-----MIIEvQ-----END PRIVATE KEY-----'\n",
                        err);

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("source.kafkaProperties.custom.pem is written inline")
                .doesNotContain("MIIEvQ");
    }

    @Test
    void aReferenceInsideASecretIsAccepted() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit =
                submit(
                        ROUTES,
                        "source:\n  bootstrapServers: k:9093\n  topics: [d2c]\n  kafkaProperties:\n"
                                + "    sasl.jaas.config: 'PlainLoginModule required password=\"${env:PW}\";'\n",
                        err);

        // past every check: it fails only at the (absent) cluster
        assertThat(exit).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("cannot reach the Flink JobManager at 127.0.0.1:1 (POST /jars/upload)");
    }

    @Test
    void aStorageEndpointWithoutExactlyOnceCheckpointsIsRefused() throws Exception {
        String routes =
                "hubName: h\nendpoints:\n  storageContainers:\n"
                        + "    - {name: archive, connectionString: '${env:S}', containerName: c}\n"
                        + "routes:\n  - {name: all, source: DeviceMessages, condition: 'true', endpointNames: [archive]}\n";
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit =
                submit(
                        routes,
                        "source: {bootstrapServers: 'k:9092', topics: [d2c]}\ncheckpointing:\n  mode: at-least-once\n",
                        err);

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains(
                        "storage endpoint 'archive' writes exactly once only with exactly-once checkpoints, but checkpointing.mode is at-least-once");
    }

    @Test
    void everyProblemOfJobYamlIsReportedWithItsPosition() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = submit(ROUTES, "parallelism: none\nstateBackend: memory\n", err);

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains(work.resolve("job.yaml") + ":1:14: parallelism must be a whole number")
                .contains(
                        work.resolve("job.yaml")
                                + ":2:15: stateBackend must be hashmap or rocksdb");
    }

    @ParameterizedTest
    @CsvSource({
        "kafka://127.0.0.1:9092, true",
        "'kafka://a:9092,b:9092', true",
        "amqp://broker:5672, true",
        "amqps://ns.servicebus.windows.net, true",
        "amqp://user:pw@broker:5672, false",
        "amqps://host?jms.password=secret, false",
        "'Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=p;SharedAccessKey=k', false",
        "kafka://host:9092?sasl.jaas.config=x, false",
        "file:///data/archive, true",
        "hdfs://namenode:8020/archive, true",
        "abfss://telemetry@account.dfs.core.windows.net/archive, true",
        "s3://AKIAEXAMPLE:s3cr3t@bucket/prefix, false",
        "s3://bucket/prefix?secret=x, false",
        "file://data/archive, false"
    })
    void onlyABrokerAddressWithoutCredentialsMayBeInline(String connection, boolean secretFree) {
        assertThat(JobSubmitter.isSecretFree(connection)).isEqualTo(secretFree);
    }
}
