package io.hubroute.query.compiler;

import static io.hubroute.query.compiler.Nodes.NULL_STRING;
import static io.hubroute.query.compiler.Nodes.TRUE;
import static io.hubroute.query.compiler.Nodes.UNKNOWN;

import io.hubroute.query.MessageContext;
import io.hubroute.query.compiler.Nodes.BoolNode;
import io.hubroute.query.compiler.Nodes.JsonNode;
import io.hubroute.query.compiler.Nodes.NumberNode;
import io.hubroute.query.compiler.Nodes.StringNode;
import io.hubroute.query.json.JsonValues;
import io.hubroute.query.runtime.Functions;

/**
 * Conversions between the node types: function parameters (num, str, concat parts), {@code
 * as_number}, and static values as json (spec §4).
 */
final class ConversionNodes {
    private ConversionNodes() {}

    /** A json num parameter: a JSON number, else NaN. */
    static final class JsonNumberArgument extends NumberNode {
        private final JsonNode json;

        JsonNumberArgument(JsonNode json) {
            this.json = json;
        }

        @Override
        double number(MessageContext c) {
            Object value = json.json(c);
            return value instanceof Double ? (Double) value : Double.NaN;
        }
    }

    /** A string str parameter: the null string counts as missing. */
    static final class StringArgument extends StringNode {
        private final StringNode node;

        StringArgument(StringNode node) {
            this.node = node;
        }

        @Override
        String string(MessageContext c) {
            String s = node.string(c);
            return s == NULL_STRING ? null : s;
        }
    }

    /** A json str parameter: a JSON string, else null. */
    static final class JsonStringArgument extends StringNode {
        private final JsonNode json;

        JsonStringArgument(JsonNode json) {
            this.json = json;
        }

        @Override
        String string(MessageContext c) {
            Object value = json.json(c);
            return value instanceof String ? (String) value : null;
        }
    }

    /** A string concat part: the null string counts as ''. */
    static final class ConcatPart extends StringNode {
        private final StringNode node;

        ConcatPart(StringNode node) {
            this.node = node;
        }

        @Override
        String string(MessageContext c) {
            String s = node.string(c);
            return s == NULL_STRING ? "" : s;
        }
    }

    /** {@code as_number} of a string. */
    static final class StringAsNumber extends NumberNode {
        private final StringNode text;

        StringAsNumber(StringNode text) {
            this.text = text;
        }

        @Override
        double number(MessageContext c) {
            String s = text.string(c);
            return s == null || s == NULL_STRING ? Double.NaN : Functions.parseNumber(s);
        }
    }

    /** {@code as_number} of a json value: a JSON number, or a JSON string parsed, else NaN. */
    static final class JsonAsNumber extends NumberNode {
        private final JsonNode json;

        JsonAsNumber(JsonNode json) {
            this.json = json;
        }

        @Override
        double number(MessageContext c) {
            Object value = json.json(c);
            if (value instanceof Double) {
                return (Double) value;
            }
            return value instanceof String ? Functions.parseNumber((String) value) : Double.NaN;
        }
    }

    static final class NumberAsJson extends JsonNode {
        private final NumberNode number;

        NumberAsJson(NumberNode number) {
            this.number = number;
        }

        @Override
        Object json(MessageContext c) {
            double value = number.number(c);
            return value != value ? JsonValues.UNDEFINED : (Object) value;
        }
    }

    static final class StringAsJson extends JsonNode {
        private final StringNode string;

        StringAsJson(StringNode string) {
            this.string = string;
        }

        @Override
        Object json(MessageContext c) {
            String value = string.string(c);
            return value == null
                    ? JsonValues.UNDEFINED
                    : value == NULL_STRING ? JsonValues.NULL : value;
        }
    }

    static final class BoolAsJson extends JsonNode {
        private final BoolNode bool;

        BoolAsJson(BoolNode bool) {
            this.bool = bool;
        }

        @Override
        Object json(MessageContext c) {
            int value = bool.bool(c);
            return value == UNKNOWN ? JsonValues.UNDEFINED : Boolean.valueOf(value == TRUE);
        }
    }
}
