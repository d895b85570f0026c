package io.hubroute.sink.internal;

import java.io.IOException;

/**
 * The endpoint refused the credentials ({@link FailureKind#AUTHENTICATION}): retrying cannot help,
 * so the writer fails at once, under every failure policy, and the job with it. The message names
 * the endpoint, says that authentication failed and what to check; it is {@linkplain Redaction
 * redacted} and never holds a key.
 */
public final class EndpointAuthenticationException extends IOException {
    private static final long serialVersionUID = 1L;

    public EndpointAuthenticationException(String endpointName, String advice, Throwable cause) {
        super(
                "endpoint '"
                        + endpointName
                        + "': authentication failed: "
                        + advice
                        + "; retrying cannot fix this, so the job fails now: correct the setting and"
                        + " start the job again. Cause: "
                        + Redaction.describe(cause),
                cause);
    }
}
