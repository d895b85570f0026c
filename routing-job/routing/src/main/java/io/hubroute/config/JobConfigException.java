package io.hubroute.config;

/** A job configuration that cannot be used; the message starts with {@code file:line:column}. */
public final class JobConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    public JobConfigException(String message) {
        super(message);
    }
}
