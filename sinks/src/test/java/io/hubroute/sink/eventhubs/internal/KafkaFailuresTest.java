package io.hubroute.sink.eventhubs.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.hubroute.sink.eventhubs.EventHubsSink;
import io.hubroute.sink.eventhubs.EventHubsSinkOptions;
import io.hubroute.sink.internal.FailureClassifier;
import io.hubroute.sink.internal.FailureKind;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class KafkaFailuresTest {
    private static final String KEY = "c2VjcmV0+a2V5/ZG8tbm90LWxvZw==";

    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of(
                        new SaslAuthenticationException("Invalid username or password"),
                        FailureKind.AUTHENTICATION),
                Arguments.of(
                        new SslAuthenticationException("SSL handshake failed"),
                        FailureKind.AUTHENTICATION),
                Arguments.of(
                        new KafkaException(
                                "send failed", new SaslAuthenticationException("refused")),
                        FailureKind.AUTHENTICATION),
                Arguments.of(
                        new TopicAuthorizationException(Set.of("telemetry")), FailureKind.ENDPOINT),
                Arguments.of(new RecordTooLargeException("too large"), FailureKind.MESSAGE),
                Arguments.of(new TimeoutException("expired"), FailureKind.TRANSIENT),
                Arguments.of(new NotLeaderOrFollowerException("moved"), FailureKind.TRANSIENT),
                Arguments.of(new UnsupportedVersionException("old"), FailureKind.UNFIXABLE));
    }

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @MethodSource("failures")
    void classifiesWhatTheProducerReports(Throwable failure, FailureKind kind) {
        assertThat(KafkaFailures.classify(failure)).isEqualTo(kind);
    }

    @Test
    void adviceForAConnectionStringNamesItsPartsAndTheNamespaceNeverTheKey() {
        EventHubsSinkOptions options =
                ((EventHubsSink)
                                EventHubsSink.builder()
                                        .setEndpointName("hub")
                                        .setEventHubsConnectionString(
                                                "Endpoint=sb://contoso.servicebus.windows.net/;"
                                                        + "SharedAccessKeyName=send;SharedAccessKey="
                                                        + KEY
                                                        + ";EntityPath=telemetry")
                                        .build())
                        .options();
        FailureClassifier classifier = KafkaFailures.forEndpoint(options);

        String advice = classifier.authenticationAdvice(new SaslAuthenticationException("no"));

        assertThat(advice)
                .startsWith(
                        "the Event Hubs namespace at contoso.servicebus.windows.net:9093 refused"
                                + " the connection string")
                .contains("SharedAccessKeyName", "SharedAccessKey", "Endpoint")
                .doesNotContain(KEY)
                .doesNotContain("send;");
        assertThat(classifier.authenticationAdvice(new SslAuthenticationException("handshake")))
                .startsWith("the TLS handshake with contoso.servicebus.windows.net:9093 failed")
                .contains("ssl.truststore.location");
        assertThat(classifier.classify(new SaslAuthenticationException("no")))
                .isEqualTo(FailureKind.AUTHENTICATION);
    }

    @Test
    void adviceForAPlainBrokerNamesTheSaslSettings() {
        EventHubsSinkOptions options =
                ((EventHubsSink)
                                EventHubsSink.builder()
                                        .setEndpointName("hub")
                                        .setBootstrapServers("kafka-1:9092")
                                        .setTopic("telemetry")
                                        .build())
                        .options();

        assertThat(
                        KafkaFailures.forEndpoint(options)
                                .authenticationAdvice(new SaslAuthenticationException("no")))
                .isEqualTo(
                        "the broker at kafka-1:9092 refused the SASL credentials: check"
                                + " sasl.mechanism and the user name and password in"
                                + " sasl.jaas.config");
    }
}
