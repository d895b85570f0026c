package io.hubroute.query.compiler;

import static io.hubroute.query.compiler.Nodes.TRUE;
import static io.hubroute.query.compiler.Nodes.UNKNOWN;

import io.hubroute.query.MessageContext;
import io.hubroute.query.compiler.Nodes.BoolNode;
import io.hubroute.query.compiler.Nodes.JsonNode;
import io.hubroute.query.compiler.Nodes.NumberNode;
import io.hubroute.query.compiler.Nodes.StringNode;

/** {@code ??}: the left value when it is defined, else the right, one node per static type. */
final class CoalesceNodes {
    private CoalesceNodes() {}

    static final class NumberCoalesce extends NumberNode {
        private final NumberNode left;
        private final NumberNode right;

        NumberCoalesce(NumberNode left, NumberNode right) {
            this.left = left;
            this.right = right;
        }

        @Override
        double number(MessageContext c) {
            double value = left.number(c);
            return value == value ? value : right.number(c);
        }
    }

    static final class StringCoalesce extends StringNode {
        private final StringNode left;
        private final StringNode right;

        StringCoalesce(StringNode left, StringNode right) {
            this.left = left;
            this.right = right;
        }

        @Override
        String string(MessageContext c) {
            String value = left.string(c);
            return value != null ? value : right.string(c);
        }
    }

    static final class BoolCoalesce extends BoolNode {
        private final BoolNode left;
        private final BoolNode right;

        BoolCoalesce(BoolNode left, BoolNode right) {
            this.left = left;
            this.right = right;
        }

        @Override
        int bool(MessageContext c) {
            int value = left.bool(c);
            return value != UNKNOWN ? value : right.bool(c);
        }
    }

    static final class JsonCoalesce extends JsonNode {
        private final BoolNode leftDefined;
        private final JsonNode left;
        private final JsonNode right;

        JsonCoalesce(BoolNode leftDefined, JsonNode left, JsonNode right) {
            this.leftDefined = leftDefined;
            this.left = left;
            this.right = right;
        }

        @Override
        Object json(MessageContext c) {
            return leftDefined.bool(c) == TRUE ? left.json(c) : right.json(c);
        }
    }
}
