package io.hubroute.sink.internal;

import java.net.URI;
import java.net.URISyntaxException;
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
     * A URI safe to show: its user info ({@code user:password@}, an access key, a container name
     * that may come with one) replaced by {@code ***} and secrets in its query redacted; a text
     * that is not a URI keeps only its scheme. Null stays null.
     *
     * <pre>{@code
     * redactUri("s3://AKIA:secret@bucket/prefix")  // "s3://***@bucket/prefix"
     * redactUri("file:///data/archive")            // "file:///data/archive"
     * }</pre>
     */
    public static String redactUri(String uri) {
        if (uri == null) {
            return null;
        }
        URI parsed;
        try {
            parsed = new URI(uri.trim());
        } catch (URISyntaxException e) {
            int colon = uri.indexOf(':');
            String scheme = colon > 0 ? uri.substring(0, colon) : "";
            return scheme.matches("[A-Za-z][A-Za-z0-9+.-]*")
                    ? scheme + ":(not a valid URI)"
                    : "(not a valid URI)";
        }
        String rawUserInfo = parsed.getRawUserInfo();
        if (rawUserInfo == null || parsed.getRawAuthority() == null) {
            return redact(parsed.toString());
        }
        // The authority, and with it the user info, starts right after the first "//".
        String text = parsed.toString();
        int userInfoAt = text.indexOf("//") + 2;
        return redact(
                text.substring(0, userInfoAt)
                        + "***"
                        + text.substring(userInfoAt + rawUserInfo.length()));
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
