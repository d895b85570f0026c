package io.hubroute.sink.amqp.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubroute.message.Message;
import io.hubroute.message.MessageProperties;
import io.hubroute.message.RoutingSource;
import io.hubroute.sink.DeadLetterEndpoint;
import io.hubroute.sink.EndpointHealth;
import io.hubroute.sink.FailurePolicy;
import io.hubroute.sink.RetryPolicy;
import io.hubroute.sink.RoutedMessage;
import io.hubroute.sink.SinkMetrics;
import io.hubroute.sink.amqp.ServiceBusSink;
import io.hubroute.sink.amqp.ServiceBusSinkBuilder;
import io.hubroute.sink.amqp.ServiceBusSinkOptions;
import io.hubroute.sink.internal.DeadLetterDiversion;
import io.hubroute.sink.internal.EndpointAuthenticationException;
import io.hubroute.sink.testing.CollectingSinkWriter;
import io.hubroute.sink.testing.CollectingStringWriter;
import io.hubroute.sink.testing.CountingMetricGroup;
import jakarta.jms.CompletionListener;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.MessageFormatException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.qpid.jms.exceptions.JMSSecuritySaslException;
import org.junit.jupiter.api.Test;

/**
 * The Service Bus writer against a hand-written fake broker. Under DEAD_LETTER, with messages it
 * refuses for a while: each message is tried for itself and dead-lettered with its own attempts and
 * reason; the messages behind one that spent the budget are delivered, not diverted untried. Under
 * BACKPRESSURE, with messages it can never take: each is diverted alone to the undeliverable sink
 * and the rest are delivered in order; an endpoint refusing everyone is retried, never diverted.
 * Refused credentials fail the write at once under either policy, diverting nothing.
 */
class ServiceBusWriterTest {
    private final FakeBroker broker = new FakeBroker();
    private final CollectingSinkWriter deadLetters = new CollectingSinkWriter();
    private final CollectingStringWriter undeliverable = new CollectingStringWriter();
    private final CountingMetricGroup metrics = new CountingMetricGroup();
    private ServiceBusWriter writer =
            ServiceBusWriter.withDiversions(
                    options(FailurePolicy.DEAD_LETTER), broker, metrics, deadLetters, null);

    private void backpressure(CollectingStringWriter undeliverableWriter) {
        writer =
                ServiceBusWriter.withDiversions(
                        options(FailurePolicy.BACKPRESSURE),
                        broker,
                        metrics,
                        null,
                        undeliverableWriter);
    }

    private static ServiceBusSinkOptions options(FailurePolicy failurePolicy) {
        ServiceBusSinkBuilder builder =
                ServiceBusSink.builder()
                        .setEndpointName("alerts")
                        .setAmqpUri("amqp://127.0.0.1:1")
                        .setEntityPath("alerts")
                        .setRetryPolicy(
                                RetryPolicy.builder()
                                        .setInitialDelay(Duration.ofMillis(1))
                                        .setMaxDelay(Duration.ofMillis(1))
                                        .setMaxAttempts(3)
                                        .build())
                        .setMaxInFlight(10);
        if (failurePolicy == FailurePolicy.DEAD_LETTER) {
            builder.setFailurePolicy(FailurePolicy.DEAD_LETTER)
                    .setDeadLetterEndpoint(
                            DeadLetterEndpoint.of(
                                    "deadletters",
                                    ServiceBusSink.builder()
                                            .setEndpointName("deadletters")
                                            .setAmqpUri("amqp://127.0.0.1:1")
                                            .setEntityPath("deadletters")
                                            .build()));
        }
        return builder.build().options();
    }

    @Test
    void aMessageThatSpendsTheBudgetIsDivertedAloneAndTheMessagesBehindItAreDelivered()
            throws Exception {
        broker.refused.add("m-1");
        for (int i = 0; i < 5; i++) {
            write(i);
        }
        broker.answer(5);

        writer.flush(false);

        assertThat(deadLetters.diverted()).containsExactly("m-1 3 JMSException: refused m-1 again");
        assertThat(broker.accepted).containsExactly("m-0", "m-2", "m-3", "m-4");
    }

    @Test
    void whileTheEndpointIsDeadEveryMessageGetsAnAttemptOfItsOwnAndItsOwnReason() throws Exception {
        broker.refused.add("m-0");
        write(0);
        broker.answer(1);
        writer.flush(false);
        assertThat(deadLetters.diverted()).containsExactly("m-0 3 JMSException: refused m-0 again");

        // the endpoint is dead: m-1 is refused too, m-2 and m-3 behind it are not answered yet
        broker.refused.add("m-1");
        write(1);
        write(2);
        write(3);
        broker.answer(1);
        writer.flush(false);

        assertThat(deadLetters.diverted())
                .containsExactly(
                        "m-0 3 JMSException: refused m-0 again", "m-1 1 JMSException: refused m-1");
        assertThat(broker.accepted).containsExactly("m-2", "m-3");

        // the endpoint works again; two more are refused for good, each diverted for itself
        broker.refused.add("m-4");
        broker.refused.add("m-5");
        write(4);
        write(5);
        write(6);
        broker.answer(3);
        writer.flush(false);

        assertThat(deadLetters.diverted())
                .containsExactly(
                        "m-0 3 JMSException: refused m-0 again",
                        "m-1 1 JMSException: refused m-1",
                        "m-4 3 JMSException: refused m-4 again",
                        "m-5 1 JMSException: refused m-5 again");
        assertThat(broker.accepted).containsExactly("m-2", "m-3", "m-6");
    }

    @Test
    void underBackpressureAMessageTooLargeIsDivertedAloneAndTheMessagesAroundItAreDeliveredInOrder()
            throws Exception {
        backpressure(undeliverable);
        broker.tooLarge.add("m-2");
        for (int i = 0; i < 5; i++) {
            write(i);
        }
        broker.answer(5);

        writer.flush(false);

        assertThat(broker.accepted).containsExactly("m-0", "m-1", "m-3", "m-4");
        // refused asynchronously, then once more on a connection of its own: its own refusal
        assertThat(undeliverable.diverted())
                .containsExactly("m-2 2 JMSException: " + FakeBroker.tooLargeText("m-2"));
        JsonNode line = undeliverable.lines().get(0);
        assertThat(line.path("endpoint").asText()).isEqualTo("alerts");
        assertThat(line.path("deviceId").asText()).isEqualTo("device-1");
        assertThat(line.path("deliveryId").asText()).isEqualTo("iothub/0/2/alerts");
        assertThat(line.path("partition").asInt()).isZero();
        assertThat(line.path("enqueuedTimeMillis").asLong()).isEqualTo(1_714_558_530_002L);
        assertThat(deadLetters.written).isEmpty();
        assertThat(metrics.count(SinkMetrics.UNDELIVERABLE)).isEqualTo(1);
        assertThat(metrics.health()).isNotIn(EndpointHealth.UNHEALTHY, EndpointHealth.DEAD);
    }

    @Test
    void aMessageThatCannotBeMappedIsDivertedWithoutDroppingTheConnection() throws Exception {
        backpressure(undeliverable);
        broker.unmappable.add("m-1");
        for (int i = 0; i < 3; i++) {
            write(i);
        }
        broker.answer(2);

        writer.flush(false);

        assertThat(broker.accepted).containsExactly("m-0", "m-2");
        assertThat(undeliverable.diverted())
                .containsExactly("m-1 1 MessageFormatException: cannot map m-1");
        assertThat(broker.connectionsDropped).isZero();
    }

    @Test
    void anAuthorizationRefusalIsRetriedUntilItPassesAndNeverDivertedMessageByMessage()
            throws Exception {
        backpressure(undeliverable);
        broker.healthOnRefusal = metrics::health;
        broker.denied = 6;
        for (int i = 0; i < 3; i++) {
            write(i);
        }
        broker.answer(3);

        writer.flush(false);

        assertThat(broker.accepted).containsExactly("m-0", "m-1", "m-2");
        assertThat(undeliverable.written).isEmpty();
        assertThat(broker.healthSeenByRefusals).contains(EndpointHealth.DEAD);
        assertThat(metrics.count(SinkMetrics.UNDELIVERABLE)).isZero();
    }

    @Test
    void refusedCredentialsFailTheWriteAtOnceUnderBackpressureAndDivertNothing() throws Exception {
        backpressure(undeliverable);
        broker.saslRefused = true;

        assertThatThrownBy(() -> write(0))
                .isInstanceOf(EndpointAuthenticationException.class)
                .hasMessageStartingWith(
                        "endpoint 'alerts': authentication failed: the broker at"
                                + " amqp://127.0.0.1:1 refused a connection without credentials")
                .hasCauseInstanceOf(JMSSecuritySaslException.class);
        assertThat(broker.saslAttempts).as("connection attempts").isEqualTo(1);
        assertThat(undeliverable.written).isEmpty();
        assertThat(metrics.count(SinkMetrics.UNDELIVERABLE)).isZero();
    }

    @Test
    void refusedCredentialsFailTheWriteAtOnceUnderDeadLetterAndDivertNothing() throws Exception {
        broker.saslRefused = true;

        assertThatThrownBy(() -> write(0))
                .isInstanceOf(EndpointAuthenticationException.class)
                .hasMessageContaining("authentication failed");
        assertThat(broker.saslAttempts).as("connection attempts").isEqualTo(1);
        assertThat(deadLetters.written).isEmpty();
        assertThat(metrics.count(SinkMetrics.DEAD_LETTERED)).isZero();
    }

    @Test
    void withNowhereToDivertAMessageTooLargeFailsTheJobNamingTheSettingToAdd() throws Exception {
        backpressure(null);
        broker.tooLarge.add("m-1");
        write(0);
        write(1);
        broker.answer(2);

        assertThatThrownBy(() -> writer.flush(false))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("endpoint 'alerts' can never take message iothub/0/1/alerts")
                .hasMessageContaining("call setUndeliverableSink(...)");
        assertThat(broker.accepted).containsExactly("m-0");
    }

    private void write(int i) throws Exception {
        writer.write(delivery(i), DeadLetterDiversion.noContext());
    }

    private static RoutedMessage delivery(int i) {
        Message message =
                Message.builder(RoutingSource.DEVICE_MESSAGES)
                        .systemProperties(
                                MessageProperties.of(
                                        "messageId", "m-" + i, "connectionDeviceId", "device-1"))
                        .body("{\"i\":" + i + "}")
                        .build();
        return new RoutedMessage(
                "alerts", message, 0, 1_714_558_530_000L + i, "iothub/0/" + i + "/alerts");
    }

    /**
     * A broker that refuses some messages for good (or, too large for it, for ever), denies the
     * next {@link #denied} sends (as an endpoint whose policy lacks the Send claim does), and
     * answers asynchronous sends when the test says so; a dropped connection fails the sends still
     * unanswered, as Qpid JMS does. Sending one message again and again is a test failure, not a
     * hang.
     */
    private static final class FakeBroker implements AmqpSender {
        private static final int MOST_SENDS_OF_ONE_MESSAGE = 20;

        final Set<String> refused = new HashSet<>();
        final Set<String> tooLarge = new HashSet<>();
        final Set<String> unmappable = new HashSet<>();
        final List<String> accepted = new ArrayList<>();
        final List<EndpointHealth> healthSeenByRefusals = new ArrayList<>();
        Supplier<EndpointHealth> healthOnRefusal = () -> EndpointHealth.UNKNOWN;
        int denied;

        /** Every connection fails SASL, as with a wrong key; counted in {@link #saslAttempts}. */
        boolean saslRefused;

        int saslAttempts;
        int connectionsDropped;
        private final List<Object[]> unanswered = new ArrayList<>();
        private final Map<String, Integer> sends = new HashMap<>();

        /** What Qpid JMS makes of Service Bus refusing a message's size. */
        static String tooLargeText(String messageId) {
            return "The received message ("
                    + messageId
                    + ") exceeds the limit (262144 bytes) currently allowed on the link."
                    + " [condition = amqp:link:message-size-exceeded]";
        }

        private void countSend(String messageId) {
            if (sends.merge(messageId, 1, Integer::sum) > MOST_SENDS_OF_ONE_MESSAGE) {
                throw new AssertionError(messageId + " sent again and again");
            }
        }

        /** The broker's answer to one send of {@code messageId}: null when it takes it. */
        private JMSException refusal(String messageId, boolean again) {
            if (denied > 0) {
                denied--;
                healthSeenByRefusals.add(healthOnRefusal.get());
                return new JMSSecurityException(
                        "unauthorized access [condition = amqp:unauthorized-access]");
            }
            if (tooLarge.contains(messageId)) {
                healthSeenByRefusals.add(healthOnRefusal.get());
                return new JMSException(tooLargeText(messageId));
            }
            if (refused.contains(messageId)) {
                return new JMSException("refused " + messageId + (again ? " again" : ""));
            }
            return null;
        }

        /** Answers the first {@code count} unanswered sends, in order. */
        void answer(int count) {
            for (int i = 0; i < count; i++) {
                Object[] send = unanswered.remove(0);
                String messageId = (String) send[0];
                CompletionListener listener = (CompletionListener) send[1];
                JMSException refusal = refusal(messageId, false);
                if (refusal != null) {
                    listener.onException(null, refusal);
                } else {
                    accepted.add(messageId);
                    listener.onCompletion(null);
                }
            }
        }

        @Override
        public void sendAsync(RoutedMessage delivery, String messageId, CompletionListener listener)
                throws JMSException {
            countSend(messageId);
            connect();
            if (unmappable.contains(messageId)) {
                throw new MessageFormatException("cannot map " + messageId);
            }
            unanswered.add(new Object[] {messageId, listener});
        }

        @Override
        public void sendAndWait(RoutedMessage delivery, String messageId) throws JMSException {
            countSend(messageId);
            connect();
            if (unmappable.contains(messageId)) {
                throw new MessageFormatException("cannot map " + messageId);
            }
            JMSException refusal = refusal(messageId, true);
            if (refusal != null) {
                throw refusal;
            }
            accepted.add(messageId);
        }

        /** What Qpid JMS's {@code createConnection()} throws when the broker refuses SASL. */
        private void connect() throws JMSException {
            if (saslRefused) {
                saslAttempts++;
                throw new JMSSecuritySaslException(
                        "Client failed to authenticate using SASL: PLAIN");
            }
        }

        @Override
        public void close() {
            connectionsDropped++;
            for (Object[] send : unanswered) {
                ((CompletionListener) send[1])
                        .onException(null, new JMSException("connection closed"));
            }
            unanswered.clear();
        }
    }
}
