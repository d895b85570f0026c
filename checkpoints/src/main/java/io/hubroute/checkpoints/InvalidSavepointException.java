package io.hubroute.checkpoints;

/**
 * A path that the savepoint tools cannot read as a savepoint of the routing job: not a savepoint, a
 * savepoint of another job, or one this version cannot read. The message names the path, what was
 * found there and what would be needed.
 */
public final class InvalidSavepointException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InvalidSavepointException(String message) {
        super(message);
    }

    public InvalidSavepointException(String message, Throwable cause) {
        super(message, cause);
    }
}
