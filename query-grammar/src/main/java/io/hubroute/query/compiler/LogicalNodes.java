package io.hubroute.query.compiler;

import static io.hubroute.query.compiler.Nodes.TRUE;
import static io.hubroute.query.compiler.Nodes.UNKNOWN;

import io.hubroute.query.MessageContext;
import io.hubroute.query.compiler.Nodes.BoolNode;
import io.hubroute.query.compiler.Nodes.JsonNode;

/** AND, OR and NOT on three-valued bools (spec §6). */
final class LogicalNodes {
    private LogicalNodes() {}

    /**
     * Kleene AND and OR (spec §6) as one node: the dominant value (F for AND, T for OR) decides on
     * either side, else U on either side gives U, else the other value.
     */
    static final class Kleene extends BoolNode {
        private final int dominant;
        private final BoolNode left;
        private final BoolNode right;

        Kleene(int dominant, BoolNode left, BoolNode right) {
            this.dominant = dominant;
            this.left = left;
            this.right = right;
        }

        @Override
        int bool(MessageContext c) {
            int a = left.bool(c);
            if (a == dominant) {
                return dominant;
            }
            int b = right.bool(c);
            if (b == dominant) {
                return dominant;
            }
            return a == UNKNOWN || b == UNKNOWN ? UNKNOWN : TRUE - dominant;
        }
    }

    static final class Not extends BoolNode {
        private final BoolNode operand;

        Not(BoolNode operand) {
            this.operand = operand;
        }

        @Override
        int bool(MessageContext c) {
            int value = operand.bool(c);
            return value == UNKNOWN ? UNKNOWN : TRUE - value;
        }
    }

    /** The truth value of a json logical operand: a JSON bool, else U. */
    static final class JsonTruth extends BoolNode {
        private final JsonNode json;

        JsonTruth(JsonNode json) {
            this.json = json;
        }

        @Override
        int bool(MessageContext c) {
            Object value = json.json(c);
            return value instanceof Boolean ? Nodes.bool((Boolean) value) : UNKNOWN;
        }
    }
}
