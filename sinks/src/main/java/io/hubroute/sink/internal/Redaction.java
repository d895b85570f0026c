package io.hubroute.sink.internal;

import java.util.regex.Pattern;

/**
 * Removes secrets from text that may reach logs, exceptions or message properties: account keys,
 * shared access keys, passwords and SAS signatures, as they appear in connection strings, URLs and
 * SDK error messages.
 */
public final class Redaction {
    private static final Pattern SECRETS =
            Pattern.compile(
                    "(?i)(accountkey|sharedaccesskey|sharedaccesssignature|password|sig|secret|token)=[^;&\\s\"']*");
    private static final int MAX_LENGTH = 512;

    private Redaction() {}

    /** The text with every secret value replaced by {@code ***}; null stays null. */
    public static String redact(String text) {
        if (text == null) {
            return null;
        }
        return SECRETS.matcher(text).replaceAll("$1=***");
    }

    /**
     * A one-line description of a failure, safe to log or record: the exception's simple class name
     * and redacted message, at most 512 characters.
     */
    public static String describe(Throwable failure) {
        if (failure == null) {
            return "unknown failure";
        }
        String message = redact(failure.getMessage());
        String text = failure.getClass().getSimpleName() + (message == null ? "" : ": " + message);
        text = text.replace('\n', ' ').replace('\r', ' ');
        return text.length() > MAX_LENGTH ? text.substring(0, MAX_LENGTH) : text;
    }
}
