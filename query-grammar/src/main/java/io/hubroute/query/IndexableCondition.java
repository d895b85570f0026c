package io.hubroute.query;

import io.hubroute.query.ast.Operator;
import io.hubroute.query.json.JsonValues;
import java.util.Objects;
import java.util.function.Function;

/**
 * A whole condition of a form a router may index instead of evaluating: one {@link Operand} (a
 * property, a {@code $body} or a {@code $twin} query) against a constant. The router reads each
 * operand once per message ({@link Operand#read}) and finds the true conditions of many routes with
 * a hash lookup, a binary search or a trie walk; {@link #resultFor} is each condition's result for
 * the value read, exactly what evaluating the condition gives.
 *
 * <pre>{@code
 * IndexableCondition indexable = condition.indexable().orElseThrow();
 * Object value = indexable.operand().read(context);
 * RouteResult result = indexable.resultFor(value); // == condition.evaluate(context)
 * }</pre>
 *
 * <p>The forms, with the constant folded (so {@code 2 * 3} counts as {@code 6}) and a constant on
 * the left mirrored ({@code 5 < $body.x} is {@code $body.x > 5}):
 *
 * <ul>
 *   <li>{@link Equality}: {@code operand = constant}, a string for a property, a string, number or
 *       bool for a query (spec §7).
 *   <li>{@link Range}: {@code query < <= > >= number} on a {@code $body} or {@code $twin} query
 *       (spec §7: a property is a string and cannot meet a number).
 *   <li>{@link Prefix} and {@link Suffix}: {@code starts_with(operand, 'text')} and {@code
 *       ends_with(operand, 'text')} (spec §13).
 * </ul>
 */
public sealed interface IndexableCondition {
    /** What the condition reads. */
    Operand operand();

    /**
     * The condition's result when its operand reads {@code value} (an {@link Operand#read} answer).
     */
    RouteResult resultFor(Object value);

    /**
     * {@code operand = value} (spec §7): undefined when the operand is, true when it is of the same
     * kind and equal ({@code -0 = 0}), else false (JSON null and other kinds included).
     *
     * @param value a String, a Double (not NaN; -0 is kept as 0) or a Boolean
     */
    record Equality(Operand operand, Object value) implements IndexableCondition {
        public Equality {
            Objects.requireNonNull(operand, "operand");
            Objects.requireNonNull(value, "value");
            if (value instanceof Double) {
                if (Double.isNaN((Double) value)) {
                    throw new IllegalArgumentException("NaN is never equal to anything");
                }
                value = number((Double) value);
            } else if (!(value instanceof String) && !(value instanceof Boolean)) {
                throw new IllegalArgumentException(
                        "an equality compares with a string, a number or a bool, not " + value);
            }
            if (!operand.isQuery() && !(value instanceof String)) {
                throw new IllegalArgumentException(
                        "property " + operand + " compares only with a string, not " + value);
            }
        }

        @Override
        public RouteResult resultFor(Object read) {
            if (read == JsonValues.UNDEFINED) {
                return RouteResult.UNDEFINED;
            }
            if (read instanceof Double && value instanceof Double) {
                // IEEE equality: -0 = 0
                return bool((Double) read == ((Double) value).doubleValue());
            }
            return bool(value.equals(read));
        }
    }

    /**
     * {@code query operator threshold} on a {@code $body} or {@code $twin} query (spec §7):
     * undefined when the query is; numbers compare as IEEE doubles (±∞ ordered, -0 = 0); other
     * kinds are never converted but ordered bool &lt; number &lt; string &lt; null, so a bool is
     * below every threshold and a string, JSON null or a path that matched nothing above it.
     *
     * @param operator {@code <}, {@code <=}, {@code >} or {@code >=}
     * @param threshold not NaN; -0 is kept as 0
     */
    record Range(Operand operand, Operator operator, double threshold)
            implements IndexableCondition {
        public Range {
            Objects.requireNonNull(operand, "operand");
            Objects.requireNonNull(operator, "operator");
            if (!operand.isQuery()) {
                throw new IllegalArgumentException(
                        "property " + operand + " is a string and cannot meet a number");
            }
            if (operator != Operator.LESS
                    && operator != Operator.LESS_OR_EQUAL
                    && operator != Operator.GREATER
                    && operator != Operator.GREATER_OR_EQUAL) {
                throw new IllegalArgumentException("not a range operator: " + operator);
            }
            if (Double.isNaN(threshold)) {
                throw new IllegalArgumentException("a NaN threshold is never compared");
            }
            threshold = number(threshold);
        }

        /** Whether the operator is {@code >} or {@code >=}. */
        public boolean isLowerBound() {
            return operator == Operator.GREATER || operator == Operator.GREATER_OR_EQUAL;
        }

        /** Whether the operator admits the threshold itself ({@code <=}, {@code >=}). */
        public boolean isInclusive() {
            return operator == Operator.LESS_OR_EQUAL || operator == Operator.GREATER_OR_EQUAL;
        }

        @Override
        public RouteResult resultFor(Object read) {
            if (read == JsonValues.UNDEFINED) {
                return RouteResult.UNDEFINED;
            }
            int order;
            if (read instanceof Double) {
                double x = (Double) read;
                if (x != x) {
                    return RouteResult.UNDEFINED;
                }
                order = x < threshold ? -1 : x > threshold ? 1 : 0;
            } else {
                // bool < number < string < null
                order = read instanceof Boolean ? -1 : 1;
            }
            switch (operator) {
                case LESS:
                    return bool(order < 0);
                case LESS_OR_EQUAL:
                    return bool(order <= 0);
                case GREATER:
                    return bool(order > 0);
                default:
                    return bool(order >= 0);
            }
        }
    }

    /**
     * {@code starts_with(operand, prefix)} (spec §13): undefined unless the operand is a present,
     * non-null string or a JSON string; then whether it starts with {@code prefix}, ordinal and
     * case-sensitive ({@code ''} starts every string).
     */
    record Prefix(Operand operand, String prefix) implements IndexableCondition {
        public Prefix {
            Objects.requireNonNull(operand, "operand");
            Objects.requireNonNull(prefix, "prefix");
        }

        @Override
        public RouteResult resultFor(Object read) {
            return read instanceof String
                    ? bool(((String) read).startsWith(prefix))
                    : RouteResult.UNDEFINED;
        }
    }

    /** {@code ends_with(operand, suffix)}: as {@link Prefix}, at the other end. */
    record Suffix(Operand operand, String suffix) implements IndexableCondition {
        public Suffix {
            Objects.requireNonNull(operand, "operand");
            Objects.requireNonNull(suffix, "suffix");
        }

        @Override
        public RouteResult resultFor(Object read) {
            return read instanceof String
                    ? bool(((String) read).endsWith(suffix))
                    : RouteResult.UNDEFINED;
        }
    }

    /**
     * What an indexable condition reads. Operands of different conditions that read the same value
     * are equal (property names compare case-insensitively, paths case-sensitively, {@code $name}
     * and {@code {$name}} differ), so a router reads each once per message.
     *
     * <p>{@link #read} gives the value as json: a Boolean, a Double, a String, {@link
     * JsonValues#NULL} (JSON null, or a path that matched nothing) or {@link JsonValues#UNDEFINED}
     * (an object, an array, a date-like string, an unusable body, no twin). A property gives its
     * String, or {@code UNDEFINED} when it is missing or null-valued: every form gives undefined
     * for both (spec §7, §13).
     */
    final class Operand {
        /** Where the value comes from. */
        public enum Kind {
            APPLICATION_PROPERTY,
            SYSTEM_PROPERTY,
            BODY,
            TWIN
        }

        private final Kind kind;
        private final String text;
        private final Object identity;
        private final Function<MessageContext, Object> reader;

        Operand(Kind kind, String text, Object identity, Function<MessageContext, Object> reader) {
            this.kind = Objects.requireNonNull(kind, "kind");
            this.text = Objects.requireNonNull(text, "text");
            this.identity = Objects.requireNonNull(identity, "identity");
            this.reader = Objects.requireNonNull(reader, "reader");
        }

        public Kind kind() {
            return kind;
        }

        /** Whether it is a {@code $body} or {@code $twin} query (json), not a property (string). */
        public boolean isQuery() {
            return kind == Kind.BODY || kind == Kind.TWIN;
        }

        /**
         * The value for this message. A {@code $body} path must be among the context's {@link
         * BodyPaths} to be read in the one pass over the body; a {@code $twin} value is memoised in
         * the context, shared with the conditions that query it.
         */
        public Object read(MessageContext context) {
            return reader.apply(context);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Operand && ((Operand) other).identity.equals(identity);
        }

        @Override
        public int hashCode() {
            return identity.hashCode();
        }

        /** The operand as the first condition that read it wrote it. */
        @Override
        public String toString() {
            return text;
        }
    }

    private static RouteResult bool(boolean value) {
        return value ? RouteResult.TRUE : RouteResult.FALSE;
    }

    /** -0 as 0: keys and thresholds compare as IEEE numbers do. */
    private static double number(double value) {
        return value + 0.0;
    }
}
