package io.hubroute.query.ast;

import io.hubroute.query.SourceRange;
import java.util.Objects;

/**
 * A literal. {@code value} is a String for strings, a Double for numbers, a Boolean for {@code
 * true}/{@code false}, and null for {@code null} and for the undefined constant (which numbers
 * without digits, overlong hex numbers and {@code undefined} are).
 */
public record Literal(Kind kind, Object value, SourceRange range) implements Expression {
    public enum Kind {
        STRING,
        NUMBER,
        BOOL,
        NULL,
        UNDEFINED
    }

    public Literal {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(range, "range");
    }
}
