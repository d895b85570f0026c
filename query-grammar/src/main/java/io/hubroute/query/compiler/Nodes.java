package io.hubroute.query.compiler;

import io.hubroute.query.MessageContext;

/**
 * The evaluation nodes of the fast path, one base class per static type so values stay unboxed:
 * numbers are doubles (NaN is undefined), strings are Strings (null is missing, {@link
 * #NULL_STRING} is a property present with a null value), bools are ints ({@link #FALSE}, {@link
 * #TRUE}, {@link #UNKNOWN}), json values are Boolean, Double, String or a {@code JsonValues}
 * marker.
 */
final class Nodes {
    static final int FALSE = 0;
    static final int TRUE = 1;
    static final int UNKNOWN = 2;

    /** A property present with a null value; compared by identity only. */
    @SuppressWarnings("StringOperationCanBeSimplified")
    static final String NULL_STRING = new String("<null>");

    private Nodes() {}

    abstract static class NumberNode {
        abstract double number(MessageContext context);
    }

    abstract static class StringNode {
        abstract String string(MessageContext context);
    }

    abstract static class BoolNode {
        abstract int bool(MessageContext context);
    }

    abstract static class JsonNode {
        abstract Object json(MessageContext context);
    }

    static int bool(boolean value) {
        return value ? TRUE : FALSE;
    }
}
