package io.hubroute.query.compiler;

import io.hubroute.query.MessageContext;
import io.hubroute.query.analyzer.TypedExpression;
import io.hubroute.query.compiler.Nodes.JsonNode;
import io.hubroute.query.compiler.Nodes.StringNode;

/** Subexpressions that a condition may repeat, computed at most once per message. */
final class MemoisedNodes {
    /** Stands for a memoised undefined (missing) string. */
    private static final Object MEMO_MISSING = new Object();

    private MemoisedNodes() {}

    /** A string subexpression computed at most once per message. */
    static final class MemoisedString extends StringNode {
        private final TypedExpression key;
        private final int hash;
        private final StringNode inner;

        MemoisedString(TypedExpression key, StringNode inner) {
            this.key = key;
            this.hash = key.hashCode();
            this.inner = inner;
        }

        @Override
        String string(MessageContext c) {
            Object known = c.memoised(key, hash);
            if (known != null) {
                return known == MEMO_MISSING ? null : (String) known;
            }
            String value = inner.string(c);
            c.memoise(key, hash, value == null ? MEMO_MISSING : value);
            return value;
        }
    }

    /** A json subexpression (a twin query) computed at most once per message. */
    static final class MemoisedJson extends JsonNode {
        private final TypedExpression key;
        private final int hash;
        private final JsonNode inner;

        MemoisedJson(TypedExpression key, JsonNode inner) {
            this.key = key;
            this.hash = key.hashCode();
            this.inner = inner;
        }

        @Override
        Object json(MessageContext c) {
            Object known = c.memoised(key, hash);
            if (known != null) {
                return known;
            }
            Object value = inner.json(c);
            c.memoise(key, hash, value);
            return value;
        }
    }
}
