package io.hubroute.sink.amqp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.hubroute.message.Message;
import io.hubroute.message.MessageProperties;
import io.hubroute.message.RoutingSource;
import io.hubroute.sink.DeadLetterEndpoint;
import io.hubroute.sink.FailurePolicy;
import io.hubroute.sink.RetryPolicy;
import io.hubroute.sink.RoutedMessage;
import io.hubroute.sink.amqp.ServiceBusSink;
import io.hubroute.sink.amqp.ServiceBusSinkOptions;
import io.hubroute.sink.internal.DeadLetterDiversion;
import io.hubroute.sink.testing.CollectingSinkWriter;
import jakarta.jms.CompletionListener;
import jakarta.jms.JMSException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;

/**
 * The Service Bus writer under DEAD_LETTER against a hand-written fake broker that refuses some
 * messages for good: each message is tried for itself and dead-lettered with its own attempts and
 * reason; the messages behind one that spent the budget are delivered, not diverted untried.
 */
class ServiceBusWriterTest {
    private final FakeBroker broker = new FakeBroker();
    private final CollectingSinkWriter deadLetters = new CollectingSinkWriter();
    private final ServiceBusWriter writer =
            new ServiceBusWriter(options(), broker, new UnregisteredMetricsGroup(), deadLetters);

    private static ServiceBusSinkOptions options() {
        ServiceBusSink deadLetterSink =
                ServiceBusSink.builder()
                        .setEndpointName("deadletters")
                        .setAmqpUri("amqp://127.0.0.1:1")
                        .setEntityPath("deadletters")
                        .build();
        return ServiceBusSink.builder()
                .setEndpointName("alerts")
                .setAmqpUri("amqp://127.0.0.1:1")
                .setEntityPath("alerts")
                .setRetryPolicy(
                        RetryPolicy.builder()
                                .setInitialDelay(Duration.ofMillis(1))
                                .setMaxDelay(Duration.ofMillis(1))
                                .setMaxAttempts(3)
                                .build())
                .setFailurePolicy(FailurePolicy.DEAD_LETTER)
                .setDeadLetterEndpoint(DeadLetterEndpoint.of("deadletters", deadLetterSink))
                .setMaxInFlight(10)
                .build()
                .options();
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
        return new RoutedMessage("alerts", message, 0, 1_714_558_530_000L + i);
    }

    /**
     * A broker that refuses some messages for good and answers asynchronous sends when the test
     * says so; a dropped connection fails the sends still unanswered, as Qpid JMS does.
     */
    private static final class FakeBroker implements AmqpSender {
        final Set<String> refused = new HashSet<>();
        final List<String> accepted = new ArrayList<>();
        private final List<Object[]> unanswered = new ArrayList<>();

        /** Answers the first {@code count} unanswered sends, in order. */
        void answer(int count) {
            for (int i = 0; i < count; i++) {
                Object[] send = unanswered.remove(0);
                String messageId = (String) send[0];
                CompletionListener listener = (CompletionListener) send[1];
                if (refused.contains(messageId)) {
                    listener.onException(null, new JMSException("refused " + messageId));
                } else {
                    accepted.add(messageId);
                    listener.onCompletion(null);
                }
            }
        }

        @Override
        public void sendAsync(
                RoutedMessage delivery, String messageId, CompletionListener listener) {
            unanswered.add(new Object[] {messageId, listener});
        }

        @Override
        public void sendAndWait(RoutedMessage delivery, String messageId) throws JMSException {
            if (refused.contains(messageId)) {
                throw new JMSException("refused " + messageId + " again");
            }
            accepted.add(messageId);
        }

        @Override
        public void close() {
            for (Object[] send : unanswered) {
                ((CompletionListener) send[1])
                        .onException(null, new JMSException("connection closed"));
            }
            unanswered.clear();
        }
    }
}
