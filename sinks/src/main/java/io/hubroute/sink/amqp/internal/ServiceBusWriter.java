package io.hubroute.sink.amqp.internal;

import io.hubroute.sink.DeadLetterEndpoint;
import io.hubroute.sink.DeadLetters;
import io.hubroute.sink.EndpointHealthTracker;
import io.hubroute.sink.EndpointMetrics;
import io.hubroute.sink.FailurePolicy;
import io.hubroute.sink.Redaction;
import io.hubroute.sink.RetryPolicy;
import io.hubroute.sink.RoutedMessage;
import io.hubroute.sink.SinkMetrics;
import io.hubroute.sink.amqp.ServiceBusSinkOptions;
import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.Session;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.metrics.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Service Bus sink's writer. Sends asynchronously and keeps every unacknowledged send in order;
 * {@link #flush} (called before each checkpoint barrier and at the end of input) returns only when
 * all of them are acknowledged, which is what makes the sink at-least-once.
 *
 * <p>When a send fails, the connection is dropped and the unacknowledged messages are sent again,
 * one at a time and waiting for each acknowledgment, with the retry policy's backoff between
 * attempts, until the endpoint takes them; then asynchronous sending resumes. Once the endpoint has
 * failed for a whole retry budget, the failure policy decides: keep retrying (back-pressure) or
 * divert each message to the dead-letter endpoint after one more failed attempt.
 */
public final class ServiceBusWriter implements SinkWriter<RoutedMessage> {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceBusWriter.class);

    private final ServiceBusSinkOptions options;
    private final RetryPolicy retryPolicy;
    private final AmqpChannel channel;
    private final ServiceBusMessageMapper mapper = new ServiceBusMessageMapper();
    private final DeliveryIds deliveryIds = new DeliveryIds();
    private final ArrayDeque<PendingSend> unacknowledged = new ArrayDeque<>();
    private final EndpointMetrics metrics;
    private final EndpointHealthTracker health;
    private final Counter deadLettered;
    private final SinkWriter<RoutedMessage> deadLetterWriter;
    private final String deadLetterEndpointName;

    public ServiceBusWriter(ServiceBusSinkOptions options, WriterInitContext context)
            throws IOException {
        this.options = options;
        this.retryPolicy = options.retryPolicy();
        this.channel = new AmqpChannel(options);
        this.metrics =
                EndpointMetrics.register(
                        context.metricGroup(),
                        options.endpointName(),
                        options.kind().endpointKind());
        this.health =
                EndpointHealthTracker.forRetryPolicy(
                        options.endpointName(), metrics.group(), retryPolicy);
        this.deadLettered = metrics.group().counter(SinkMetrics.DEAD_LETTERED);
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
     * Drops the connection and sends every unacknowledged message again, in order, each one waiting
     * for the broker, retrying with backoff.
     */
    private void recover(Exception cause) throws IOException, InterruptedException {
        channel.close();
        health.recordFailure(cause);
        while (!unacknowledged.isEmpty()) {
            PendingSend send = unacknowledged.removeFirst();
            // a late acknowledgment of the asynchronous send counts: the broker has the message
            if (send.state() == PendingSend.State.ACKNOWLEDGED) {
                accepted(send);
            } else {
                sendWithRetries(send, cause);
            }
        }
    }

    private void sendWithRetries(PendingSend send, Exception firstFailure)
            throws IOException, InterruptedException {
        int failedAttempts = 1;
        Exception lastFailure = firstFailure;
        boolean warnedBackpressure = false;
        while (true) {
            boolean exhausted =
                    retryPolicy.isExhausted(failedAttempts)
                            || retryPolicy.isExhausted(health.consecutiveFailures());
            if (exhausted) {
                if (options.failurePolicy() == FailurePolicy.DEAD_LETTER) {
                    divert(send, lastFailure, failedAttempts);
                    return;
                }
                if (!warnedBackpressure) {
                    warnedBackpressure = true;
                    LOG.warn(
                            "Endpoint '{}': message {} still not accepted after {} attempts; holding the job back"
                                    + " and retrying every {} ms (failure policy BACKPRESSURE). Last failure: {}",
                            options.endpointName(),
                            send.messageId,
                            failedAttempts,
                            retryPolicy.maxDelay().toMillis(),
                            Redaction.describe(lastFailure));
                }
            }
            Thread.sleep(retryPolicy.delayMillisAfter(failedAttempts));
            try {
                Session session = channel.open();
                channel.sendAndWait(mapper.toJmsMessage(session, send.delivery), send.messageId);
                accepted(send);
                return;
            } catch (JMSException | RuntimeException e) {
                failedAttempts++;
                lastFailure = e;
                channel.close();
                health.recordFailure(e);
                LOG.debug(
                        "Endpoint '{}': attempt {} for message {} failed: {}",
                        options.endpointName(),
                        failedAttempts,
                        send.messageId,
                        Redaction.describe(e));
            }
        }
    }

    private void accepted(PendingSend send) {
        metrics.recordAccepted(send.delivery.enqueuedTimeMillis(), System.currentTimeMillis());
        health.recordSuccess();
    }

    private void divert(PendingSend send, Exception failure, int attempts)
            throws IOException, InterruptedException {
        RoutedMessage diverted =
                DeadLetters.divert(
                        send.delivery,
                        deadLetterEndpointName,
                        failure,
                        attempts,
                        System.currentTimeMillis());
        deadLetterWriter.write(diverted, DeadLetterEndpoint.noContext());
        deadLettered.inc();
        LOG.warn(
                "Endpoint '{}': message {} diverted to dead-letter endpoint '{}' after {} attempts: {}",
                options.endpointName(),
                send.messageId,
                deadLetterEndpointName,
                attempts,
                Redaction.describe(failure));
    }

    @Override
    public void close() throws Exception {
        channel.close();
        if (deadLetterWriter != null) {
            deadLetterWriter.close();
        }
    }
}
