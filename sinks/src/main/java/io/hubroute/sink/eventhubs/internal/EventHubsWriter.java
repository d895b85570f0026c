package io.hubroute.sink.eventhubs.internal;

import io.hubroute.sink.DeadLetterEndpoint;
import io.hubroute.sink.FailurePolicy;
import io.hubroute.sink.RoutedMessage;
import io.hubroute.sink.eventhubs.EventHubsSinkOptions;
import io.hubroute.sink.internal.Diversions;
import io.hubroute.sink.internal.EndpointMetrics;
import io.hubroute.sink.internal.FailureKind;
import io.hubroute.sink.internal.Redaction;
import io.hubroute.sink.internal.Retrier;
import io.hubroute.sink.internal.RetriesExhaustedException;
import io.hubroute.sink.internal.UndeliverableMessageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.metrics.MetricGroup;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The at-least-once Event Hubs sink's writer, over one Kafka producer (idempotent, as {@link
 * io.hubroute.sink.eventhubs.EventHubsSinkBuilder} pins it). Sends asynchronously and keeps every
 * unacknowledged record in order; {@link #flush} (called before each checkpoint barrier and at the
 * end of input) returns only when all of them are acknowledged, which is what makes the sink
 * at-least-once. Egress and latency are counted at the broker's acknowledgment. The producer is
 * shared with the other endpoints of the same broker and settings in this TaskManager ({@link
 * SharedProducers}) until a failure makes this writer drop it for one of its own.
 *
 * <p>When a send fails (the producer gave up after its own retries within the delivery timeout),
 * the producer is dropped and every unacknowledged record is sent again, in order, on a new one, in
 * rounds paced by the {@link Retrier} (which reports the endpoint's health). Each record counts its
 * own attempts: a record never answered (its producer dropped because of another) has made none. So
 * that one device's records keep their order, a record acknowledged after an earlier record of the
 * same device (key) that failed is sent again after it: a reader sees the failed record, then
 * everything its device sent after it, in order. Once the first record has failed for a whole retry
 * budget, the failure policy decides: keep retrying (back-pressure) or divert that record, with its
 * own attempt count and last failure, to the dead-letter endpoint and go on with the next, which
 * gets attempts of its own. While the endpoint stays dead under DEAD_LETTER, each record is
 * diverted after one failed attempt of its own.
 *
 * <p>A record the endpoint can never take ({@link KafkaFailures}: too large for the topic, the
 * broker or the producer, a timestamp the topic refuses, a mapping error) is not retried, under any
 * failure policy: it is diverted alone to the undeliverable destination ({@link
 * Diversions#undeliverable}), the producer is kept when nothing else failed, and the rest keep
 * flowing. An endpoint refusing every record (authorization, a missing topic) is retried as a
 * transient failure is, never diverted record by record. Credentials the broker refuses (a wrong
 * key, key name or namespace; a TLS handshake that fails) are not retried at all: the Kafka client
 * reports them within a second, and the writer fails at once, under either failure policy, with an
 * {@link io.hubroute.sink.internal.EndpointAuthenticationException} naming the endpoint and what to
 * check (never the key).
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
    private final Diversions diversions;
    private final Supplier<Producer<byte[], byte[]>> producers;
    private Producer<byte[], byte[]> producer;

    /** The lease while {@link #producer} is the shared one; null once this writer has its own. */
    private SharedProducers.Lease sharedLease;

    /** The writer of an at-least-once {@link io.hubroute.sink.eventhubs.EventHubsSink}. */
    public static EventHubsWriter open(EventHubsSinkOptions options, WriterInitContext context)
            throws IOException {
        EndpointMetrics metrics = registerMetrics(options, context.metricGroup());
        // the endpoints of one broker share a producer until one of them must drop it
        SharedProducers.Lease lease = SharedProducers.lease(options.producerProperties());
        return new EventHubsWriter(
                options,
                lease,
                () ->
                        new KafkaProducer<>(
                                options.producerProperties(),
                                new ByteArraySerializer(),
                                new ByteArraySerializer()),
                metrics,
                Diversions.open(
                        options.endpointName(),
                        options.deadLetterEndpoint().orElse(null),
                        options.undeliverableSink().orElse(null),
                        context,
                        metrics));
    }

    /**
     * A writer over the given producers, diverting to the given writers (null: none), for tests.
     */
    static EventHubsWriter withDiversions(
            EventHubsSinkOptions options,
            Supplier<Producer<byte[], byte[]>> producers,
            MetricGroup metricGroup,
            SinkWriter<RoutedMessage> deadLetterWriter,
            SinkWriter<String> undeliverableWriter) {
        EndpointMetrics metrics = registerMetrics(options, metricGroup);
        return new EventHubsWriter(
                options,
                null,
                producers,
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

    private EventHubsWriter(
            EventHubsSinkOptions options,
            SharedProducers.Lease sharedLease,
            Supplier<Producer<byte[], byte[]>> producers,
            EndpointMetrics metrics,
            Diversions diversions) {
        this.options = options;
        this.producers = producers;
        this.serializer =
                new RoutedMessageRecordSerializer(
                        options.topic(), options.endpointName(), options.kind());
        this.answerTimeoutMillis = deliveryTimeoutMillis(options) + ANSWER_MARGIN_MILLIS;
        this.metrics = metrics;
        this.retrier =
                Retrier.forEndpoint(
                        options.endpointName(),
                        metrics.group(),
                        options.retryPolicy(),
                        options.failurePolicy(),
                        KafkaFailures.forEndpoint(options));
        this.diversions = diversions;
        this.sharedLease = sharedLease;
        this.producer = sharedLease != null ? sharedLease.producer() : producers.get();
    }

    private static EndpointMetrics registerMetrics(
            EventHubsSinkOptions options, MetricGroup metricGroup) {
        return EndpointMetrics.register(metricGroup, options.endpointName(), options.kind());
    }

    @Override
    public void write(RoutedMessage delivery, Context context)
            throws IOException, InterruptedException {
        ProducerRecord<byte[], byte[]> record;
        try {
            record = serializer.toRecord(delivery);
        } catch (RuntimeException e) {
            // the message's own problem: it never reaches the producer
            diversions.undeliverable(
                    delivery,
                    new SerializationException(
                            "cannot map the message to a Kafka record: " + Redaction.describe(e),
                            e),
                    1);
            return;
        }
        PendingRecord send = new PendingRecord(delivery, record);
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
        diversions.flush(endOfInput);
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
                head.fail(noAnswer());
                recover(head.failure());
            } else {
                return;
            }
        }
    }

    /**
     * Handles the failure of the record at the head of the queue. When the only failures are
     * records the endpoint can never take, or, under DEAD_LETTER, unfixable ones, each diverted
     * alone, the producer is fine and the rest stay in flight. Otherwise the producer is dropped
     * and every unacknowledged record is sent again on a new one until each is acknowledged or
     * diverted; returns with the queue empty.
     */
    private void recover(Exception cause) throws IOException, InterruptedException {
        if (isDivertedAlone(cause) && !anyRetryableFailure()) {
            Iterator<PendingRecord> sends = unacknowledged.iterator();
            while (sends.hasNext()) {
                PendingRecord send = sends.next();
                if (send.state() == PendingRecord.State.FAILED) {
                    sends.remove();
                    send.failedAttempts++;
                    divertAlone(send);
                }
            }
            return;
        }
        if (sharedLease != null) {
            // The others keep the shared producer: nothing of this writer's may stay in flight
            // on it, or it could land after its resend. Every send is answered within the
            // delivery timeout.
            flushProducer();
        }
        List<PendingRecord> sent = new ArrayList<>(unacknowledged);
        unacknowledged.clear();
        List<PendingRecord> unsettled = takeAnswers(sent, sent.size(), false);
        // a late acknowledgment from the old producer could not be told from a lost record: resend
        closeProducer();
        while (!unsettled.isEmpty()) {
            PendingRecord first = unsettled.get(0);
            try {
                retrier.retryMessage(
                        first.failedAttempts,
                        first.failure(),
                        () -> {
                            resend(unsettled);
                            return null;
                        });
            } catch (RetriesExhaustedException e) {
                unsettled.remove(0);
                if (!first.delivered) {
                    diversions.deadLetter(first.delivery, e.getCause(), e.attempts());
                }
            } catch (UndeliverableMessageException e) {
                unsettled.remove(0);
                if (!first.delivered) {
                    diversions.undeliverable(first.delivery, e.getCause(), e.attempts());
                }
            }
        }
    }

    private boolean anyRetryableFailure() {
        for (PendingRecord send : unacknowledged) {
            if (send.state() == PendingRecord.State.FAILED && !isDivertedAlone(send.failure())) {
                return true;
            }
        }
        return false;
    }

    /**
     * One attempt of the first record (and a round for all): sends the records in order on a fresh
     * producer and waits for every answer; what is left unsettled stays in {@code unsettled}. A
     * send refused at once for any reason but the record's own (no metadata, no buffer space) ends
     * the round: the rest waits for the next one, without an attempt counted. Throws the first
     * record's failure when it is still unsettled.
     */
    private void resend(List<PendingRecord> unsettled) throws Exception {
        PendingRecord first = unsettled.get(0);
        List<PendingRecord> round = new ArrayList<>(unsettled.size());
        int sent = 0;
        while (sent < unsettled.size()) {
            PendingRecord send = unsettled.get(sent).again();
            round.add(send);
            sent++;
            send(send);
            if (send.state() == PendingRecord.State.FAILED
                    && retrier.classify(send.failure()) != FailureKind.MESSAGE) {
                break;
            }
        }
        round.addAll(unsettled.subList(sent, unsettled.size()));
        flushProducer();
        List<PendingRecord> left = takeAnswers(round, sent, true);
        boolean anyFailed = false;
        for (int i = 0; i < left.size() && !anyFailed; i++) {
            anyFailed = left.get(i).state() == PendingRecord.State.FAILED;
        }
        if (anyFailed) {
            closeProducer();
        }
        unsettled.clear();
        unsettled.addAll(left);
        if (!left.isEmpty() && left.get(0).delivery == first.delivery) {
            Exception failure = left.get(0).failure();
            LOG.debug(
                    "Endpoint '{}': {} record(s) still not acknowledged: {}",
                    options.endpointName(),
                    left.size(),
                    Redaction.describe(failure));
            throw failure;
        }
    }

    /**
     * Takes the answers to a round of sends, in order; the first {@code sent} were sent in it
     * (waited for when {@code wait}; one not answered in time failed), the rest were not. An
     * acknowledged record is counted, and kept to be sent again when an earlier record of its
     * device is still unsettled (so the device's order holds); a record the endpoint can never take
     * (and, under DEAD_LETTER, one that failed with an unfixable error) is diverted alone. Returns
     * the records still unsettled, in order, each failed one with one more failed attempt of its
     * own.
     */
    private List<PendingRecord> takeAnswers(List<PendingRecord> round, int sent, boolean wait)
            throws IOException, InterruptedException {
        List<PendingRecord> left = new ArrayList<>();
        Set<ByteBuffer> unsettledDevices = new HashSet<>();
        for (int i = 0; i < round.size(); i++) {
            PendingRecord send = round.get(i);
            ByteBuffer device = send.deviceKey();
            if (i >= sent) {
                left.add(send);
                if (device != null) {
                    unsettledDevices.add(device);
                }
                continue;
            }
            PendingRecord.State state = wait ? send.await(answerTimeoutMillis) : send.state();
            if (state == PendingRecord.State.PENDING && wait) {
                send.fail(noAnswer());
                state = PendingRecord.State.FAILED;
            }
            if (state == PendingRecord.State.ACKNOWLEDGED) {
                if (!send.delivered) {
                    countAccepted(send);
                    send.delivered = true;
                }
                if (device != null && unsettledDevices.contains(device)) {
                    left.add(send);
                }
                continue;
            }
            if (state == PendingRecord.State.FAILED) {
                send.failedAttempts++;
                if (isDivertedAlone(send.failure())) {
                    if (!send.delivered) {
                        divertAlone(send);
                    }
                    continue;
                }
            }
            left.add(send);
            if (device != null) {
                unsettledDevices.add(device);
            }
        }
        return left;
    }

    /**
     * A record the endpoint can never take is diverted alone, under every failure policy; under
     * DEAD_LETTER, so is one that failed with an unfixable error.
     */
    private boolean isDivertedAlone(Exception failure) {
        FailureKind kind = retrier.classify(failure);
        return kind == FailureKind.MESSAGE
                || (kind == FailureKind.UNFIXABLE
                        && options.failurePolicy() == FailurePolicy.DEAD_LETTER);
    }

    /** Diverts a record that failed its last attempt, as {@link #isDivertedAlone} says. */
    private void divertAlone(PendingRecord send) throws IOException, InterruptedException {
        Exception failure = send.failure();
        if (retrier.classify(failure) == FailureKind.MESSAGE) {
            diversions.undeliverable(send.delivery, failure, send.failedAttempts);
        } else {
            diversions.deadLetter(send.delivery, failure, send.failedAttempts);
        }
    }

    private TimeoutException noAnswer() {
        return new TimeoutException(
                "no answer from the producer within " + answerTimeoutMillis + " ms");
    }

    private void send(PendingRecord send) throws InterruptedException {
        try {
            if (producer == null) {
                producer = producers.get();
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

    /** Closes without waiting: what it still holds is sent again (or was acknowledged already). */
    private void closeProducer() {
        if (producer != null) {
            Producer<byte[], byte[]> closing = producer;
            producer = null;
            if (sharedLease != null) {
                // the others keep it; this writer goes on with a producer of its own
                sharedLease.release();
                sharedLease = null;
            } else {
                closing.close(Duration.ZERO);
            }
        }
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
        try {
            closeProducer();
        } finally {
            diversions.close();
        }
    }
}
