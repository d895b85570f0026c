package io.hubroute.sink.eventhubs.internal;

import io.hubroute.sink.DeadLetterEndpoint;
import io.hubroute.sink.FailurePolicy;
import io.hubroute.sink.RoutedMessage;
import io.hubroute.sink.eventhubs.EventHubsSinkOptions;
import io.hubroute.sink.internal.DeadLetterDiversion;
import io.hubroute.sink.internal.EndpointMetrics;
import io.hubroute.sink.internal.Redaction;
import io.hubroute.sink.internal.Retrier;
import io.hubroute.sink.internal.RetriesExhaustedException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The at-least-once Event Hubs sink's writer, over one {@link KafkaProducer}. Sends asynchronously
 * and keeps every unacknowledged record in order; {@link #flush} (called before each checkpoint
 * barrier and at the end of input) returns only when all of them are acknowledged, which is what
 * makes the sink at-least-once. Egress and latency are counted at the broker's acknowledgment.
 *
 * <p>When a send fails (the producer gave up after its own retries within the delivery timeout),
 * the producer is dropped and every unacknowledged record is sent again, in order, on a new one:
 * one attempt per round, paced and budgeted by the {@link Retrier} (which reports the endpoint's
 * health). After the budget the failure policy decides: keep retrying (back-pressure) or divert the
 * records to the dead-letter endpoint. While the endpoint stays dead under DEAD_LETTER, each new
 * record is diverted after its own failed attempt, without a whole budget.
 */
public final class EventHubsWriter implements SinkWriter<RoutedMessage> {
    private static final Logger LOG = LoggerFactory.getLogger(EventHubsWriter.class);

    /** Beyond the delivery timeout, by when the producer must have answered a send. */
    private static final long ANSWER_MARGIN_MILLIS = 10_000;

    private final EventHubsSinkOptions options;
    private final RoutedMessageRecordSerializer serializer;
    private final long answerTimeoutMillis;
    private final ArrayDeque<PendingRecord> unacknowledged = new ArrayDeque<>();
    private final EndpointMetrics metrics;
    private final Retrier retrier;
    private final SinkWriter<RoutedMessage> deadLetterWriter;
    private final String deadLetterEndpointName;
    private KafkaProducer<byte[], byte[]> producer;

    public EventHubsWriter(EventHubsSinkOptions options, WriterInitContext context)
            throws IOException {
        this.options = options;
        this.serializer =
                new RoutedMessageRecordSerializer(
                        options.topic(), options.endpointName(), options.kind());
        this.answerTimeoutMillis = deliveryTimeoutMillis(options) + ANSWER_MARGIN_MILLIS;
        this.metrics =
                EndpointMetrics.register(
                        context.metricGroup(), options.endpointName(), options.kind());
        this.retrier =
                Retrier.forEndpoint(
                        options.endpointName(),
                        metrics.group(),
                        options.retryPolicy(),
                        options.failurePolicy(),
                        EventHubsWriter::isTransient);
        DeadLetterEndpoint deadLetterEndpoint = options.deadLetterEndpoint().orElse(null);
        this.deadLetterWriter =
                deadLetterEndpoint == null ? null : deadLetterEndpoint.openWriter(context);
        this.deadLetterEndpointName =
                deadLetterEndpoint == null ? null : deadLetterEndpoint.endpointName();
        this.producer = newProducer();
    }

    @Override
    public void write(RoutedMessage delivery, Context context)
            throws IOException, InterruptedException {
        PendingRecord send = new PendingRecord(delivery, serializer.toRecord(delivery));
        unacknowledged.addLast(send);
        send(send);
        settle(options.maxInFlight() - 1);
    }

    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
        if (!unacknowledged.isEmpty()) {
            flushProducer();
        }
        settle(0);
        if (deadLetterWriter != null) {
            deadLetterWriter.flush(endOfInput);
        }
    }

    /**
     * Takes acknowledged records off the head of the queue and waits until at most {@code
     * maxRemaining} are unacknowledged; a failed or unanswered send starts recovery.
     */
    private void settle(int maxRemaining) throws IOException, InterruptedException {
        while (!unacknowledged.isEmpty()) {
            PendingRecord head = unacknowledged.peekFirst();
            boolean mustWait = unacknowledged.size() > maxRemaining;
            PendingRecord.State state = mustWait ? head.await(answerTimeoutMillis) : head.state();
            if (state == PendingRecord.State.ACKNOWLEDGED) {
                unacknowledged.removeFirst();
                countAccepted(head);
                retrier.attemptSucceeded();
            } else if (state == PendingRecord.State.FAILED) {
                recover(head.failure());
            } else if (mustWait) {
                recover(
                        new TimeoutException(
                                "no answer from the producer within "
                                        + answerTimeoutMillis
                                        + " ms"));
            } else {
                return;
            }
        }
    }

    /**
     * Drops the producer and sends every unacknowledged record again on a new one, retrying as the
     * policies say, until each is acknowledged or diverted. Returns with the queue empty, or, when
     * only records that retrying cannot fix failed (diverted one by one under DEAD_LETTER), with
     * the records still in flight left on the queue.
     */
    private void recover(Exception cause) throws IOException, InterruptedException {
        List<PendingRecord> unsettled = new ArrayList<>(unacknowledged.size());
        Exception retryCause = null;
        for (PendingRecord send : unacknowledged) {
            PendingRecord.State state = send.state();
            if (state == PendingRecord.State.ACKNOWLEDGED) {
                countAccepted(send);
            } else if (state == PendingRecord.State.FAILED && isUnfixable(send.failure())) {
                divert(List.of(send), send.failure(), 1);
            } else {
                unsettled.add(send);
                if (retryCause == null && state == PendingRecord.State.FAILED) {
                    retryCause = send.failure();
                }
            }
        }
        unacknowledged.clear();
        if (retryCause == null) {
            if (!isTransient(cause) && options.failurePolicy() == FailurePolicy.DEAD_LETTER) {
                // the failures were all diverted; the producer is fine and the rest still in flight
                unacknowledged.addAll(unsettled);
                return;
            }
            retryCause = cause;
        }
        // a late acknowledgment from the old producer could not be told from a lost record: resend
        // all
        closeProducer();
        int[] attempt = {1};
        try {
            retrier.retryAfter(
                    retryCause,
                    () -> {
                        attempt[0]++;
                        resend(unsettled, attempt[0]);
                        return null;
                    });
        } catch (RetriesExhaustedException e) {
            divert(unsettled, e.getCause(), e.attempts());
        }
    }

    /**
     * One attempt: sends the records in order on a fresh producer and waits for every answer. The
     * acknowledged ones leave {@code unsettled} (and so do records retrying cannot fix, diverted
     * under DEAD_LETTER); if any other failed, the producer is dropped and the first failure
     * thrown. A send refused at once for a transient reason (no metadata, no buffer space) ends the
     * round: the rest waits for the next attempt.
     */
    private void resend(List<PendingRecord> unsettled, int attempt) throws Exception {
        List<PendingRecord> sends = new ArrayList<>(unsettled.size());
        for (int i = 0; i < unsettled.size(); i++) {
            PendingRecord send = unsettled.get(i).again();
            sends.add(send);
            send(send);
            if (send.state() == PendingRecord.State.FAILED && isTransient(send.failure())) {
                break;
            }
        }
        flushProducer();
        Exception failure = null;
        List<PendingRecord> left = new ArrayList<>();
        for (int i = 0; i < unsettled.size(); i++) {
            if (i >= sends.size()) {
                left.add(unsettled.get(i));
                continue;
            }
            PendingRecord send = sends.get(i);
            PendingRecord.State state = send.await(answerTimeoutMillis);
            if (state == PendingRecord.State.ACKNOWLEDGED) {
                countAccepted(send);
            } else if (state == PendingRecord.State.FAILED && isUnfixable(send.failure())) {
                divert(List.of(send), send.failure(), attempt);
            } else {
                left.add(send);
                if (failure == null) {
                    failure =
                            state == PendingRecord.State.FAILED
                                    ? send.failure()
                                    : new TimeoutException(
                                            "no answer from the producer within "
                                                    + answerTimeoutMillis
                                                    + " ms");
                }
            }
        }
        unsettled.clear();
        unsettled.addAll(left);
        if (failure == null && !left.isEmpty()) {
            // a round ends early only on a failure, which is kept above: never report unsent
            // records as done
            throw new IllegalStateException(left.size() + " record(s) neither sent nor failed");
        }
        if (failure != null) {
            closeProducer();
            LOG.debug(
                    "Endpoint '{}': {} record(s) still not acknowledged: {}",
                    options.endpointName(),
                    left.size(),
                    Redaction.describe(failure));
            throw failure;
        }
    }

    /**
     * Under DEAD_LETTER, a record that failed with an error retrying cannot fix is diverted alone.
     */
    private boolean isUnfixable(Exception failure) {
        return options.failurePolicy() == FailurePolicy.DEAD_LETTER && !isTransient(failure);
    }

    private void send(PendingRecord send) throws InterruptedException {
        try {
            if (producer == null) {
                producer = newProducer();
            }
            producer.send(send.record, send);
        } catch (InterruptException e) {
            throw interrupted(e);
        } catch (KafkaException | IllegalStateException e) {
            send.fail(e);
        }
    }

    private void flushProducer() throws InterruptedException {
        if (producer == null) {
            return;
        }
        try {
            producer.flush();
        } catch (InterruptException e) {
            throw interrupted(e);
        }
    }

    private void countAccepted(PendingRecord send) {
        metrics.recordAccepted(send.delivery.enqueuedTimeMillis(), send.acknowledgedAtMillis());
    }

    private void divert(List<PendingRecord> sends, Throwable failure, int attempts)
            throws IOException, InterruptedException {
        long now = System.currentTimeMillis();
        for (int i = 0; i < sends.size(); i++) {
            deadLetterWriter.write(
                    DeadLetterDiversion.divert(
                            sends.get(i).delivery, deadLetterEndpointName, failure, attempts, now),
                    DeadLetterDiversion.noContext());
        }
        metrics.recordDeadLettered(sends.size());
        LOG.warn(
                "Endpoint '{}': {} record(s) diverted to dead-letter endpoint '{}' after {} attempt(s): {}",
                options.endpointName(),
                sends.size(),
                deadLetterEndpointName,
                attempts,
                Redaction.describe(failure));
    }

    private KafkaProducer<byte[], byte[]> newProducer() {
        return new KafkaProducer<>(
                options.producerProperties(), new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Closes without waiting: what it still holds is sent again (or was acknowledged already). */
    private void closeProducer() {
        if (producer != null) {
            KafkaProducer<byte[], byte[]> closing = producer;
            producer = null;
            closing.close(Duration.ZERO);
        }
    }

    /**
     * Kafka's retriable errors (timeouts, lost connections, leader changes) and our own timeouts.
     */
    static boolean isTransient(Throwable failure) {
        return failure instanceof RetriableException
                || failure instanceof TimeoutException
                || failure.getCause() instanceof RetriableException;
    }

    private static long deliveryTimeoutMillis(EventHubsSinkOptions options) {
        // a setProducerProperty(...) override wins over the builder's delivery timeout
        String configured = options.producerProperties().getProperty("delivery.timeout.ms");
        try {
            return configured == null
                    ? options.deliveryTimeout().toMillis()
                    : Long.parseLong(configured.trim());
        } catch (NumberFormatException e) {
            return options.deliveryTimeout().toMillis();
        }
    }

    private static InterruptedException interrupted(InterruptException e) {
        InterruptedException interrupted =
                new InterruptedException("interrupted while sending to Kafka");
        interrupted.initCause(e);
        return interrupted;
    }

    @Override
    public void close() throws Exception {
        closeProducer();
        if (deadLetterWriter != null) {
            deadLetterWriter.close();
        }
    }
}
