package io.hubroute.config;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A connection string: written inline, or as a {@code ${env:NAME}} / {@code ${file:PATH}} reference
 * that is resolved when the configuration is loaded. {@link #toString} never shows the value: it
 * shows the reference, or {@code <inline>}.
 */
public final class Secret {
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{(env|file):([^}]+)}");

    private final String reference;
    private final String value;

    private Secret(String reference, String value) {
        this.reference = reference;
        this.value = value;
    }

    /** A secret written inline in the configuration. */
    public static Secret inline(String value) {
        return new Secret(null, Objects.requireNonNull(value, "value"));
    }

    /** A reference whose value was not (or not yet) resolved. */
    public static Secret unresolved(String reference) {
        return new Secret(Objects.requireNonNull(reference, "reference"), null);
    }

    /** A reference and its resolved value. */
    public static Secret resolved(String reference, String value) {
        return new Secret(
                Objects.requireNonNull(reference, "reference"),
                Objects.requireNonNull(value, "value"));
    }

    /**
     * Whether {@code text} is written as a reference, {@code ${env:NAME}} or {@code ${file:PATH}}.
     */
    public static boolean isReference(String text) {
        return REFERENCE.matcher(text).matches();
    }

    /**
     * Whether {@code text} looks like it meant to be a reference ({@code ${...}}) but is not one.
     */
    static boolean isMalformedReference(String text) {
        return text.contains("${") && !isReference(text);
    }

    /** {@code env} or {@code file} for a reference. */
    static String scheme(String reference) {
        Matcher matcher = REFERENCE.matcher(reference);
        return matcher.matches() ? matcher.group(1) : null;
    }

    /** The variable name or path of a reference. */
    static String target(String reference) {
        Matcher matcher = REFERENCE.matcher(reference);
        return matcher.matches() ? matcher.group(2) : null;
    }

    /** The reference as written, when the secret is one. */
    public Optional<String> reference() {
        return Optional.ofNullable(reference);
    }

    /** The value, when it is inline or resolved. */
    public Optional<String> value() {
        return Optional.ofNullable(value);
    }

    public boolean isResolved() {
        return value != null;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Secret
                && Objects.equals(((Secret) other).reference, reference)
                && Objects.equals(((Secret) other).value, value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(reference, value);
    }

    @Override
    public String toString() {
        return reference != null ? reference : "<inline>";
    }
}
