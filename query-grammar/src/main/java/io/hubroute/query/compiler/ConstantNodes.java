package io.hubroute.query.compiler;

import io.hubroute.query.MessageContext;
import io.hubroute.query.compiler.Nodes.BoolNode;
import io.hubroute.query.compiler.Nodes.JsonNode;
import io.hubroute.query.compiler.Nodes.NumberNode;
import io.hubroute.query.compiler.Nodes.StringNode;

/**
 * Constants: literals, and every subtree that reads nothing of the message, evaluated once when
 * compiled. The compiler looks at their values to pick specialised nodes.
 */
final class ConstantNodes {
    private ConstantNodes() {}

    static final class NumberConstant extends NumberNode {
        final double value;

        NumberConstant(double value) {
            this.value = value;
        }

        @Override
        double number(MessageContext c) {
            return value;
        }
    }

    static final class StringConstant extends StringNode {
        final String value;

        StringConstant(String value) {
            this.value = value;
        }

        @Override
        String string(MessageContext c) {
            return value;
        }
    }

    static final class BoolConstant extends BoolNode {
        final int value;

        BoolConstant(int value) {
            this.value = value;
        }

        @Override
        int bool(MessageContext c) {
            return value;
        }
    }

    static final class JsonConstant extends JsonNode {
        final Object value;

        JsonConstant(Object value) {
            this.value = value;
        }

        @Override
        Object json(MessageContext c) {
            return value;
        }
    }
}
