package io.hubroute.sink.internal;

import io.hubroute.sink.FailurePolicy;

/**
 * An endpoint call failed for a whole retry budget (or with a failure that retrying cannot fix)
 * under {@link FailurePolicy#DEAD_LETTER}: the caller diverts the message. The message is
 * {@linkplain Redaction redacted}.
 */
public final class RetriesExhaustedException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int attempts;

    public RetriesExhaustedException(String endpointName, int attempts, Throwable lastFailure) {
        super(
                "endpoint '"
                        + endpointName
                        + "' failed "
                        + attempts
                        + " attempt(s); last: "
                        + Redaction.describe(lastFailure),
                lastFailure);
        this.attempts = attempts;
    }

    public int attempts() {
        return attempts;
    }
}
