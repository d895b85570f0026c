package io.hubroute.config;

import java.util.Objects;
import java.util.Optional;

/**
 * A connection string: written inline, or as a {@code ${env:NAME}} / {@code ${file:PATH}} reference
 * that is resolved when the configuration is loaded. {@link #toString} never shows the value: it
 * shows the reference, or {@code <inline>}.
 */
public final class Secret {
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
        return SecretReferences.isReference(text);
    }

    /**
     * Whether {@code text} looks like it meant to be a reference ({@code ${...}}) but is not one.
     */
    static boolean isMalformedReference(String text) {
        return text.contains("${") && !isReference(text);
    }

    /**
     * Whether the secret is written with references only: what may travel in program arguments,
     * which Flink's web UI shows. A value that holds a reference among other text (a JAAS line with
     * {@code password="${env:KEY}"}) counts too.
     */
    public boolean isWrittenAsReference() {
        return reference != null;
    }

    /** {@code env} or {@code file} for a reference. */
    static String scheme(String reference) {
        return SecretReferences.scheme(reference);
    }

    /** The variable name or path of a reference. */
    static String target(String reference) {
        return SecretReferences.target(reference);
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
