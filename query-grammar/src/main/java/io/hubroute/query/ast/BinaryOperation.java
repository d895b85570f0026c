package io.hubroute.query.ast;

import io.hubroute.query.SourceRange;
import java.util.Objects;

/** {@code left operator right}; {@code operatorRange} is where type errors are reported. */
public record BinaryOperation(
        Operator operator,
        Expression left,
        Expression right,
        SourceRange operatorRange,
        SourceRange range)
        implements Expression {
    public BinaryOperation {
        Objects.requireNonNull(operator, "operator");
        Objects.requireNonNull(left, "left");
        Objects.requireNonNull(right, "right");
        Objects.requireNonNull(operatorRange, "operatorRange");
        Objects.requireNonNull(range, "range");
    }
}
