package io.hubroute.query;

import java.util.Objects;

/**
 * One compile problem (spec §14). The message ends with {@code at line L:C}, L:C being the start of
 * the range.
 */
public record CompileError(String message, Severity severity, SourceRange range) {
    /** Errors invalidate a condition; warnings never do. */
    public enum Severity {
        ERROR("error"),
        WARNING("warning");

        private final String text;

        Severity(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    public CompileError {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(range, "range");
    }

    @Override
    public String toString() {
        return severity.text() + ": " + message;
    }
}
