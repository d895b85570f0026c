package io.hubroute.sink.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubroute.message.Json;
import io.hubroute.message.Message;
import io.hubroute.sink.DeadLetterEndpoint;
import io.hubroute.sink.RoutedMessage;
import java.io.IOException;
import java.util.Objects;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a writer's messages go when they do not reach its endpoint: the dead-letter endpoint (a
 * message that spent its retry budget under {@code DEAD_LETTER}), and, for a message the endpoint
 * can never take ({@link FailureKind#MESSAGE}), under every failure policy, its undeliverable
 * destination: the dead-letter endpoint when there is one, else the undeliverable sink, which gets
 * one JSON line per message ({@link #undeliverableJson}). With neither, such a message fails the
 * job, with an error that names the setting to add: never dropped silently.
 *
 * <p>Opens both writers inside the endpoint's own writer, which flushes them on every checkpoint
 * ({@link #flush}), so what is diverted is delivered at least once. Not thread-safe: use it from
 * the writer's thread.
 *
 * <pre>{@code
 * Diversions diversions = Diversions.open("alerts", options.deadLetterEndpoint(),
 *     options.undeliverableSink(), context, metrics);
 * diversions.undeliverable(delivery, failure, attempts);
 * }</pre>
 */
public final class Diversions implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Diversions.class);

    /** Undeliverable messages are logged at most once per interval, with a count of the rest. */
    private static final long LOG_INTERVAL_MILLIS = 1_000;

    private final String endpointName;
    private final String deadLetterEndpointName;
    private final SinkWriter<RoutedMessage> deadLetterWriter;
    private final SinkWriter<String> undeliverableWriter;
    private final EndpointMetrics metrics;
    private long lastUndeliverableLogMillis = Long.MIN_VALUE;
    private long undeliverableNotLogged;

    /**
     * @param deadLetterEndpointName the dead-letter endpoint's name; null when there is none
     * @param deadLetterWriter its writer; null when there is none
     * @param undeliverableWriter the undeliverable sink's writer; null when there is none
     */
    public Diversions(
            String endpointName,
            String deadLetterEndpointName,
            SinkWriter<RoutedMessage> deadLetterWriter,
            SinkWriter<String> undeliverableWriter,
            EndpointMetrics metrics) {
        this.endpointName = Objects.requireNonNull(endpointName, "endpointName");
        if ((deadLetterEndpointName == null) != (deadLetterWriter == null)) {
            throw new IllegalArgumentException(
                    "a dead-letter writer needs its endpoint's name, and the name a writer");
        }
        this.deadLetterEndpointName = deadLetterEndpointName;
        this.deadLetterWriter = deadLetterWriter;
        this.undeliverableWriter = undeliverableWriter;
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    /** Opens the writers of the endpoint's dead-letter endpoint and undeliverable sink, if any. */
    public static Diversions open(
            String endpointName,
            DeadLetterEndpoint deadLetterEndpoint,
            Sink<String> undeliverableSink,
            WriterInitContext context,
            EndpointMetrics metrics)
            throws IOException {
        SinkWriter<RoutedMessage> deadLetterWriter =
                deadLetterEndpoint == null ? null : deadLetterEndpoint.openWriter(context);
        SinkWriter<String> undeliverableWriter;
        try {
            undeliverableWriter =
                    undeliverableSink == null ? null : undeliverableSink.createWriter(context);
        } catch (IOException | RuntimeException e) {
            closeQuietly(deadLetterWriter);
            throw e;
        }
        return new Diversions(
                endpointName,
                deadLetterEndpoint == null ? null : deadLetterEndpoint.endpointName(),
                deadLetterWriter,
                undeliverableWriter,
                metrics);
    }

    /**
     * Diverts a message that spent its retry budget under {@code DEAD_LETTER} to the dead-letter
     * endpoint, with the failure in its {@link io.hubroute.sink.DeadLetters} properties.
     */
    public void deadLetter(RoutedMessage delivery, Throwable failure, int attempts)
            throws IOException, InterruptedException {
        if (deadLetterWriter == null) {
            throw new IllegalStateException(
                    "endpoint '" + endpointName + "' has no dead-letter endpoint to divert to");
        }
        writeDeadLetter(delivery, failure, attempts);
        LOG.warn(
                "Endpoint '{}': message {} diverted to dead-letter endpoint '{}' after {} attempt(s): {}",
                endpointName,
                idOf(delivery),
                deadLetterEndpointName,
                attempts,
                Redaction.describe(failure));
    }

    /**
     * Diverts a message the endpoint can never take: to the dead-letter endpoint when there is one,
     * else as a JSON line to the undeliverable sink; counted and logged (at most once a second).
     *
     * @throws IOException when there is nowhere to divert it: the job fails, with an error that
     *     names the setting that lets it go on
     */
    public void undeliverable(RoutedMessage delivery, Throwable failure, int attempts)
            throws IOException, InterruptedException {
        String destination;
        if (deadLetterWriter != null) {
            writeDeadLetter(delivery, failure, attempts);
            destination = "dead-letter endpoint '" + deadLetterEndpointName + "'";
        } else if (undeliverableWriter != null) {
            undeliverableWriter.write(
                    undeliverableJson(endpointName, delivery, failure, attempts),
                    DeadLetterDiversion.noContext());
            destination = "the undeliverable sink";
        } else {
            throw new IOException(
                    "endpoint '"
                            + endpointName
                            + "' can never take message "
                            + idOf(delivery)
                            + " ("
                            + Redaction.describe(failure)
                            + ") and has nowhere to divert it; retrying cannot fix it, so the job"
                            + " fails: call setUndeliverableSink(...) on the endpoint's sink builder"
                            + " (or use FailurePolicy.DEAD_LETTER with setDeadLetterEndpoint(...))"
                            + " to divert such a message and keep the rest flowing",
                    failure);
        }
        metrics.recordUndeliverable(1);
        long now = System.currentTimeMillis();
        if (lastUndeliverableLogMillis != Long.MIN_VALUE
                && now - lastUndeliverableLogMillis < LOG_INTERVAL_MILLIS) {
            undeliverableNotLogged++;
            return;
        }
        LOG.warn(
                "Endpoint '{}' can never take message {}; diverted to {} after {} attempt(s): {}"
                        + " ({} more since the last report)",
                endpointName,
                idOf(delivery),
                destination,
                attempts,
                Redaction.describe(failure),
                undeliverableNotLogged);
        lastUndeliverableLogMillis = now;
        undeliverableNotLogged = 0;
    }

    private void writeDeadLetter(RoutedMessage delivery, Throwable failure, int attempts)
            throws IOException, InterruptedException {
        deadLetterWriter.write(
                DeadLetterDiversion.divert(
                        delivery,
                        deadLetterEndpointName,
                        failure,
                        attempts,
                        System.currentTimeMillis()),
                DeadLetterDiversion.noContext());
        metrics.recordDeadLettered(1);
    }

    /**
     * One undeliverable sink line: {@code {"endpoint", "reason", "attempts", "messageId",
     * "deviceId", "deliveryId", "partition", "enqueuedTimeMillis"}}, the reason {@linkplain
     * Redaction redacted}, ids null when unknown. No body: the delivery id ({@code
     * topic/partition/offset/endpoint}) says where to read the message again.
     */
    public static String undeliverableJson(
            String endpointName, RoutedMessage delivery, Throwable failure, int attempts) {
        Message message = delivery.message();
        ObjectNode line = Json.MAPPER.createObjectNode();
        line.put("endpoint", endpointName);
        line.put("reason", Redaction.describe(failure));
        line.put("attempts", attempts);
        line.put("messageId", message.messageId().orElse(null));
        line.put("deviceId", message.deviceId().orElse(null));
        line.put("deliveryId", delivery.deliveryId());
        line.put("partition", delivery.partition());
        line.put("enqueuedTimeMillis", delivery.enqueuedTimeMillis());
        return line.toString();
    }

    /** Flushes what was diverted: before every checkpoint and at the end of input. */
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
        if (deadLetterWriter != null) {
            deadLetterWriter.flush(endOfInput);
        }
        if (undeliverableWriter != null) {
            undeliverableWriter.flush(endOfInput);
        }
    }

    @Override
    public void close() throws Exception {
        try {
            if (deadLetterWriter != null) {
                deadLetterWriter.close();
            }
        } finally {
            if (undeliverableWriter != null) {
                undeliverableWriter.close();
            }
        }
    }

    private static String idOf(RoutedMessage delivery) {
        String deliveryId = delivery.deliveryId();
        return deliveryId != null ? deliveryId : delivery.message().messageId().orElse("(no id)");
    }

    private static void closeQuietly(SinkWriter<?> writer) {
        if (writer == null) {
            return;
        }
        try {
            writer.close();
        } catch (Exception e) {
            // opening failed already; that is the error to report
        }
    }
}
