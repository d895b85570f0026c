package io.hubroute.query.compiler;

import io.hubroute.query.MessageContext;
import io.hubroute.query.analyzer.Builtin;
import io.hubroute.query.ast.Operator;
import io.hubroute.query.compiler.Nodes.JsonNode;
import io.hubroute.query.compiler.Nodes.NumberNode;
import io.hubroute.query.json.JsonValues;
import io.hubroute.query.runtime.Functions;

/**
 * {@code + - * / %} and unary minus on numbers and on json values, and the math functions ({@code
 * abs}, {@code ceiling}, {@code floor}, {@code sign}, {@code sqrt}, {@code square}, {@code exp},
 * {@code power}).
 */
final class ArithmeticNodes {
    private ArithmeticNodes() {}

    static double arithmetic(int operator, double a, double b) {
        if (operator == Operator.ADD.ordinal()) {
            return a + b;
        } else if (operator == Operator.SUBTRACT.ordinal()) {
            return a - b;
        } else if (operator == Operator.MULTIPLY.ordinal()) {
            return a * b;
        } else if (operator == Operator.DIVIDE.ordinal()) {
            return a / b;
        }
        return a % b;
    }

    static final class NumberArithmetic extends NumberNode {
        private final int operator;
        private final NumberNode left;
        private final NumberNode right;

        NumberArithmetic(Operator operator, NumberNode left, NumberNode right) {
            this.operator = operator.ordinal();
            this.left = left;
            this.right = right;
        }

        @Override
        double number(MessageContext c) {
            return arithmetic(operator, left.number(c), right.number(c));
        }
    }

    static final class NumberNegate extends NumberNode {
        private final NumberNode operand;

        NumberNegate(NumberNode operand) {
            this.operand = operand;
        }

        @Override
        double number(MessageContext c) {
            return -operand.number(c);
        }
    }

    /** Arithmetic on json operands: both JSON numbers, else undefined, as is a NaN result. */
    static final class JsonArithmetic extends JsonNode {
        private final int operator;
        private final JsonNode left;
        private final JsonNode right;

        JsonArithmetic(Operator operator, JsonNode left, JsonNode right) {
            this.operator = operator.ordinal();
            this.left = left;
            this.right = right;
        }

        @Override
        Object json(MessageContext c) {
            Object x = left.json(c);
            Object y = right.json(c);
            if (!(x instanceof Double) || !(y instanceof Double)) {
                return JsonValues.UNDEFINED;
            }
            double value = arithmetic(operator, (Double) x, (Double) y);
            return value != value ? JsonValues.UNDEFINED : (Object) value;
        }
    }

    static final class JsonNegate extends JsonNode {
        private final JsonNode operand;

        JsonNegate(JsonNode operand) {
            this.operand = operand;
        }

        @Override
        Object json(MessageContext c) {
            Object x = operand.json(c);
            return x instanceof Double ? (Object) (-(Double) x) : JsonValues.UNDEFINED;
        }
    }

    static final class UnaryMath extends NumberNode {
        private final Builtin function;
        private final NumberNode argument;

        UnaryMath(Builtin function, NumberNode argument) {
            this.function = function;
            this.argument = argument;
        }

        @Override
        double number(MessageContext c) {
            double x = argument.number(c);
            switch (function) {
                case ABS:
                    return Math.abs(x);
                case CEILING:
                    return Math.ceil(x);
                case FLOOR:
                    return Math.floor(x);
                case SIGN:
                    return x != x ? x : Functions.sign(x);
                case SQRT:
                    return Math.sqrt(x);
                case SQUARE:
                    return x * x;
                default:
                    return Math.exp(x);
            }
        }
    }

    static final class Power extends NumberNode {
        private final NumberNode base;
        private final NumberNode exponent;

        Power(NumberNode base, NumberNode exponent) {
            this.base = base;
            this.exponent = exponent;
        }

        @Override
        double number(MessageContext c) {
            return Functions.power(base.number(c), exponent.number(c));
        }
    }
}
