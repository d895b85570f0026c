package io.hubroute.config;

import java.util.List;

/**
 * A job configuration that cannot be used: every problem, each starting with {@code
 * file:line:column} and followed by its fix.
 */
public final class JobConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient List<ConfigProblem> problems;

    public JobConfigException(String message) {
        this(message, List.of());
    }

    public JobConfigException(String message, List<ConfigProblem> problems) {
        super(message);
        this.problems = List.copyOf(problems);
    }

    /** The problems with their positions; empty when the message is all there is. */
    public List<ConfigProblem> problems() {
        return problems;
    }
}
