package io.hubroute.sink;

/**
 * The application properties a sink adds to a message it diverts to its {@link DeadLetterEndpoint},
 * so whoever reads the dead letters knows where the message was going and why it did not get there.
 * Failure text is redacted: no connection string, key or SAS signature.
 *
 * <pre>{@code
 * String endpoint = deadLetter.appProperties().get(DeadLetters.ENDPOINT_PROPERTY);
 * }</pre>
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
}
