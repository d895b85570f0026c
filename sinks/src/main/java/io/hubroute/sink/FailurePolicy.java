package io.hubroute.sink;

/**
 * What a sink does with a message once its endpoint has failed for a whole {@link RetryPolicy}
 * budget. A message the endpoint can never take (too large, unmappable) is not retried under either
 * policy: it goes to the dead-letter endpoint, or else to the sink's undeliverable sink.
 */
public enum FailurePolicy {
    /**
     * Keep retrying (at the policy's maximum delay) and block the writer, so the job slows down
     * upstream and nothing is ever lost silently. The default, as on IoT Hub.
     */
    BACKPRESSURE,
    /**
     * Divert the message to a dead-letter endpoint, with the failure recorded on it as application
     * properties (see {@link DeadLetters}), and go on with the next message.
     */
    DEAD_LETTER
}
