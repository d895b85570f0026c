package io.hubroute.query.ast;

import io.hubroute.query.SourceRange;
import java.util.List;
import java.util.Objects;

/** A call {@code name(arguments)}; {@code argumentsRange} spans the parentheses' contents. */
public record FunctionCall(
        String name,
        SourceRange nameRange,
        List<Expression> arguments,
        SourceRange argumentsRange,
        SourceRange range)
        implements Expression {
    public FunctionCall {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(nameRange, "nameRange");
        arguments = List.copyOf(arguments);
        Objects.requireNonNull(argumentsRange, "argumentsRange");
        Objects.requireNonNull(range, "range");
    }
}
