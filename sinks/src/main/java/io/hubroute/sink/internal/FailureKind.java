package io.hubroute.sink.internal;

/**
 * What a failed endpoint call says about what to do next. Each endpoint kind classifies its own
 * client's failures ({@link FailureClassifier}); the {@link Retrier} and the writers act on the
 * kind, in one place.
 */
public enum FailureKind {
    /** Retrying may help: a timeout, a lost connection, throttling, a broker restarting. */
    TRANSIENT,
    /**
     * The endpoint refuses every message alike until someone fixes it: authorization, a missing
     * queue, topic or event hub (and, where the client does not tell it apart, authentication).
     * Retried as {@link #TRANSIENT} failures are (the failure policy decides after the budget), and
     * never diverted message by message.
     */
    ENDPOINT,
    /**
     * The endpoint refused the credentials (a wrong key or key name, a key regenerated since, the
     * wrong namespace; a TLS handshake that failed): no attempt can succeed until the settings
     * change, and the job reads them only when it starts. Not retried and never diverted, under
     * either failure policy: the call fails at once with an {@link EndpointAuthenticationException}
     * that says what to check, which fails the job; Flink's restart strategy paces the next try.
     */
    AUTHENTICATION,
    /**
     * This one message can never be delivered, however often it is tried: too large for the entity
     * or the broker, a mapping error, a value the broker refuses. Not retried: the message is
     * diverted, under every failure policy, and the rest keep flowing.
     */
    MESSAGE,
    /**
     * Retrying cannot fix it, and it is not about one message (Blob Storage's 4xx answers): under
     * {@code BACKPRESSURE} the job fails and restarts from its last checkpoint; under {@code
     * DEAD_LETTER} what the call carried is diverted at once.
     */
    UNFIXABLE;

    /**
     * Whether another attempt may succeed (once the endpoint is fixed, for {@link #ENDPOINT}); not
     * for {@link #AUTHENTICATION}, whose fix needs a restart with new settings.
     */
    public boolean retryable() {
        return this == TRANSIENT || this == ENDPOINT;
    }
}
