package io.hubroute.config;

import java.util.Objects;

/**
 * One problem in a configuration file, at a 1-based line and column (columns count code points),
 * with how to fix it.
 */
public record ConfigProblem(String file, int line, int column, String message, String fix) {
    public ConfigProblem {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(fix, "fix");
    }

    /** {@code file:line:column: message}, then the fix on an indented line. */
    @Override
    public String toString() {
        return location() + ": " + message + "\n    fix: " + fix;
    }

    /** {@code file:line:column}. */
    public String location() {
        return file + ":" + line + ":" + column;
    }
}
