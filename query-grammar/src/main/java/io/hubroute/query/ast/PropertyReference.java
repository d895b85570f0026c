package io.hubroute.query.ast;

import io.hubroute.query.SourceRange;
import java.util.Objects;

/**
 * A property as written: {@code name}, {@code $name} (with any path) or {@code {$name}}. {@code
 * text} is the name token as written, including the {@code $}; {@code nameRange} is that token's
 * range (inside the braces for {@code {$name}}).
 */
public record PropertyReference(Form form, String text, SourceRange nameRange, SourceRange range)
        implements Expression {
    public enum Form {
        /** {@code name}: an application property. */
        APPLICATION,
        /** {@code $name}: shadowed by an application property keyed literally so. */
        DOLLAR,
        /** {@code {$name}}: the system property or query only. */
        SYSTEM_ONLY
    }

    public PropertyReference {
        Objects.requireNonNull(form, "form");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(nameRange, "nameRange");
        Objects.requireNonNull(range, "range");
    }
}
