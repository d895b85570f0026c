package io.hubroute.sink;

import io.hubroute.message.Message;
import io.hubroute.message.MessageProperties;
import java.time.Instant;

/**
 * Records a delivery failure on a message that is diverted to a dead-letter endpoint, as
 * application properties, so whoever reads the dead letters knows where the message was going and
 * why it did not get there. Failure text is {@linkplain Redaction redacted}.
 */
public final class DeadLetters {
    /** The endpoint the message was routed to. */
    public static final String ENDPOINT_PROPERTY = "hubroute-deadletter-endpoint";

    /** The last failure: exception class and redacted message. */
    public static final String REASON_PROPERTY = "hubroute-deadletter-reason";

    /** How many attempts were made. */
    public static final String ATTEMPTS_PROPERTY = "hubroute-deadletter-attempts";

    /** When the sink gave up, ISO-8601 UTC. */
    public static final String TIME_PROPERTY = "hubroute-deadletter-time";

    private DeadLetters() {}

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
                        .with(ENDPOINT_PROPERTY, delivery.endpointName())
                        .with(REASON_PROPERTY, Redaction.describe(failure))
                        .with(ATTEMPTS_PROPERTY, Integer.toString(attempts))
                        .with(TIME_PROPERTY, Instant.ofEpochMilli(nowMillis).toString());
        return new RoutedMessage(
                deadLetterEndpoint,
                message.withAppProperties(properties),
                delivery.partition(),
                delivery.enqueuedTimeMillis());
    }
}
