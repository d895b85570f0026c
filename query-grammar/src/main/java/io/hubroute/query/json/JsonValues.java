package io.hubroute.query.json;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * How JSON values from the body or the twin are represented while evaluating: a {@link Boolean}, a
 * {@link Double}, a {@link String}, or one of the markers below (compared by identity).
 */
public final class JsonValues {
    /**
     * A path that matched nothing. It reads as JSON null, but twin_change_includes tells it apart.
     */
    public static final Object ABSENT = marker("absent");

    /** JSON null. */
    public static final Object NULL = marker("null");

    /** Undefined json: an object, an array, a date-like string, or no value could be had. */
    public static final Object UNDEFINED = marker("undefined");

    private JsonValues() {}

    private static Object marker(String name) {
        return new Object() {
            @Override
            public String toString() {
                return name;
            }
        };
    }

    /**
     * The value of a node found by a path lookup; {@code null} (nothing matched) gives {@link
     * #ABSENT}.
     */
    public static Object fromNode(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return ABSENT;
        }
        if (node.isNull()) {
            return NULL;
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isNumber()) {
            return node.doubleValue();
        }
        if (node.isTextual()) {
            return fromString(node.textValue());
        }
        return UNDEFINED;
    }

    /** A JSON string value: itself, or undefined when it is date-like (spec §10). */
    public static Object fromString(String text) {
        return DateLikeStrings.isDateLike(text) ? UNDEFINED : text;
    }
}
