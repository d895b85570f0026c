package io.hubroute.query.compiler;

import static io.hubroute.query.compiler.Nodes.NULL_STRING;
import static io.hubroute.query.compiler.Nodes.UNKNOWN;

import io.hubroute.query.MessageContext;
import io.hubroute.query.ast.Operator;
import io.hubroute.query.compiler.Nodes.BoolNode;
import io.hubroute.query.compiler.Nodes.JsonNode;
import io.hubroute.query.compiler.Nodes.NumberNode;
import io.hubroute.query.compiler.Nodes.StringNode;
import io.hubroute.query.json.JsonValues;

/** {@code = != <> < <= > >=} by operand type (spec §7). */
final class ComparisonNodes {
    private ComparisonNodes() {}

    /** Applies a comparison operator to a three-way comparison result. */
    static int compared(Operator operator, int comparison) {
        switch (operator) {
            case EQUAL:
                return Nodes.bool(comparison == 0);
            case NOT_EQUAL:
                return Nodes.bool(comparison != 0);
            case LESS:
                return Nodes.bool(comparison < 0);
            case LESS_OR_EQUAL:
                return Nodes.bool(comparison <= 0);
            case GREATER:
                return Nodes.bool(comparison > 0);
            default:
                return Nodes.bool(comparison >= 0);
        }
    }

    static final class NumberComparison extends BoolNode {
        private final Operator operator;
        private final NumberNode left;
        private final NumberNode right;

        NumberComparison(Operator operator, NumberNode left, NumberNode right) {
            this.operator = operator;
            this.left = left;
            this.right = right;
        }

        @Override
        int bool(MessageContext c) {
            double a = left.number(c);
            double b = right.number(c);
            if (a != a || b != b) {
                return UNKNOWN;
            }
            return compared(operator, a < b ? -1 : a > b ? 1 : 0);
        }
    }

    static final class StringComparison extends BoolNode {
        private final Operator operator;
        private final StringNode left;
        private final StringNode right;

        StringComparison(Operator operator, StringNode left, StringNode right) {
            this.operator = operator;
            this.left = left;
            this.right = right;
        }

        @Override
        int bool(MessageContext c) {
            String a = left.string(c);
            String b = right.string(c);
            if (a == null || b == null || a == NULL_STRING || b == NULL_STRING) {
                return UNKNOWN;
            }
            return compared(operator, a.compareTo(b));
        }
    }

    /** {@code property = 'text'}, the most common condition, without a general comparison. */
    static final class StringEqualsConstant extends BoolNode {
        private final StringNode operand;
        private final String constant;
        private final boolean negated;

        StringEqualsConstant(StringNode operand, String constant, boolean negated) {
            this.operand = operand;
            this.constant = constant;
            this.negated = negated;
        }

        @Override
        int bool(MessageContext c) {
            String value = operand.string(c);
            if (value == null || value == NULL_STRING) {
                return UNKNOWN;
            }
            return Nodes.bool(constant.equals(value) != negated);
        }
    }

    static final class BoolComparison extends BoolNode {
        private final Operator operator;
        private final BoolNode left;
        private final BoolNode right;

        BoolComparison(Operator operator, BoolNode left, BoolNode right) {
            this.operator = operator;
            this.left = left;
            this.right = right;
        }

        @Override
        int bool(MessageContext c) {
            int x = left.bool(c);
            int y = right.bool(c);
            return x == UNKNOWN || y == UNKNOWN ? UNKNOWN : compared(operator, x - y);
        }
    }

    /** {@code $body.x > 40}: the common json comparison, with the constant's kind known once. */
    static final class JsonComparedToConstant extends BoolNode {
        private final Operator operator;
        private final JsonNode left;
        private final Object constant;
        private final int constantKind;
        private final double number;

        JsonComparedToConstant(Operator operator, JsonNode left, Object constant) {
            this.operator = operator;
            this.left = left;
            this.constant = constant;
            this.constantKind = JsonComparison.kind(constant);
            this.number = constant instanceof Double ? (Double) constant : Double.NaN;
        }

        @Override
        int bool(MessageContext c) {
            Object a = left.json(c);
            if (a == JsonValues.UNDEFINED) {
                return UNKNOWN;
            }
            if (constantKind == 1 && a instanceof Double) {
                double x = (Double) a;
                return compared(operator, x < number ? -1 : x > number ? 1 : 0);
            }
            if (constantKind == 2 && a instanceof String) {
                return compared(operator, ((String) a).compareTo((String) constant));
            }
            return JsonComparison.compare(operator, a, constant);
        }
    }

    static final class JsonComparison extends BoolNode {
        private final Operator operator;
        private final JsonNode left;
        private final JsonNode right;

        JsonComparison(Operator operator, JsonNode left, JsonNode right) {
            this.operator = operator;
            this.left = left;
            this.right = right;
        }

        @Override
        int bool(MessageContext c) {
            Object a = left.json(c);
            if (a == JsonValues.UNDEFINED) {
                return UNKNOWN;
            }
            Object b = right.json(c);
            if (b == JsonValues.UNDEFINED) {
                return UNKNOWN;
            }
            return compare(operator, a, b);
        }

        static int compare(Operator operator, Object a, Object b) {
            int kindA = kind(a);
            int kindB = kind(b);
            if (kindA != kindB) {
                return compared(operator, kindA - kindB);
            }
            switch (kindA) {
                case 0:
                    return compared(operator, Boolean.compare((Boolean) a, (Boolean) b));
                case 1:
                    double x = (Double) a;
                    double y = (Double) b;
                    return compared(operator, x < y ? -1 : x > y ? 1 : 0);
                case 2:
                    return compared(operator, ((String) a).compareTo((String) b));
                default:
                    return compared(operator, 0);
            }
        }

        /** bool < number < string < null (spec §7). */
        static int kind(Object value) {
            if (value instanceof Boolean) {
                return 0;
            }
            if (value instanceof Double) {
                return 1;
            }
            return value instanceof String ? 2 : 3;
        }
    }
}
