package io.hubroute.sink.internal;

/**
 * One message failed with an error that no retry can fix ({@link FailureKind#MESSAGE}): the caller
 * diverts that message to its endpoint's undeliverable destination, whatever the failure policy,
 * and goes on with the next. The message is {@linkplain Redaction redacted}.
 */
public final class UndeliverableMessageException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int attempts;

    public UndeliverableMessageException(String endpointName, int attempts, Throwable failure) {
        super(
                "endpoint '"
                        + endpointName
                        + "' cannot take the message (attempt "
                        + attempts
                        + "): "
                        + Redaction.describe(failure),
                failure);
        this.attempts = attempts;
    }

    /** The message's own attempts, the one that failed for good included. */
    public int attempts() {
        return attempts;
    }
}
