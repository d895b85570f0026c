package io.hubroute.sink.amqp.internal;

import io.hubroute.sink.DeadLetterEndpoint;
import io.hubroute.sink.RoutedMessage;
import io.hubroute.sink.amqp.ServiceBusSinkOptions;
import io.hubroute.sink.internal.Diversions;
import io.hubroute.sink.internal.EndpointMetrics;
import io.hubroute.sink.internal.FailureKind;
import io.hubroute.sink.internal.Redaction;
import io.hubroute.sink.internal.Retrier;
import io.hubroute.sink.internal.RetriesExhaustedException;
import io.hubroute.sink.internal.UndeliverableMessageException;
import jakarta.jms.JMSException;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.metrics.MetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Service Bus sink's writer. Sends asynchronously and keeps every unacknowledged send in order;
 * {@link #flush} (called before each checkpoint barrier and at the end of input) returns only when
 * all of them are acknowledged, which is what makes the sink at-least-once.
 *
 * <p>When a send fails, the connection is dropped and the unacknowledged messages are sent again,
 * in order, one at a time and waiting for each acknowledgment, on a new connection; then
 * asynchronous sending resumes. Each message is retried for itself, paced by the {@link Retrier}
 * (which reports the endpoint's health), counting its own attempts only: the failure that started
 * the recovery is the first message's, and the asynchronous sends behind it, whose connection is
 * dropped, have an unknown outcome, not a failure. Once a message has failed for a whole retry
 * budget, the failure policy decides: keep retrying (back-pressure) or divert that message, with
 * its own attempt count and last failure, to the dead-letter endpoint and go on with the next,
 * which gets attempts of its own. While the endpoint stays dead under DEAD_LETTER, each message is
 * diverted after one failed attempt of its own.
 *
 * <p>A message the endpoint can never take ({@link AmqpFailures}: it cannot be mapped, or it is too
 * large for the entity) is not retried, under any failure policy: it is diverted alone to the
 * undeliverable destination ({@link Diversions#undeliverable}) and the rest keep flowing. A mapping
 * failure is the message's own at once; a refusal that arrives asynchronously is confirmed first by
 * an attempt of the message's own on the new connection, since a link the broker closes fails every
 * send on it alike. An endpoint refusing every message (authorization, a missing entity) is retried
 * as any failure is, never diverted message by message.
 *
 * <p>Credentials the broker refuses (SASL fails as the connection opens, which the failed send
 * reports: {@link AmqpFailures}) are neither retried nor diverted, under either failure policy: the
 * {@link Retrier} fails the write at once with an {@link
 * io.hubroute.sink.internal.EndpointAuthenticationException} that says what to check, and the job
 * with it.
 */
public final class ServiceBusWriter implements SinkWriter<RoutedMessage> {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceBusWriter.class);

    private final ServiceBusSinkOptions options;
    private final AmqpSender sender;
    private final DeliveryIds deliveryIds = new DeliveryIds();
    private final ArrayDeque<PendingSend> unacknowledged = new ArrayDeque<>();
    private final EndpointMetrics metrics;
    private final Retrier retrier;
    private final Diversions diversions;

    /** The writer of a {@link io.hubroute.sink.amqp.ServiceBusSink}. */
    public static ServiceBusWriter open(ServiceBusSinkOptions options, WriterInitContext context)
            throws IOException {
        EndpointMetrics metrics = registerMetrics(options, context.metricGroup());
        return new ServiceBusWriter(
                options,
                new AmqpChannel(options),
                metrics,
                Diversions.open(
                        options.endpointName(),
                        options.deadLetterEndpoint().orElse(null),
                        options.undeliverableSink().orElse(null),
                        context,
                        metrics));
    }

    /** A writer over {@code sender}, diverting to the given writers (null: none), for tests. */
    static ServiceBusWriter withDiversions(
            ServiceBusSinkOptions options,
            AmqpSender sender,
            MetricGroup metricGroup,
            SinkWriter<RoutedMessage> deadLetterWriter,
            SinkWriter<String> undeliverableWriter) {
        EndpointMetrics metrics = registerMetrics(options, metricGroup);
        return new ServiceBusWriter(
                options,
                sender,
                metrics,
                new Diversions(
                        options.endpointName(),
                        options.deadLetterEndpoint()
                                .map(DeadLetterEndpoint::endpointName)
                                .orElse(null),
                        deadLetterWriter,
                        undeliverableWriter,
                        metrics));
    }

    private ServiceBusWriter(
            ServiceBusSinkOptions options,
            AmqpSender sender,
            EndpointMetrics metrics,
            Diversions diversions) {
        this.options = options;
        this.sender = sender;
        this.metrics = metrics;
        this.retrier =
                Retrier.forEndpoint(
                        options.endpointName(),
                        metrics.group(),
                        options.retryPolicy(),
                        options.failurePolicy(),
                        AmqpFailures.forEndpoint(options));
        this.diversions = diversions;
    }

    private static EndpointMetrics registerMetrics(
            ServiceBusSinkOptions options, MetricGroup metricGroup) {
        return EndpointMetrics.register(
                metricGroup, options.endpointName(), options.kind().endpointKind());
    }

    @Override
    public void write(RoutedMessage delivery, Context context)
            throws IOException, InterruptedException {
        PendingSend send = new PendingSend(delivery, deliveryIds.idOf(delivery));
        try {
            sender.sendAsync(delivery, send.messageId, send);
        } catch (JMSException | RuntimeException e) {
            if (retrier.classify(e) == FailureKind.MESSAGE) {
                // it never left (it cannot be mapped): the connection and the sends before it
                // are fine
                diversions.undeliverable(delivery, e, 1);
                settle(options.maxInFlight() - 1);
                return;
            }
            send.fail(e);
        }
        unacknowledged.addLast(send);
        settle(options.maxInFlight() - 1);
    }

    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
        settle(0);
        diversions.flush(endOfInput);
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
                recover();
            } else if (unacknowledged.size() > maxRemaining) {
                head.timedOut(
                        new TimeoutException(
                                "no acknowledgment within "
                                        + options.sendTimeout().toMillis()
                                        + " ms"));
                recover();
            } else {
                return;
            }
        }
    }

    /**
     * Drops the connection and sends every unacknowledged message again, in order, each retried for
     * itself as the policies say, until it is acknowledged or diverted. Returns with the queue
     * empty.
     */
    private void recover() throws IOException, InterruptedException {
        // The head's failure starts the recovery; the others' sends go down with the connection
        // (whatever they report, it is not theirs): each gets an attempt of its own below.
        boolean head = true;
        for (PendingSend send : unacknowledged) {
            if (!head) {
                send.abandon();
            }
            head = false;
        }
        sender.close();
        while (!unacknowledged.isEmpty()) {
            PendingSend send = unacknowledged.peekFirst();
            // a late acknowledgment of the asynchronous send counts: the broker has the message
            if (send.state() != PendingSend.State.ACKNOWLEDGED) {
                int failedAttempts = send.failedAttempts();
                Exception failure = send.failure();
                // An asynchronous refusal may be the link's (the broker closed it over another
                // message): only an attempt of the message's own on the new connection tells.
                int unconfirmed = 0;
                if (failedAttempts > 0 && retrier.classify(failure) == FailureKind.MESSAGE) {
                    unconfirmed = failedAttempts;
                    failedAttempts = 0;
                    failure = null;
                }
                try {
                    retrier.retryMessage(failedAttempts, failure, () -> sendAgain(send));
                } catch (RetriesExhaustedException e) {
                    unacknowledged.removeFirst();
                    diversions.deadLetter(send.delivery, e.getCause(), e.attempts());
                    continue;
                } catch (UndeliverableMessageException e) {
                    unacknowledged.removeFirst();
                    diversions.undeliverable(
                            send.delivery, e.getCause(), unconfirmed + e.attempts());
                    continue;
                }
            }
            unacknowledged.removeFirst();
            accepted(send);
        }
    }

    /** One attempt of one message: sends it and waits; on failure drops the connection. */
    private Void sendAgain(PendingSend send) throws JMSException {
        try {
            sender.sendAndWait(send.delivery, send.messageId);
        } catch (JMSException | RuntimeException e) {
            sender.close();
            LOG.debug(
                    "Endpoint '{}': sending message {} again failed: {}",
                    options.endpointName(),
                    send.messageId,
                    Redaction.describe(e));
            throw e;
        }
        return null;
    }

    private void accepted(PendingSend send) {
        metrics.recordAccepted(send.delivery.enqueuedTimeMillis(), System.currentTimeMillis());
    }

    @Override
    public void close() throws Exception {
        try {
            sender.close();
        } finally {
            diversions.close();
        }
    }
}
