package io.hubroute.sink.eventhubs.internal;

import io.hubroute.sink.internal.FailureKind;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The Event Hubs writer's {@link io.hubroute.sink.internal.FailureClassifier}: what a Kafka
 * producer's failure of one record means.
 *
 * <ul>
 *   <li>{@link FailureKind#MESSAGE}: the record is over the topic's {@code max.message.bytes}, the
 *       broker's limit or the producer's {@code max.request.size} ({@link RecordTooLargeException};
 *       a batch of several records over the limit is split and sent again by the producer, so this
 *       names one record); the broker refuses the record itself ({@link InvalidRecordException};
 *       {@link InvalidTimestampException}: its enqueued time is outside what the topic accepts); it
 *       cannot be mapped to a record ({@link SerializationException}).
 *   <li>{@link FailureKind#ENDPOINT}: authentication or authorization failed, or the topic name is
 *       invalid: every record would fail alike until the endpoint or its settings are fixed.
 *   <li>{@link FailureKind#TRANSIENT}: Kafka's retriable errors (timeouts, lost connections, leader
 *       changes, an unknown topic while metadata catches up) and the writer's own timeouts.
 *   <li>{@link FailureKind#UNFIXABLE}: any other error (a producer setting Kafka refuses, say): as
 *       before, it fails the job under BACKPRESSURE and is dead-lettered at once under DEAD_LETTER.
 * </ul>
 */
final class KafkaFailures {
    private KafkaFailures() {}

    static FailureKind classify(Throwable failure) {
        if (failure instanceof RecordTooLargeException
                || failure instanceof InvalidRecordException
                || failure instanceof InvalidTimestampException
                || failure instanceof SerializationException) {
            return FailureKind.MESSAGE;
        }
        if (failure instanceof AuthenticationException
                || failure instanceof AuthorizationException
                || failure instanceof InvalidTopicException) {
            return FailureKind.ENDPOINT;
        }
        if (failure instanceof RetriableException
                || failure instanceof TimeoutException
                || failure.getCause() instanceof RetriableException) {
            return FailureKind.TRANSIENT;
        }
        return FailureKind.UNFIXABLE;
    }
}
