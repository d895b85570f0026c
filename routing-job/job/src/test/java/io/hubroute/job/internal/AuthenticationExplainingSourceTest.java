package io.hubroute.job.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.hubroute.job.source.SourceAuthenticationException;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.util.FlinkRuntimeException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

class AuthenticationExplainingSourceTest {
    private static final KafkaSource<String> KAFKA =
            KafkaSource.<String>builder()
                    .setBootstrapServers("ns.servicebus.windows.net:9093")
                    .setTopics("telemetry")
                    .setValueOnlyDeserializer(new SimpleStringSchema())
                    .build();

    private static AuthenticationExplainingSource<String> source(boolean connectionString) {
        return new AuthenticationExplainingSource<>(
                KAFKA,
                "d2c source [telemetry] at ns.servicebus.windows.net:9093",
                connectionString);
    }

    /** As Flink's Kafka enumerator reports a failed partition discovery. */
    private static RuntimeException discoveryFailed(Throwable cause) {
        return new FlinkRuntimeException(
                "Failed to list subscribed topic partitions due to ",
                new RuntimeException("Failed to get metadata for topics [telemetry].", cause));
    }

    @Test
    void aRefusedConnectionStringNamesTheSourceAndItsPartsToCheck() {
        RuntimeException failure =
                discoveryFailed(
                        new SaslAuthenticationException(
                                "Authentication failed: Invalid username or password"));

        RuntimeException explained = source(true).explain(failure);

        assertThat(explained)
                .isInstanceOf(SourceAuthenticationException.class)
                .hasCause(failure)
                .hasMessage(
                        "d2c source [telemetry] at ns.servicebus.windows.net:9093: authentication"
                                + " failed: the Event Hubs namespace refused the connection string"
                                + " (SASL PLAIN, user $ConnectionString): check"
                                + " source.eventHubsConnectionString, its SharedAccessKeyName (a"
                                + " shared access policy of this namespace or event hub), its"
                                + " SharedAccessKey (that policy's current primary or secondary"
                                + " key; regenerating a key revokes the old one) and its Endpoint"
                                + " (the namespace the policy belongs to,"
                                + " sb://<namespace>.servicebus.windows.net/); retrying cannot fix"
                                + " this, so the job fails now: correct the setting and start the"
                                + " job again. Cause: SaslAuthenticationException: Authentication"
                                + " failed: Invalid username or password");
    }

    @Test
    void aFailedHandshakeNamesTheTrustStoreSettings() {
        RuntimeException explained =
                source(true).explain(discoveryFailed(new SslAuthenticationException("SSL failed")));

        assertThat(explained.getMessage())
                .contains(": authentication failed: the TLS handshake failed:")
                .contains("source.kafkaProperties.ssl.truststore.location");
    }

    @Test
    void saslSettingsOfTheirOwnAreNamedWithoutAConnectionString() {
        RuntimeException explained =
                source(false).explain(discoveryFailed(new SaslAuthenticationException("no")));

        assertThat(explained.getMessage())
                .contains(
                        "the broker refused the SASL credentials: check sasl.mechanism and the"
                                + " user name and password in"
                                + " source.kafkaProperties.sasl.jaas.config");
    }

    @Test
    void otherFailuresAndExplainedOnesPassUnchanged() {
        AuthenticationExplainingSource<String> source = source(true);
        RuntimeException timeout = discoveryFailed(new TimeoutException("no answer"));
        RuntimeException explained =
                source.explain(discoveryFailed(new SaslAuthenticationException("no")));

        assertThat(source.explain(timeout)).isSameAs(timeout);
        assertThat(source.explain(explained)).isSameAs(explained);
        assertThat(source.getProducedType()).isEqualTo(KAFKA.getProducedType());
        assertThat(source.getBoundedness()).isEqualTo(KAFKA.getBoundedness());
    }
}
