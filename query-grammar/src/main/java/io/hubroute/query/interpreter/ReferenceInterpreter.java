package io.hubroute.query.interpreter;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubroute.message.CaseInsensitiveNames;
import io.hubroute.message.JsonPath;
import io.hubroute.message.Message;
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
import io.hubroute.query.json.JsonValues;
import io.hubroute.query.runtime.Functions;
import java.util.List;

/**
 * The plain reference: walks the typed tree for every message with boxed values, looks properties
 * up by scanning them in wire order, and reads the body as a full JSON tree. Slow on purpose and
 * written apart from the fast path, which is tested against it.
 */
public final class ReferenceInterpreter {
    private ReferenceInterpreter() {}

    /** A value with its static type. Strings use {@link #MISSING} and {@link #NULL_STRING}. */
    record Value(Type type, Object payload) {}

    static final Object MISSING = new Object();
    static final Object NULL_STRING = new Object();

    public static CompiledCondition.Evaluator evaluator(TypedExpression expression) {
        return context -> finalResult(evaluate(expression, context));
    }

    private static RouteResult finalResult(Value value) {
        switch (value.type()) {
            case BOOL:
                return value.payload() == null
                        ? RouteResult.UNDEFINED
                        : (Boolean) value.payload() ? RouteResult.TRUE : RouteResult.FALSE;
            case NULL:
                return RouteResult.FALSE;
            case JSON:
                return value.payload() instanceof Boolean
                        ? ((Boolean) value.payload() ? RouteResult.TRUE : RouteResult.FALSE)
                        : RouteResult.UNDEFINED;
            default:
                return RouteResult.UNDEFINED;
        }
    }

    static Value evaluate(TypedExpression e, MessageContext context) {
        if (e instanceof Constant) {
            Constant constant = (Constant) e;
            Object payload = constant.value();
            if (constant.type() == Type.NUMBER && payload == null) {
                payload = Double.NaN;
            }
            return new Value(constant.type(), payload);
        }
        if (e instanceof AppProperty) {
            return new Value(
                    Type.STRING, scan(context.message().appProperties(), ((AppProperty) e).name()));
        }
        if (e instanceof SystemProperty) {
            return new Value(Type.STRING, systemProperty((SystemProperty) e, context.message()));
        }
        if (e instanceof BodyQuery) {
            return new Value(Type.JSON, body((BodyQuery) e, context));
        }
        if (e instanceof TwinQuery) {
            return new Value(Type.JSON, twin((TwinQuery) e, context));
        }
        if (e instanceof TwinChangeIncludes) {
            JsonNode tree = context.bodyTree();
            if (tree == null) {
                return new Value(Type.BOOL, null);
            }
            return new Value(Type.BOOL, walk(tree, ((TwinChangeIncludes) e).path()) != null);
        }
        if (e instanceof Not) {
            Boolean truth = truth(evaluate(((Not) e).operand(), context));
            return new Value(Type.BOOL, truth == null ? null : !truth);
        }
        if (e instanceof Negate) {
            Value operand = evaluate(((Negate) e).operand(), context);
            if (operand.type() == Type.NUMBER) {
                return new Value(Type.NUMBER, -(Double) operand.payload());
            }
            return new Value(
                    Type.JSON,
                    operand.payload() instanceof Double
                            ? (Object) (-(Double) operand.payload())
                            : JsonValues.UNDEFINED);
        }
        if (e instanceof Logical) {
            Logical logical = (Logical) e;
            Boolean a = truth(evaluate(logical.left(), context));
            Boolean b = truth(evaluate(logical.right(), context));
            Boolean result;
            if (logical.operator() == Operator.AND) {
                result =
                        Boolean.FALSE.equals(a) || Boolean.FALSE.equals(b)
                                ? Boolean.FALSE
                                : a == null || b == null ? null : Boolean.TRUE;
            } else {
                result =
                        Boolean.TRUE.equals(a) || Boolean.TRUE.equals(b)
                                ? Boolean.TRUE
                                : a == null || b == null ? null : Boolean.FALSE;
            }
            return new Value(Type.BOOL, result);
        }
        if (e instanceof Comparison) {
            return new Value(Type.BOOL, compare((Comparison) e, context));
        }
        if (e instanceof Arithmetic) {
            Arithmetic arithmetic = (Arithmetic) e;
            Value a = evaluate(arithmetic.left(), context);
            Value b = evaluate(arithmetic.right(), context);
            if (arithmetic.type() == Type.NUMBER) {
                return new Value(
                        Type.NUMBER,
                        apply(arithmetic.operator(), (Double) a.payload(), (Double) b.payload()));
            }
            Object x = toJson(a);
            Object y = toJson(b);
            if (!(x instanceof Double) || !(y instanceof Double)) {
                return new Value(Type.JSON, JsonValues.UNDEFINED);
            }
            double result = apply(arithmetic.operator(), (Double) x, (Double) y);
            return new Value(
                    Type.JSON, Double.isNaN(result) ? JsonValues.UNDEFINED : (Object) result);
        }
        if (e instanceof Coalesce) {
            Coalesce coalesce = (Coalesce) e;
            Value left = evaluate(coalesce.left(), context);
            Value chosen = isDefined(left) ? left : evaluate(coalesce.right(), context);
            return coalesce.type() == Type.JSON ? new Value(Type.JSON, toJson(chosen)) : chosen;
        }
        return call((Call) e, context);
    }

    // ---- lookups --------------------------------------------------------------------------

    /** The last property in wire order whose name equals {@code name} ignoring case. */
    private static Object scan(MessageProperties properties, String name) {
        Object found = MISSING;
        for (MessageProperties.Property property : properties.entries()) {
            if (CaseInsensitiveNames.fold(property.name())
                    .equals(CaseInsensitiveNames.fold(name))) {
                found = property.value() == null ? NULL_STRING : property.value();
            }
        }
        return found;
    }

    private static Object systemProperty(SystemProperty property, Message message) {
        if (property.shadowFoldedName() != null) {
            Object shadow = scan(message.appProperties(), property.shadowFoldedName());
            if (shadow != MISSING) {
                return shadow;
            }
        }
        for (String spelling : property.foldedSpellings()) {
            Object found = scan(message.systemProperties(), spelling);
            if (found != MISSING) {
                if (property.enqueuedTime() && found instanceof String) {
                    return message.systemProperty(property.name()).orElse((String) found);
                }
                return found;
            }
        }
        return MISSING;
    }

    private static Object shadow(String shadowFoldedName, MessageContext context) {
        if (shadowFoldedName == null) {
            return null;
        }
        Object found = scan(context.message().appProperties(), shadowFoldedName);
        if (found == MISSING) {
            return null;
        }
        return found == NULL_STRING ? JsonValues.NULL : found;
    }

    private static Object body(BodyQuery query, MessageContext context) {
        Object shadowed = shadow(query.shadowFoldedName(), context);
        if (shadowed != null) {
            return shadowed;
        }
        JsonNode tree = context.bodyTree();
        if (tree == null) {
            return JsonValues.UNDEFINED;
        }
        return jsonOf(walk(tree, query.path()));
    }

    private static Object twin(TwinQuery query, MessageContext context) {
        Object shadowed = shadow(query.shadowFoldedName(), context);
        if (shadowed != null) {
            return shadowed;
        }
        Twin twin = context.twin();
        if (twin == null) {
            return JsonValues.UNDEFINED;
        }
        JsonNode section = twin.section(query.section());
        JsonNode found = section == null ? null : walk(section, query.path());
        return jsonOf(found);
    }

    private static Object jsonOf(JsonNode node) {
        if (node == null || node.isNull()) {
            return JsonValues.NULL;
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isNumber()) {
            return node.doubleValue();
        }
        if (node.isTextual()) {
            return JsonValues.fromString(node.textValue());
        }
        return JsonValues.UNDEFINED;
    }

    private static JsonNode walk(JsonNode node, JsonPath path) {
        JsonNode current = node;
        for (JsonPath.Step step : path.steps()) {
            if (current == null) {
                return null;
            }
            if (step.isIndex()) {
                current =
                        current.isArray() && step.index() < current.size()
                                ? current.get((int) step.index())
                                : null;
            } else if (step.name().equals("$metadata") || step.name().equals("$version")) {
                return null;
            } else {
                current = current.isObject() ? current.get(step.name()) : null;
            }
        }
        return current;
    }

    // ---- conversions ----------------------------------------------------------------------

    /** spec §4: a static value as json. */
    private static Object toJson(Value value) {
        Object payload = value.payload();
        switch (value.type()) {
            case NUMBER:
                return Double.isNaN((Double) payload) ? JsonValues.UNDEFINED : payload;
            case STRING:
                return payload == MISSING
                        ? JsonValues.UNDEFINED
                        : payload == NULL_STRING ? JsonValues.NULL : payload;
            case BOOL:
                return payload == null ? JsonValues.UNDEFINED : payload;
            case NULL:
                return JsonValues.NULL;
            case JSON:
                return payload;
            default:
                return JsonValues.UNDEFINED;
        }
    }

    private static Boolean truth(Value value) {
        if (value.type() == Type.BOOL) {
            return (Boolean) value.payload();
        }
        if (value.type() == Type.JSON && value.payload() instanceof Boolean) {
            return (Boolean) value.payload();
        }
        return null;
    }

    private static boolean isDefined(Value value) {
        Object payload = value.payload();
        switch (value.type()) {
            case NUMBER:
                return !Double.isNaN((Double) payload);
            case STRING:
                return payload != MISSING;
            case BOOL:
                return payload != null;
            case NULL:
                return true;
            case JSON:
                return payload != JsonValues.UNDEFINED && payload != JsonValues.NULL;
            default:
                return false;
        }
    }

    private static double apply(Operator operator, double a, double b) {
        switch (operator) {
            case ADD:
                return a + b;
            case SUBTRACT:
                return a - b;
            case MULTIPLY:
                return a * b;
            case DIVIDE:
                return a / b;
            default:
                return a % b;
        }
    }

    // ---- comparisons ----------------------------------------------------------------------

    private static Boolean compare(Comparison comparison, MessageContext context) {
        Value a = evaluate(comparison.left(), context);
        Value b = evaluate(comparison.right(), context);
        Integer order;
        if (a.type() == Type.JSON || b.type() == Type.JSON) {
            order = compareJson(toJson(a), toJson(b));
        } else {
            order = compareSameType(a, b);
        }
        if (order == null) {
            return null;
        }
        int c = order;
        switch (comparison.operator()) {
            case EQUAL:
                return c == 0;
            case NOT_EQUAL:
                return c != 0;
            case LESS:
                return c < 0;
            case LESS_OR_EQUAL:
                return c <= 0;
            case GREATER:
                return c > 0;
            default:
                return c >= 0;
        }
    }

    private static Integer compareSameType(Value a, Value b) {
        switch (a.type()) {
            case NUMBER:
                double x = (Double) a.payload();
                double y = (Double) b.payload();
                if (Double.isNaN(x) || Double.isNaN(y)) {
                    return null;
                }
                return x == y ? 0 : x < y ? -1 : 1;
            case STRING:
                if (!(a.payload() instanceof String) || !(b.payload() instanceof String)) {
                    return null;
                }
                return Integer.signum(((String) a.payload()).compareTo((String) b.payload()));
            case BOOL:
                if (a.payload() == null || b.payload() == null) {
                    return null;
                }
                return Boolean.compare((Boolean) a.payload(), (Boolean) b.payload());
            case NULL:
                return 0;
            default:
                return null;
        }
    }

    private static Integer compareJson(Object a, Object b) {
        if (a == JsonValues.UNDEFINED || b == JsonValues.UNDEFINED) {
            return null;
        }
        int rankA = rank(a);
        int rankB = rank(b);
        if (rankA != rankB) {
            return Integer.compare(rankA, rankB);
        }
        if (a instanceof Boolean) {
            return Boolean.compare((Boolean) a, (Boolean) b);
        }
        if (a instanceof Double) {
            double x = (Double) a;
            double y = (Double) b;
            return x == y ? 0 : x < y ? -1 : 1;
        }
        if (a instanceof String) {
            return Integer.signum(((String) a).compareTo((String) b));
        }
        return 0;
    }

    private static int rank(Object json) {
        return json instanceof Boolean
                ? 0
                : json instanceof Double ? 1 : json instanceof String ? 2 : 3;
    }

    // ---- builtins -------------------------------------------------------------------------

    /** A num argument: a defined number or a JSON number, else null. */
    private static Double num(Value value) {
        Object payload =
                value.type() == Type.JSON
                        ? value.payload()
                        : value.type() == Type.NUMBER ? value.payload() : null;
        if (payload instanceof Double && !Double.isNaN((Double) payload)) {
            return (Double) payload;
        }
        return null;
    }

    /** A str argument: a present, non-null string or a JSON string, else null. */
    private static String str(Value value) {
        return value.payload() instanceof String
                        && (value.type() == Type.STRING || value.type() == Type.JSON)
                ? (String) value.payload()
                : null;
    }

    private static Value number(Double value) {
        return new Value(Type.NUMBER, value == null ? Double.NaN : value);
    }

    private static Value call(Call call, MessageContext context) {
        Builtin function = call.function();
        List<TypedExpression> args = call.arguments();
        Value[] values = new Value[args.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = evaluate(args.get(i), context);
        }
        switch (function) {
            case ABS:
            case CEILING:
            case FLOOR:
            case SIGN:
            case SQRT:
            case SQUARE:
            case EXP:
                Double x = num(values[0]);
                if (x == null) {
                    return number(null);
                }
                double result =
                        function == Builtin.ABS
                                ? Math.abs(x)
                                : function == Builtin.CEILING
                                        ? Math.ceil(x)
                                        : function == Builtin.FLOOR
                                                ? Math.floor(x)
                                                : function == Builtin.SIGN
                                                        ? Functions.sign(x)
                                                        : function == Builtin.SQRT
                                                                ? Math.sqrt(x)
                                                                : function == Builtin.SQUARE
                                                                        ? x * x
                                                                        : Math.exp(x);
                return number(result);
            case POWER:
                Double base = num(values[0]);
                Double exponent = num(values[1]);
                return number(
                        base == null || exponent == null ? null : Functions.power(base, exponent));
            case AS_NUMBER:
                Double direct = num(values[0]);
                if (direct != null) {
                    return number(direct);
                }
                String text = str(values[0]);
                return number(text == null ? null : Functions.parseNumber(text));
            case LENGTH:
                String s = str(values[0]);
                return number(s == null ? null : (double) s.length());
            case INDEX_OF:
                String haystack = str(values[0]);
                String needle = str(values[1]);
                return number(
                        haystack == null || needle == null
                                ? null
                                : (double) haystack.indexOf(needle));
            case CONCAT:
                StringBuilder joined = new StringBuilder();
                for (Value value : values) {
                    if (value.type() == Type.STRING && value.payload() == NULL_STRING) {
                        continue;
                    }
                    String part = str(value);
                    if (part == null) {
                        return new Value(Type.STRING, MISSING);
                    }
                    joined.append(part);
                }
                return new Value(Type.STRING, joined.toString());
            case LOWER:
            case UPPER:
                String original = str(values[0]);
                if (original == null) {
                    return new Value(Type.STRING, MISSING);
                }
                return new Value(
                        Type.STRING,
                        function == Builtin.LOWER
                                ? Functions.lower(original)
                                : Functions.upper(original));
            case SUBSTRING:
                String whole = str(values[0]);
                Double start = num(values[1]);
                Double length = values.length == 3 ? num(values[2]) : null;
                if (whole == null || start == null || (values.length == 3 && length == null)) {
                    return new Value(Type.STRING, MISSING);
                }
                String part =
                        values.length == 3
                                ? Functions.substring(whole, start, length)
                                : Functions.substring(whole, start);
                return new Value(Type.STRING, part == null ? MISSING : part);
            case STARTS_WITH:
            case ENDS_WITH:
            case CONTAINS:
                String a = str(values[0]);
                String b = str(values[1]);
                if (a == null || b == null) {
                    return new Value(Type.BOOL, null);
                }
                return new Value(
                        Type.BOOL,
                        function == Builtin.STARTS_WITH
                                ? a.startsWith(b)
                                : function == Builtin.ENDS_WITH ? a.endsWith(b) : a.contains(b));
            default:
                return new Value(Type.BOOL, typeTest(function, values[0]));
        }
    }

    private static Boolean typeTest(Builtin test, Value value) {
        Object payload = value.payload();
        switch (test) {
            case IS_DEFINED:
                return isDefined(value);
            case IS_NULL:
                if (value.type() == Type.NULL) {
                    return true;
                }
                if (value.type() == Type.STRING) {
                    return payload == NULL_STRING;
                }
                if (value.type() == Type.JSON) {
                    return payload == JsonValues.UNDEFINED ? null : payload == JsonValues.NULL;
                }
                return false;
            case IS_BOOL:
                if (value.type() == Type.BOOL) {
                    return payload == null ? null : Boolean.TRUE;
                }
                if (value.type() == Type.JSON) {
                    return payload == JsonValues.UNDEFINED ? null : payload instanceof Boolean;
                }
                return false;
            case IS_NUMBER:
                return (value.type() == Type.NUMBER || value.type() == Type.JSON)
                        && payload instanceof Double
                        && Double.isFinite((Double) payload);
            default: // IS_STRING
                return (value.type() == Type.STRING || value.type() == Type.JSON)
                        && payload instanceof String;
        }
    }
}
