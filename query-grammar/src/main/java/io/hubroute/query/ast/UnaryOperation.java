package io.hubroute.query.ast;

import io.hubroute.query.SourceRange;
import java.util.Objects;

/** {@code -operand} or {@code NOT operand}. */
public record UnaryOperation(
        Operator operator, Expression operand, SourceRange operatorRange, SourceRange range)
        implements Expression {
    public UnaryOperation {
        Objects.requireNonNull(operator, "operator");
        Objects.requireNonNull(operand, "operand");
        Objects.requireNonNull(operatorRange, "operatorRange");
        Objects.requireNonNull(range, "range");
    }
}
