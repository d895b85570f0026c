package io.hubroute.job.source;

/**
 * The Kafka cluster of the job's source refused its credentials: a wrong SharedAccessKey or
 * SharedAccessKeyName, the wrong namespace, an untrusted certificate. The message names the source
 * and its bootstrap servers, says that authentication failed and what to check; it never holds a
 * key or a connection string. The Kafka client's own exception is the cause.
 */
public final class SourceAuthenticationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SourceAuthenticationException(String message, Throwable cause) {
        super(message, cause);
    }
}
