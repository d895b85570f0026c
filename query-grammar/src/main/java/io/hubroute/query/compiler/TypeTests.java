package io.hubroute.query.compiler;

import static io.hubroute.query.compiler.Nodes.FALSE;
import static io.hubroute.query.compiler.Nodes.NULL_STRING;
import static io.hubroute.query.compiler.Nodes.TRUE;
import static io.hubroute.query.compiler.Nodes.UNKNOWN;

import io.hubroute.query.MessageContext;
import io.hubroute.query.analyzer.Builtin;
import io.hubroute.query.analyzer.TypedExpression;
import io.hubroute.query.compiler.ConstantNodes.BoolConstant;
import io.hubroute.query.compiler.Nodes.BoolNode;
import io.hubroute.query.compiler.Nodes.JsonNode;
import io.hubroute.query.compiler.Nodes.NumberNode;
import io.hubroute.query.compiler.Nodes.StringNode;
import io.hubroute.query.json.JsonValues;

/**
 * {@code is_bool}, {@code is_defined}, {@code is_null}, {@code is_number}, {@code is_string},
 * specialised by argument type.
 */
final class TypeTests {
    private TypeTests() {}

    static BoolNode compile(Builtin test, TypedExpression argument) {
        switch (argument.type()) {
            case NUMBER:
                NumberNode number = FastCompiler.number(argument);
                return new BoolNode() {
                    @Override
                    int bool(MessageContext c) {
                        double x = number.number(c);
                        switch (test) {
                            case IS_DEFINED:
                                return Nodes.bool(x == x);
                            case IS_NUMBER:
                                return Nodes.bool(Double.isFinite(x));
                            default:
                                return FALSE;
                        }
                    }
                };
            case STRING:
                StringNode string = FastCompiler.string(argument);
                return new BoolNode() {
                    @Override
                    int bool(MessageContext c) {
                        String s = string.string(c);
                        switch (test) {
                            case IS_DEFINED:
                                return Nodes.bool(s != null);
                            case IS_NULL:
                                return Nodes.bool(s == NULL_STRING);
                            case IS_STRING:
                                return Nodes.bool(s != null && s != NULL_STRING);
                            default:
                                return FALSE;
                        }
                    }
                };
            case BOOL:
                BoolNode bool = FastCompiler.bool(argument);
                return new BoolNode() {
                    @Override
                    int bool(MessageContext c) {
                        int b = bool.bool(c);
                        switch (test) {
                            case IS_DEFINED:
                                return Nodes.bool(b != UNKNOWN);
                            case IS_BOOL:
                                return b == UNKNOWN ? UNKNOWN : TRUE;
                            default:
                                return FALSE;
                        }
                    }
                };
            case NULL:
                return new BoolConstant(
                        test == Builtin.IS_DEFINED || test == Builtin.IS_NULL ? TRUE : FALSE);
            case JSON:
                JsonNode json = FastCompiler.json(argument);
                return new BoolNode() {
                    @Override
                    int bool(MessageContext c) {
                        Object v = json.json(c);
                        switch (test) {
                            case IS_DEFINED:
                                return Nodes.bool(
                                        v != JsonValues.UNDEFINED && v != JsonValues.NULL);
                            case IS_NULL:
                                return v == JsonValues.UNDEFINED
                                        ? UNKNOWN
                                        : Nodes.bool(v == JsonValues.NULL);
                            case IS_BOOL:
                                return v == JsonValues.UNDEFINED
                                        ? UNKNOWN
                                        : Nodes.bool(v instanceof Boolean);
                            case IS_NUMBER:
                                return Nodes.bool(
                                        v instanceof Double && Double.isFinite((Double) v));
                            default:
                                return Nodes.bool(v instanceof String);
                        }
                    }
                };
            default: // undefined
                return new BoolConstant(FALSE);
        }
    }
}
