package io.hubroute.query.compiler;

import static io.hubroute.query.compiler.Nodes.UNKNOWN;

import io.hubroute.query.MessageContext;
import io.hubroute.query.analyzer.Builtin;
import io.hubroute.query.compiler.Nodes.BoolNode;
import io.hubroute.query.compiler.Nodes.NumberNode;
import io.hubroute.query.compiler.Nodes.StringNode;
import io.hubroute.query.runtime.Functions;

/**
 * The string functions: {@code concat} (and {@code ||}), {@code lower}, {@code upper}, {@code
 * substring}, {@code length}, {@code index_of}, {@code starts_with}, {@code ends_with}, {@code
 * contains}. Their string operands are already str parameters: null when missing or not a string.
 */
final class StringFunctionNodes {
    private StringFunctionNodes() {}

    static final class Concat extends StringNode {
        private final StringNode[] parts;

        Concat(StringNode[] parts) {
            this.parts = parts;
        }

        @Override
        String string(MessageContext c) {
            StringBuilder joined = new StringBuilder();
            for (StringNode part : parts) {
                String s = part.string(c);
                if (s == null) {
                    return null;
                }
                joined.append(s);
            }
            return joined.toString();
        }
    }

    /** {@code lower} and {@code upper}. */
    static final class ChangeCase extends StringNode {
        private final StringNode text;
        private final boolean upper;

        ChangeCase(StringNode text, boolean upper) {
            this.text = text;
            this.upper = upper;
        }

        @Override
        String string(MessageContext c) {
            String s = text.string(c);
            return s == null ? null : upper ? Functions.upper(s) : Functions.lower(s);
        }
    }

    /** {@code substring} with two arguments ({@code length} null) or three. */
    static final class Substring extends StringNode {
        private final StringNode source;
        private final NumberNode start;
        private final NumberNode length;

        Substring(StringNode source, NumberNode start, NumberNode length) {
            this.source = source;
            this.start = start;
            this.length = length;
        }

        @Override
        String string(MessageContext c) {
            String s = source.string(c);
            if (s == null) {
                return null;
            }
            double from = start.number(c);
            return length == null
                    ? Functions.substring(s, from)
                    : Functions.substring(s, from, length.number(c));
        }
    }

    static final class Length extends NumberNode {
        private final StringNode text;

        Length(StringNode text) {
            this.text = text;
        }

        @Override
        double number(MessageContext c) {
            String s = text.string(c);
            return s == null ? Double.NaN : s.length();
        }
    }

    static final class IndexOf extends NumberNode {
        private final StringNode haystack;
        private final StringNode needle;

        IndexOf(StringNode haystack, StringNode needle) {
            this.haystack = haystack;
            this.needle = needle;
        }

        @Override
        double number(MessageContext c) {
            String s = haystack.string(c);
            String t = needle.string(c);
            return s == null || t == null ? Double.NaN : s.indexOf(t);
        }
    }

    /** {@code starts_with}, {@code ends_with} and {@code contains}. */
    static final class StringSearch extends BoolNode {
        private final Builtin function;
        private final StringNode a;
        private final StringNode b;

        StringSearch(Builtin function, StringNode a, StringNode b) {
            this.function = function;
            this.a = a;
            this.b = b;
        }

        @Override
        int bool(MessageContext c) {
            String s = a.string(c);
            String t = b.string(c);
            if (s == null || t == null) {
                return UNKNOWN;
            }
            boolean found =
                    function == Builtin.STARTS_WITH
                            ? s.startsWith(t)
                            : function == Builtin.ENDS_WITH ? s.endsWith(t) : s.contains(t);
            return Nodes.bool(found);
        }
    }
}
