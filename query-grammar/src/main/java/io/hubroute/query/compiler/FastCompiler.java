package io.hubroute.query.compiler;

import static io.hubroute.query.compiler.Nodes.FALSE;
import static io.hubroute.query.compiler.Nodes.NULL_STRING;
import static io.hubroute.query.compiler.Nodes.TRUE;
import static io.hubroute.query.compiler.Nodes.UNKNOWN;

import io.hubroute.message.JsonPath;
import io.hubroute.message.MessageProperties;
import io.hubroute.message.Twin;
import io.hubroute.query.CompiledCondition;
import io.hubroute.query.MessageContext;
import io.hubroute.query.RouteResult;
import io.hubroute.query.analyzer.Builtin;
import io.hubroute.query.analyzer.Type;
import io.hubroute.query.analyzer.TypedExpression;
import io.hubroute.query.analyzer.TypedExpression.AppProperty;
import io.hubroute.query.analyzer.TypedExpression.Arithmetic;
import io.hubroute.query.analyzer.TypedExpression.BodyQuery;
import io.hubroute.query.analyzer.TypedExpression.Call;
import io.hubroute.query.analyzer.TypedExpression.Coalesce;
import io.hubroute.query.analyzer.TypedExpression.Comparison;
import io.hubroute.query.analyzer.TypedExpression.Constant;
import io.hubroute.query.analyzer.TypedExpression.Logical;
import io.hubroute.query.analyzer.TypedExpression.Negate;
import io.hubroute.query.analyzer.TypedExpression.Not;
import io.hubroute.query.analyzer.TypedExpression.SystemProperty;
import io.hubroute.query.analyzer.TypedExpression.TwinChangeIncludes;
import io.hubroute.query.analyzer.TypedExpression.TwinQuery;
import io.hubroute.query.ast.Operator;
import io.hubroute.query.compiler.Nodes.BoolNode;
import io.hubroute.query.compiler.Nodes.JsonNode;
import io.hubroute.query.compiler.Nodes.NumberNode;
import io.hubroute.query.compiler.Nodes.StringNode;
import io.hubroute.query.json.JsonValues;
import io.hubroute.query.runtime.Functions;
import java.util.List;

/**
 * Compiles a typed condition into a tree of specialised nodes: each node knows its operand types
 * statically, values are unboxed, names are folded once, constant subtrees are evaluated once.
 */
public final class FastCompiler {
    /** Stands for a memoised undefined (missing) string. */
    private static final Object MEMO_MISSING = new Object();

    private FastCompiler() {}

    /** A string subexpression computed at most once per message. */
    private static final class MemoisedString extends StringNode {
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
    private static final class MemoisedJson extends JsonNode {
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

    /** The evaluator of a typed condition, with the final conversion of spec §15. */
    public static CompiledCondition.Evaluator compile(TypedExpression expression) {
        switch (expression.type()) {
            case BOOL:
                BoolNode bool = bool(expression);
                return context -> result(bool.bool(context));
            case NULL:
                return context -> RouteResult.FALSE;
            case JSON:
                JsonNode json = json(expression);
                return context -> {
                    Object value = json.json(context);
                    return value instanceof Boolean
                            ? ((Boolean) value ? RouteResult.TRUE : RouteResult.FALSE)
                            : RouteResult.UNDEFINED;
                };
            default:
                return context -> RouteResult.UNDEFINED;
        }
    }

    private static RouteResult result(int bool) {
        return bool == TRUE
                ? RouteResult.TRUE
                : bool == FALSE ? RouteResult.FALSE : RouteResult.UNDEFINED;
    }

    // ---- numbers --------------------------------------------------------------------------

    static NumberNode number(TypedExpression e) {
        NumberNode node = numberNode(e);
        if (!e.readsMessage() && !(node instanceof NumberConstant)) {
            return new NumberConstant(node.number(null));
        }
        return node;
    }

    private static NumberNode numberNode(TypedExpression e) {
        if (e instanceof Constant) {
            return new NumberConstant((Double) ((Constant) e).value());
        }
        if (e instanceof Arithmetic) {
            Arithmetic a = (Arithmetic) e;
            return new NumberArithmetic(a.operator(), number(a.left()), number(a.right()));
        }
        if (e instanceof Negate) {
            NumberNode operand = number(((Negate) e).operand());
            return new NumberNode() {
                @Override
                double number(MessageContext c) {
                    return -operand.number(c);
                }
            };
        }
        if (e instanceof Coalesce) {
            NumberNode left = number(((Coalesce) e).left());
            NumberNode right = number(((Coalesce) e).right());
            return new NumberNode() {
                @Override
                double number(MessageContext c) {
                    double value = left.number(c);
                    return value == value ? value : right.number(c);
                }
            };
        }
        return numberCall((Call) e);
    }

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

    static final class NumberArithmetic extends NumberNode {
        private final int operator;
        private final NumberNode left;
        private final NumberNode right;

        NumberArithmetic(Operator operator, NumberNode left, NumberNode right) {
            this.operator = operator.ordinal();
            this.left = left;
            this.right = right;
        }

        @Override
        double number(MessageContext c) {
            return arithmetic(operator, left.number(c), right.number(c));
        }
    }

    static double arithmetic(int operator, double a, double b) {
        if (operator == Operator.ADD.ordinal()) {
            return a + b;
        } else if (operator == Operator.SUBTRACT.ordinal()) {
            return a - b;
        } else if (operator == Operator.MULTIPLY.ordinal()) {
            return a * b;
        } else if (operator == Operator.DIVIDE.ordinal()) {
            return a / b;
        }
        return a % b;
    }

    /** A num parameter: a defined number or a JSON number, else NaN. */
    private static NumberNode numberArgument(TypedExpression e) {
        if (e.type() == Type.NUMBER) {
            return number(e);
        }
        JsonNode json = json(e);
        return new NumberNode() {
            @Override
            double number(MessageContext c) {
                Object value = json.json(c);
                return value instanceof Double ? (Double) value : Double.NaN;
            }
        };
    }

    private static NumberNode numberCall(Call call) {
        List<TypedExpression> args = call.arguments();
        Builtin function = call.function();
        switch (function) {
            case ABS:
            case CEILING:
            case FLOOR:
            case SIGN:
            case SQRT:
            case SQUARE:
            case EXP:
                return new UnaryMath(function, numberArgument(args.get(0)));
            case POWER:
                NumberNode base = numberArgument(args.get(0));
                NumberNode exponent = numberArgument(args.get(1));
                return new NumberNode() {
                    @Override
                    double number(MessageContext c) {
                        return Functions.power(base.number(c), exponent.number(c));
                    }
                };
            case AS_NUMBER:
                return asNumber(args.get(0));
            case LENGTH:
                StringNode text = stringArgument(args.get(0));
                return new NumberNode() {
                    @Override
                    double number(MessageContext c) {
                        String s = text.string(c);
                        return s == null ? Double.NaN : s.length();
                    }
                };
            default: // INDEX_OF
                StringNode haystack = stringArgument(args.get(0));
                StringNode needle = stringArgument(args.get(1));
                return new NumberNode() {
                    @Override
                    double number(MessageContext c) {
                        String s = haystack.string(c);
                        String t = needle.string(c);
                        return s == null || t == null ? Double.NaN : s.indexOf(t);
                    }
                };
        }
    }

    private static final class UnaryMath extends NumberNode {
        private final Builtin function;
        private final NumberNode argument;

        UnaryMath(Builtin function, NumberNode argument) {
            this.function = function;
            this.argument = argument;
        }

        @Override
        double number(MessageContext c) {
            double x = argument.number(c);
            switch (function) {
                case ABS:
                    return Math.abs(x);
                case CEILING:
                    return Math.ceil(x);
                case FLOOR:
                    return Math.floor(x);
                case SIGN:
                    return x != x ? x : Functions.sign(x);
                case SQRT:
                    return Math.sqrt(x);
                case SQUARE:
                    return x * x;
                default:
                    return Math.exp(x);
            }
        }
    }

    private static NumberNode asNumber(TypedExpression argument) {
        if (argument.type() == Type.NUMBER) {
            return number(argument);
        }
        if (argument.type() == Type.STRING) {
            StringNode text = string(argument);
            return new NumberNode() {
                @Override
                double number(MessageContext c) {
                    String s = text.string(c);
                    return s == null || s == NULL_STRING ? Double.NaN : Functions.parseNumber(s);
                }
            };
        }
        JsonNode json = json(argument);
        return new NumberNode() {
            @Override
            double number(MessageContext c) {
                Object value = json.json(c);
                if (value instanceof Double) {
                    return (Double) value;
                }
                return value instanceof String ? Functions.parseNumber((String) value) : Double.NaN;
            }
        };
    }

    // ---- strings --------------------------------------------------------------------------

    static StringNode string(TypedExpression e) {
        StringNode node = stringNode(e);
        if (!e.readsMessage() && !(node instanceof StringConstant)) {
            return new StringConstant(node.string(null));
        }
        return node;
    }

    private static StringNode stringNode(TypedExpression e) {
        if (e instanceof Constant) {
            return new StringConstant((String) ((Constant) e).value());
        }
        if (e instanceof AppProperty) {
            return new AppPropertyNode(((AppProperty) e).foldedName());
        }
        if (e instanceof SystemProperty) {
            return new SystemPropertyNode((SystemProperty) e);
        }
        if (e instanceof Coalesce) {
            StringNode left = string(((Coalesce) e).left());
            StringNode right = string(((Coalesce) e).right());
            return new StringNode() {
                @Override
                String string(MessageContext c) {
                    String value = left.string(c);
                    return value != null ? value : right.string(c);
                }
            };
        }
        StringNode call = stringCall((Call) e);
        return e.readsMessage() ? new MemoisedString(e, call) : call;
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

    private static String propertyString(Object found) {
        if (found == MessageProperties.MISSING) {
            return null;
        }
        return found == MessageProperties.NULL_VALUE ? NULL_STRING : (String) found;
    }

    static final class AppPropertyNode extends StringNode {
        final String foldedName;

        AppPropertyNode(String foldedName) {
            this.foldedName = foldedName;
        }

        @Override
        String string(MessageContext c) {
            return propertyString(c.message().appProperties().find(foldedName));
        }
    }

    private static final class SystemPropertyNode extends StringNode {
        private final String shadow;
        private final List<String> spellings;
        private final boolean enqueuedTime;

        SystemPropertyNode(SystemProperty property) {
            this.shadow = property.shadowFoldedName();
            this.spellings = property.foldedSpellings();
            this.enqueuedTime = property.enqueuedTime();
        }

        @Override
        String string(MessageContext c) {
            if (shadow != null) {
                Object shadowed = c.message().appProperties().find(shadow);
                if (shadowed != MessageProperties.MISSING) {
                    return propertyString(shadowed);
                }
            }
            return propertyString(c.message().findSystemProperty(spellings, enqueuedTime));
        }
    }

    /** A str parameter: a present, non-null string or a JSON string, else null. */
    private static StringNode stringArgument(TypedExpression e) {
        if (e.type() == Type.STRING) {
            StringNode node = string(e);
            return new StringNode() {
                @Override
                String string(MessageContext c) {
                    String s = node.string(c);
                    return s == NULL_STRING ? null : s;
                }
            };
        }
        JsonNode json = json(e);
        return new StringNode() {
            @Override
            String string(MessageContext c) {
                Object value = json.json(c);
                return value instanceof String ? (String) value : null;
            }
        };
    }

    /** A concat part: like a str parameter, except that the null string counts as ''. */
    private static StringNode concatPart(TypedExpression e) {
        if (e.type() == Type.STRING) {
            StringNode node = string(e);
            return new StringNode() {
                @Override
                String string(MessageContext c) {
                    String s = node.string(c);
                    return s == NULL_STRING ? "" : s;
                }
            };
        }
        return stringArgument(e);
    }

    private static StringNode stringCall(Call call) {
        List<TypedExpression> args = call.arguments();
        switch (call.function()) {
            case CONCAT:
                StringNode[] parts = new StringNode[args.size()];
                for (int i = 0; i < parts.length; i++) {
                    parts[i] = concatPart(args.get(i));
                }
                return new StringNode() {
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
                };
            case LOWER:
            case UPPER:
                StringNode text = stringArgument(args.get(0));
                boolean upper = call.function() == Builtin.UPPER;
                return new StringNode() {
                    @Override
                    String string(MessageContext c) {
                        String s = text.string(c);
                        return s == null ? null : upper ? Functions.upper(s) : Functions.lower(s);
                    }
                };
            default: // SUBSTRING
                StringNode source = stringArgument(args.get(0));
                NumberNode start = numberArgument(args.get(1));
                NumberNode length = args.size() == 3 ? numberArgument(args.get(2)) : null;
                return new StringNode() {
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
                };
        }
    }

    // ---- bools ----------------------------------------------------------------------------

    static BoolNode bool(TypedExpression e) {
        BoolNode node = boolNode(e);
        if (!e.readsMessage() && !(node instanceof BoolConstant)) {
            return new BoolConstant(node.bool(null));
        }
        return node;
    }

    private static BoolNode boolNode(TypedExpression e) {
        if (e instanceof Constant) {
            Object value = ((Constant) e).value();
            return new BoolConstant(value == null ? UNKNOWN : Nodes.bool((Boolean) value));
        }
        if (e instanceof Comparison) {
            return comparison((Comparison) e);
        }
        if (e instanceof Logical) {
            Logical logical = (Logical) e;
            return new Kleene(
                    logical.operator() == Operator.AND ? FALSE : TRUE,
                    truth(logical.left()),
                    truth(logical.right()));
        }
        if (e instanceof Not) {
            BoolNode operand = truth(((Not) e).operand());
            return new BoolNode() {
                @Override
                int bool(MessageContext c) {
                    int value = operand.bool(c);
                    return value == UNKNOWN ? UNKNOWN : TRUE - value;
                }
            };
        }
        if (e instanceof Coalesce) {
            BoolNode left = bool(((Coalesce) e).left());
            BoolNode right = bool(((Coalesce) e).right());
            return new BoolNode() {
                @Override
                int bool(MessageContext c) {
                    int value = left.bool(c);
                    return value != UNKNOWN ? value : right.bool(c);
                }
            };
        }
        if (e instanceof TwinChangeIncludes) {
            BodyNode body = new BodyNode(((TwinChangeIncludes) e).path(), null);
            return new BoolNode() {
                @Override
                int bool(MessageContext c) {
                    Object raw = body.raw(c);
                    if (c.bodyFailure() != null) {
                        return UNKNOWN;
                    }
                    return raw == JsonValues.ABSENT ? FALSE : TRUE;
                }
            };
        }
        return boolCall((Call) e);
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

    /** The truth value of a logical operand: bool itself, a JSON bool, else U (spec §6). */
    private static BoolNode truth(TypedExpression e) {
        if (e.type() == Type.BOOL) {
            return bool(e);
        }
        if (e.type() == Type.JSON) {
            JsonNode json = json(e);
            return new BoolNode() {
                @Override
                int bool(MessageContext c) {
                    Object value = json.json(c);
                    return value instanceof Boolean ? Nodes.bool((Boolean) value) : UNKNOWN;
                }
            };
        }
        return new BoolConstant(UNKNOWN);
    }

    /**
     * Kleene AND and OR (spec §6) as one node: the dominant value (F for AND, T for OR) decides on
     * either side, else U on either side gives U, else the other value.
     */
    private static final class Kleene extends BoolNode {
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

    /** Applies a comparison operator to a three-way comparison result. */
    static int compared(Operator operator, int comparison) {
        switch (operator) {
            case EQUAL:
                return Nodes.bool(comparison == 0);
            case NOT_EQUAL:
                return Nodes.bool(comparison != 0);
            case LESS:
                return Nodes.bool(comparison < 0);
            case LESS_OR_EQUAL:
                return Nodes.bool(comparison <= 0);
            case GREATER:
                return Nodes.bool(comparison > 0);
            default:
                return Nodes.bool(comparison >= 0);
        }
    }

    private static BoolNode comparison(Comparison comparison) {
        Operator operator = comparison.operator();
        TypedExpression l = comparison.left();
        TypedExpression r = comparison.right();
        Type lt = l.type();
        Type rt = r.type();
        if (lt == Type.JSON || rt == Type.JSON) {
            JsonNode left = json(l);
            JsonNode right = json(r);
            if (right instanceof JsonConstant
                    && ((JsonConstant) right).value != JsonValues.UNDEFINED) {
                return new JsonComparedToConstant(operator, left, ((JsonConstant) right).value);
            }
            return new JsonComparison(operator, left, right);
        }
        switch (lt) {
            case NUMBER:
                return new NumberComparison(operator, number(l), number(r));
            case STRING:
                StringNode left = string(l);
                StringNode right = string(r);
                if (operator == Operator.EQUAL || operator == Operator.NOT_EQUAL) {
                    if (right instanceof StringConstant && ((StringConstant) right).value != null) {
                        return new StringEqualsConstant(
                                left,
                                ((StringConstant) right).value,
                                operator == Operator.NOT_EQUAL);
                    }
                    if (left instanceof StringConstant && ((StringConstant) left).value != null) {
                        return new StringEqualsConstant(
                                right,
                                ((StringConstant) left).value,
                                operator == Operator.NOT_EQUAL);
                    }
                }
                return new StringComparison(operator, left, right);
            case BOOL:
                BoolNode a = bool(l);
                BoolNode b = bool(r);
                return new BoolNode() {
                    @Override
                    int bool(MessageContext c) {
                        int x = a.bool(c);
                        int y = b.bool(c);
                        return x == UNKNOWN || y == UNKNOWN ? UNKNOWN : compared(operator, x - y);
                    }
                };
            case NULL:
                return new BoolConstant(compared(operator, 0));
            default: // undefined with undefined
                return new BoolConstant(UNKNOWN);
        }
    }

    private static final class NumberComparison extends BoolNode {
        private final Operator operator;
        private final NumberNode left;
        private final NumberNode right;

        NumberComparison(Operator operator, NumberNode left, NumberNode right) {
            this.operator = operator;
            this.left = left;
            this.right = right;
        }

        @Override
        int bool(MessageContext c) {
            double a = left.number(c);
            double b = right.number(c);
            if (a != a || b != b) {
                return UNKNOWN;
            }
            return compared(operator, a < b ? -1 : a > b ? 1 : 0);
        }
    }

    private static final class StringComparison extends BoolNode {
        private final Operator operator;
        private final StringNode left;
        private final StringNode right;

        StringComparison(Operator operator, StringNode left, StringNode right) {
            this.operator = operator;
            this.left = left;
            this.right = right;
        }

        @Override
        int bool(MessageContext c) {
            String a = left.string(c);
            String b = right.string(c);
            if (a == null || b == null || a == NULL_STRING || b == NULL_STRING) {
                return UNKNOWN;
            }
            return compared(operator, a.compareTo(b));
        }
    }

    /** {@code property = 'text'}, the most common condition, without a general comparison. */
    static final class StringEqualsConstant extends BoolNode {
        final StringNode operand;
        final String constant;
        final boolean negated;

        StringEqualsConstant(StringNode operand, String constant, boolean negated) {
            this.operand = operand;
            this.constant = constant;
            this.negated = negated;
        }

        @Override
        int bool(MessageContext c) {
            String value = operand.string(c);
            if (value == null || value == NULL_STRING) {
                return UNKNOWN;
            }
            return Nodes.bool(constant.equals(value) != negated);
        }
    }

    /** {@code $body.x > 40}: the common json comparison, with the constant's kind known once. */
    private static final class JsonComparedToConstant extends BoolNode {
        private final Operator operator;
        private final JsonNode left;
        private final Object constant;
        private final int constantKind;
        private final double number;

        JsonComparedToConstant(Operator operator, JsonNode left, Object constant) {
            this.operator = operator;
            this.left = left;
            this.constant = constant;
            this.constantKind = JsonComparison.kind(constant);
            this.number = constant instanceof Double ? (Double) constant : Double.NaN;
        }

        @Override
        int bool(MessageContext c) {
            Object a = left.json(c);
            if (a == JsonValues.UNDEFINED) {
                return UNKNOWN;
            }
            if (constantKind == 1 && a instanceof Double) {
                double x = (Double) a;
                return compared(operator, x < number ? -1 : x > number ? 1 : 0);
            }
            if (constantKind == 2 && a instanceof String) {
                return compared(operator, ((String) a).compareTo((String) constant));
            }
            return JsonComparison.compare(operator, a, constant);
        }
    }

    private static final class JsonComparison extends BoolNode {
        private final Operator operator;
        private final JsonNode left;
        private final JsonNode right;

        JsonComparison(Operator operator, JsonNode left, JsonNode right) {
            this.operator = operator;
            this.left = left;
            this.right = right;
        }

        @Override
        int bool(MessageContext c) {
            Object a = left.json(c);
            if (a == JsonValues.UNDEFINED) {
                return UNKNOWN;
            }
            Object b = right.json(c);
            if (b == JsonValues.UNDEFINED) {
                return UNKNOWN;
            }
            return compare(operator, a, b);
        }

        static int compare(Operator operator, Object a, Object b) {
            int kindA = kind(a);
            int kindB = kind(b);
            if (kindA != kindB) {
                return compared(operator, kindA - kindB);
            }
            switch (kindA) {
                case 0:
                    return compared(operator, Boolean.compare((Boolean) a, (Boolean) b));
                case 1:
                    double x = (Double) a;
                    double y = (Double) b;
                    return compared(operator, x < y ? -1 : x > y ? 1 : 0);
                case 2:
                    return compared(operator, ((String) a).compareTo((String) b));
                default:
                    return compared(operator, 0);
            }
        }

        /** bool < number < string < null (spec §7). */
        static int kind(Object value) {
            if (value instanceof Boolean) {
                return 0;
            }
            if (value instanceof Double) {
                return 1;
            }
            return value instanceof String ? 2 : 3;
        }
    }

    private static BoolNode boolCall(Call call) {
        List<TypedExpression> args = call.arguments();
        Builtin function = call.function();
        switch (function) {
            case STARTS_WITH:
            case ENDS_WITH:
            case CONTAINS:
                StringNode a = stringArgument(args.get(0));
                StringNode b = stringArgument(args.get(1));
                return new BoolNode() {
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
                                        : function == Builtin.ENDS_WITH
                                                ? s.endsWith(t)
                                                : s.contains(t);
                        return Nodes.bool(found);
                    }
                };
            default:
                return TypeTests.compile(function, args.get(0));
        }
    }

    // ---- json -----------------------------------------------------------------------------

    /** Any expression as json, converting a static value as spec §4 says. */
    static JsonNode json(TypedExpression e) {
        JsonNode node = jsonNode(e);
        if (!e.readsMessage() && !(node instanceof JsonConstant)) {
            return new JsonConstant(node.json(null));
        }
        return node;
    }

    private static JsonNode jsonNode(TypedExpression e) {
        switch (e.type()) {
            case NUMBER:
                NumberNode number = number(e);
                return new JsonNode() {
                    @Override
                    Object json(MessageContext c) {
                        double value = number.number(c);
                        return value != value ? JsonValues.UNDEFINED : (Object) value;
                    }
                };
            case STRING:
                StringNode string = string(e);
                return new JsonNode() {
                    @Override
                    Object json(MessageContext c) {
                        String value = string.string(c);
                        return value == null
                                ? JsonValues.UNDEFINED
                                : value == NULL_STRING ? JsonValues.NULL : value;
                    }
                };
            case BOOL:
                BoolNode bool = bool(e);
                return new JsonNode() {
                    @Override
                    Object json(MessageContext c) {
                        int value = bool.bool(c);
                        return value == UNKNOWN
                                ? JsonValues.UNDEFINED
                                : Boolean.valueOf(value == TRUE);
                    }
                };
            case NULL:
                return new JsonConstant(JsonValues.NULL);
            case JSON:
                return jsonTyped(e);
            default:
                return new JsonConstant(JsonValues.UNDEFINED);
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

    /** Where a body path's value sits in the extraction of one set of body paths. */
    private record SlotCache(io.hubroute.query.BodyPaths paths, int slot) {}

    /**
     * A {@code $body} query. The slot of its path is looked up once per set of body paths (a router
     * has one), not once per message; the cache is one immutable pair, so sharing the node between
     * threads is safe.
     */
    static final class BodyNode extends JsonNode {
        private final JsonPath path;
        private final String shadow;
        private volatile SlotCache slotCache;

        BodyNode(JsonPath path, String shadow) {
            this.path = path;
            this.shadow = shadow;
        }

        Object raw(MessageContext c) {
            io.hubroute.query.BodyPaths paths = c.bodyPaths();
            SlotCache cache = slotCache;
            if (cache == null || cache.paths() != paths) {
                cache = new SlotCache(paths, paths.slotOf(path));
                slotCache = cache;
            }
            return cache.slot() >= 0 ? c.bodyValueAt(cache.slot()) : c.bodyValue(path);
        }

        @Override
        Object json(MessageContext c) {
            if (shadow != null) {
                Object shadowed = shadowValue(c, shadow);
                if (shadowed != null) {
                    return shadowed;
                }
            }
            Object value = raw(c);
            return value == JsonValues.ABSENT ? JsonValues.NULL : value;
        }
    }

    private static Object shadowValue(MessageContext c, String shadow) {
        Object found = c.message().appProperties().find(shadow);
        if (found == MessageProperties.MISSING) {
            return null;
        }
        return found == MessageProperties.NULL_VALUE ? JsonValues.NULL : found;
    }

    private static JsonNode jsonTyped(TypedExpression e) {
        if (e instanceof BodyQuery) {
            return new BodyNode(((BodyQuery) e).path(), ((BodyQuery) e).shadowFoldedName());
        }
        if (e instanceof TwinQuery) {
            return new MemoisedJson(e, twinQuery((TwinQuery) e));
        }
        return jsonComputed(e);
    }

    private static JsonNode twinQuery(TwinQuery query) {
        Twin.Section section = query.section();
        JsonPath path = query.path();
        String shadow = query.shadowFoldedName();
        return new JsonNode() {
            @Override
            Object json(MessageContext c) {
                if (shadow != null) {
                    Object shadowed = shadowValue(c, shadow);
                    if (shadowed != null) {
                        return shadowed;
                    }
                }
                Twin twin = c.twin();
                if (twin == null) {
                    return JsonValues.UNDEFINED;
                }
                Object value = JsonValues.fromNode(twin.find(section, path));
                return value == JsonValues.ABSENT ? JsonValues.NULL : value;
            }
        };
    }

    private static JsonNode jsonComputed(TypedExpression e) {
        if (e instanceof Arithmetic) {
            Arithmetic a = (Arithmetic) e;
            JsonNode left = json(a.left());
            JsonNode right = json(a.right());
            int operator = a.operator().ordinal();
            return new JsonNode() {
                @Override
                Object json(MessageContext c) {
                    Object x = left.json(c);
                    Object y = right.json(c);
                    if (!(x instanceof Double) || !(y instanceof Double)) {
                        return JsonValues.UNDEFINED;
                    }
                    double value = arithmetic(operator, (Double) x, (Double) y);
                    return value != value ? JsonValues.UNDEFINED : (Object) value;
                }
            };
        }
        if (e instanceof Negate) {
            JsonNode operand = json(((Negate) e).operand());
            return new JsonNode() {
                @Override
                Object json(MessageContext c) {
                    Object x = operand.json(c);
                    return x instanceof Double ? (Object) (-(Double) x) : JsonValues.UNDEFINED;
                }
            };
        }
        Coalesce coalesce = (Coalesce) e;
        BoolNode leftDefined = TypeTests.compile(Builtin.IS_DEFINED, coalesce.left());
        JsonNode left = json(coalesce.left());
        JsonNode right = json(coalesce.right());
        return new JsonNode() {
            @Override
            Object json(MessageContext c) {
                return leftDefined.bool(c) == TRUE ? left.json(c) : right.json(c);
            }
        };
    }
}
