package io.hubroute.cli;

/** Bad command-line arguments: reported with the command's usage, exit code 2. */
public final class UsageException extends Exception {
    public UsageException(String message) {
        super(message);
    }
}
