package io.hubroute.sink.internal;

import io.hubroute.message.Message;
import io.hubroute.message.MessageProperties;
import io.hubroute.sink.DeadLetters;
import io.hubroute.sink.RoutedMessage;
import java.time.Instant;
import org.apache.flink.api.connector.sink2.SinkWriter;

/**
 * Re-addresses a delivery to a dead-letter endpoint, recording the failure as the {@link
 * DeadLetters} application properties (failure text {@linkplain Redaction redacted}).
 */
public final class DeadLetterDiversion {
    private DeadLetterDiversion() {}

    /**
     * The delivery re-addressed to {@code deadLetterEndpoint}, with the failure recorded in its
     * application properties.
     */
    public static RoutedMessage divert(
            RoutedMessage delivery,
            String deadLetterEndpoint,
            Throwable failure,
            int attempts,
            long nowMillis) {
        Message message = delivery.message();
        MessageProperties properties =
                message.appProperties()
                        .with(DeadLetters.ENDPOINT_PROPERTY, delivery.endpointName())
                        .with(DeadLetters.REASON_PROPERTY, Redaction.describe(failure))
                        .with(DeadLetters.ATTEMPTS_PROPERTY, Integer.toString(attempts))
                        .with(
                                DeadLetters.TIME_PROPERTY,
                                Instant.ofEpochMilli(nowMillis).toString());
        return new RoutedMessage(
                deadLetterEndpoint,
                message.withAppProperties(properties),
                delivery.partition(),
                delivery.enqueuedTimeMillis(),
                // the original delivery's id: a dead letter is the same delivery, diverted
                delivery.deliveryId());
    }

    /** A {@link SinkWriter.Context} for diverted messages: no watermark, no timestamp. */
    public static SinkWriter.Context noContext() {
        return NoContext.INSTANCE;
    }

    private enum NoContext implements SinkWriter.Context {
        INSTANCE;

        @Override
        public long currentWatermark() {
            return Long.MIN_VALUE;
        }

        @Override
        public Long timestamp() {
            return null;
        }
    }
}
