package io.hubroute.query.ast;

/** The operators of the language, with their text as written in messages. */
public enum Operator {
    NEGATE("-"),
    NOT("NOT"),
    MULTIPLY("*"),
    DIVIDE("/"),
    MODULO("%"),
    ADD("+"),
    SUBTRACT("-"),
    CONCAT("||"),
    LESS("<"),
    LESS_OR_EQUAL("<="),
    GREATER(">"),
    GREATER_OR_EQUAL(">="),
    EQUAL("="),
    NOT_EQUAL("!="),
    NOT_EQUAL_ALTERNATIVE("<>"),
    AND("AND"),
    OR("OR"),
    COALESCE("??");

    private final String symbol;

    Operator(String symbol) {
        this.symbol = symbol;
    }

    public String symbol() {
        return symbol;
    }

    public boolean isComparison() {
        return ordinal() >= LESS.ordinal() && ordinal() <= NOT_EQUAL_ALTERNATIVE.ordinal();
    }

    public boolean isArithmetic() {
        return this == MULTIPLY
                || this == DIVIDE
                || this == MODULO
                || this == ADD
                || this == SUBTRACT;
    }
}
