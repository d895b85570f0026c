package io.hubroute.sink.amqp.internal;

import io.hubroute.sink.DeadLetterEndpoint;
import io.hubroute.sink.RoutedMessage;
import io.hubroute.sink.amqp.ServiceBusSinkOptions;
import io.hubroute.sink.internal.DeadLetterDiversion;
import io.hubroute.sink.internal.EndpointMetrics;
import io.hubroute.sink.internal.Redaction;
import io.hubroute.sink.internal.Retrier;
import io.hubroute.sink.internal.RetriesExhaustedException;
import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.Session;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Service Bus sink's writer. Sends asynchronously and keeps every unacknowledged send in order;
 * {@link #flush} (called before each checkpoint barrier and at the end of input) returns only when
 * all of them are acknowledged, which is what makes the sink at-least-once.
 *
 * <p>When a send fails, the connection is dropped and the unacknowledged messages are sent again,
 * in order, one at a time and waiting for each acknowledgment, on a new connection: one attempt per
 * round, paced and budgeted by the {@link Retrier} (which reports the endpoint's health), until the
 * endpoint takes them all; then asynchronous sending resumes. Once the endpoint has failed for a
 * whole retry budget, the failure policy decides: keep retrying (back-pressure) or divert the
 * unacknowledged messages to the dead-letter endpoint. While the endpoint stays dead under
 * DEAD_LETTER, each new message is diverted after its own failed attempt.
 */
public final class ServiceBusWriter implements SinkWriter<RoutedMessage> {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceBusWriter.class);

    private final ServiceBusSinkOptions options;
    private final AmqpChannel channel;
    private final ServiceBusMessageMapper mapper = new ServiceBusMessageMapper();
    private final DeliveryIds deliveryIds = new DeliveryIds();
    private final ArrayDeque<PendingSend> unacknowledged = new ArrayDeque<>();
    private final EndpointMetrics metrics;
    private final Retrier retrier;
    private final SinkWriter<RoutedMessage> deadLetterWriter;
    private final String deadLetterEndpointName;

    public ServiceBusWriter(ServiceBusSinkOptions options, WriterInitContext context)
            throws IOException {
        this.options = options;
        this.channel = new AmqpChannel(options);
        this.metrics =
                EndpointMetrics.register(
                        context.metricGroup(),
                        options.endpointName(),
                        options.kind().endpointKind());
        // Every failure is worth another attempt on a new connection: a broker that refuses a
        // message for good is not told apart from one that is down.
        this.retrier =
                Retrier.forEndpoint(
                        options.endpointName(),
                        metrics.group(),
                        options.retryPolicy(),
                        options.failurePolicy(),
                        failure -> true);
        DeadLetterEndpoint deadLetterEndpoint = options.deadLetterEndpoint().orElse(null);
        this.deadLetterWriter =
                deadLetterEndpoint == null ? null : deadLetterEndpoint.openWriter(context);
        this.deadLetterEndpointName =
                deadLetterEndpoint == null ? null : deadLetterEndpoint.endpointName();
    }

    @Override
    public void write(RoutedMessage delivery, Context context)
            throws IOException, InterruptedException {
        PendingSend send = new PendingSend(delivery, deliveryIds.idOf(delivery));
        unacknowledged.addLast(send);
        try {
            Session session = channel.open();
            BytesMessage message = mapper.toJmsMessage(session, delivery);
            channel.sendAsync(message, send.messageId, send);
        } catch (JMSException | RuntimeException e) {
            send.fail(e);
        }
        settle(options.maxInFlight() - 1);
    }

    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
        settle(0);
        if (deadLetterWriter != null) {
            deadLetterWriter.flush(endOfInput);
        }
    }

    /**
     * Takes acknowledged sends off the head of the queue and waits until at most {@code
     * maxRemaining} are unacknowledged; a failed or timed-out send starts recovery.
     */
    private void settle(int maxRemaining) throws IOException, InterruptedException {
        while (!unacknowledged.isEmpty()) {
            PendingSend head = unacknowledged.peekFirst();
            PendingSend.State state =
                    unacknowledged.size() > maxRemaining
                            ? head.await(options.sendTimeout().toMillis())
                            : head.state();
            if (state == PendingSend.State.ACKNOWLEDGED) {
                unacknowledged.removeFirst();
                accepted(head);
                retrier.attemptSucceeded();
            } else if (state == PendingSend.State.FAILED) {
                recover(head.failure());
            } else if (unacknowledged.size() > maxRemaining) {
                recover(
                        new TimeoutException(
                                "no acknowledgment within "
                                        + options.sendTimeout().toMillis()
                                        + " ms"));
            } else {
                return;
            }
        }
    }

    /**
     * Drops the connection and sends every unacknowledged message again, retrying as the policies
     * say, until each is acknowledged or diverted. Returns with the queue empty.
     */
    private void recover(Exception cause) throws IOException, InterruptedException {
        channel.close();
        try {
            retrier.retryAfter(cause, this::resendUnacknowledged);
        } catch (RetriesExhaustedException e) {
            divertUnacknowledged(e.getCause(), e.attempts());
        }
    }

    /**
     * One attempt: sends the unacknowledged messages again in order on the current (or a new)
     * connection, each waiting for the broker, and takes each acknowledged one off the queue. At
     * the first failure the connection is dropped and the failure thrown; the rest waits for the
     * next attempt.
     */
    private Void resendUnacknowledged() throws JMSException {
        while (!unacknowledged.isEmpty()) {
            PendingSend send = unacknowledged.peekFirst();
            // a late acknowledgment of the asynchronous send counts: the broker has the message
            if (send.state() != PendingSend.State.ACKNOWLEDGED) {
                try {
                    Session session = channel.open();
                    channel.sendAndWait(
                            mapper.toJmsMessage(session, send.delivery), send.messageId);
                } catch (JMSException | RuntimeException e) {
                    channel.close();
                    LOG.debug(
                            "Endpoint '{}': sending message {} again failed: {}",
                            options.endpointName(),
                            send.messageId,
                            Redaction.describe(e));
                    throw e;
                }
            }
            unacknowledged.removeFirst();
            accepted(send);
        }
        return null;
    }

    private void accepted(PendingSend send) {
        metrics.recordAccepted(send.delivery.enqueuedTimeMillis(), System.currentTimeMillis());
    }

    private void divertUnacknowledged(Throwable failure, int attempts)
            throws IOException, InterruptedException {
        long now = System.currentTimeMillis();
        while (!unacknowledged.isEmpty()) {
            PendingSend send = unacknowledged.removeFirst();
            deadLetterWriter.write(
                    DeadLetterDiversion.divert(
                            send.delivery, deadLetterEndpointName, failure, attempts, now),
                    DeadLetterDiversion.noContext());
            metrics.recordDeadLettered(1);
            LOG.warn(
                    "Endpoint '{}': message {} diverted to dead-letter endpoint '{}' after {} attempts: {}",
                    options.endpointName(),
                    send.messageId,
                    deadLetterEndpointName,
                    attempts,
                    Redaction.describe(failure));
        }
    }

    @Override
    public void close() throws Exception {
        channel.close();
        if (deadLetterWriter != null) {
            deadLetterWriter.close();
        }
    }
}
