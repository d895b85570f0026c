package io.hubroute.query.compiler;

import static io.hubroute.query.compiler.Nodes.FALSE;
import static io.hubroute.query.compiler.Nodes.TRUE;
import static io.hubroute.query.compiler.Nodes.UNKNOWN;

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
import io.hubroute.query.compiler.AccessNodes.AppPropertyNode;
import io.hubroute.query.compiler.AccessNodes.BodyNode;
import io.hubroute.query.compiler.AccessNodes.SystemPropertyNode;
import io.hubroute.query.compiler.AccessNodes.TwinChangeIncludesNode;
import io.hubroute.query.compiler.AccessNodes.TwinQueryNode;
import io.hubroute.query.compiler.ArithmeticNodes.JsonArithmetic;
import io.hubroute.query.compiler.ArithmeticNodes.JsonNegate;
import io.hubroute.query.compiler.ArithmeticNodes.NumberArithmetic;
import io.hubroute.query.compiler.ArithmeticNodes.NumberNegate;
import io.hubroute.query.compiler.ArithmeticNodes.Power;
import io.hubroute.query.compiler.ArithmeticNodes.UnaryMath;
import io.hubroute.query.compiler.CoalesceNodes.BoolCoalesce;
import io.hubroute.query.compiler.CoalesceNodes.JsonCoalesce;
import io.hubroute.query.compiler.CoalesceNodes.NumberCoalesce;
import io.hubroute.query.compiler.CoalesceNodes.StringCoalesce;
import io.hubroute.query.compiler.ComparisonNodes.BoolComparison;
import io.hubroute.query.compiler.ComparisonNodes.JsonComparedToConstant;
import io.hubroute.query.compiler.ComparisonNodes.JsonComparison;
import io.hubroute.query.compiler.ComparisonNodes.NumberComparison;
import io.hubroute.query.compiler.ComparisonNodes.StringComparison;
import io.hubroute.query.compiler.ComparisonNodes.StringEqualsConstant;
import io.hubroute.query.compiler.ConstantNodes.BoolConstant;
import io.hubroute.query.compiler.ConstantNodes.JsonConstant;
import io.hubroute.query.compiler.ConstantNodes.NumberConstant;
import io.hubroute.query.compiler.ConstantNodes.StringConstant;
import io.hubroute.query.compiler.ConversionNodes.BoolAsJson;
import io.hubroute.query.compiler.ConversionNodes.ConcatPart;
import io.hubroute.query.compiler.ConversionNodes.JsonAsNumber;
import io.hubroute.query.compiler.ConversionNodes.JsonNumberArgument;
import io.hubroute.query.compiler.ConversionNodes.JsonStringArgument;
import io.hubroute.query.compiler.ConversionNodes.NumberAsJson;
import io.hubroute.query.compiler.ConversionNodes.StringArgument;
import io.hubroute.query.compiler.ConversionNodes.StringAsJson;
import io.hubroute.query.compiler.ConversionNodes.StringAsNumber;
import io.hubroute.query.compiler.LogicalNodes.JsonTruth;
import io.hubroute.query.compiler.LogicalNodes.Kleene;
import io.hubroute.query.compiler.MemoisedNodes.MemoisedJson;
import io.hubroute.query.compiler.MemoisedNodes.MemoisedString;
import io.hubroute.query.compiler.Nodes.BoolNode;
import io.hubroute.query.compiler.Nodes.JsonNode;
import io.hubroute.query.compiler.Nodes.NumberNode;
import io.hubroute.query.compiler.Nodes.StringNode;
import io.hubroute.query.compiler.StringFunctionNodes.ChangeCase;
import io.hubroute.query.compiler.StringFunctionNodes.Concat;
import io.hubroute.query.compiler.StringFunctionNodes.IndexOf;
import io.hubroute.query.compiler.StringFunctionNodes.Length;
import io.hubroute.query.compiler.StringFunctionNodes.StringSearch;
import io.hubroute.query.compiler.StringFunctionNodes.Substring;
import io.hubroute.query.json.JsonValues;
import java.util.List;
import java.util.function.Function;

/**
 * Compiles a typed condition into a tree of specialised nodes: each node knows its operand types
 * statically, values are unboxed, names are folded once, constant subtrees are evaluated once.
 *
 * <p>This class is the dispatch from typed expressions to nodes. The nodes live with their kind:
 * {@link ConstantNodes}, {@link AccessNodes}, {@link ArithmeticNodes}, {@link ComparisonNodes},
 * {@link LogicalNodes}, {@link CoalesceNodes}, {@link StringFunctionNodes}, {@link TypeTests},
 * {@link ConversionNodes} and {@link MemoisedNodes}.
 */
public final class FastCompiler {
    private FastCompiler() {}

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

    /**
     * Reads an operand of an {@link io.hubroute.query.IndexableCondition}: a property, a {@code
     * $body} or a {@code $twin} query, with the nodes its conditions evaluate (shadowing, aliases,
     * the body extraction slot, the twin memo). The value is json; a missing or null-valued
     * property reads as {@link JsonValues#UNDEFINED}.
     */
    public static Function<MessageContext, Object> operandReader(TypedExpression operand) {
        if (operand.type() == Type.STRING) {
            StringNode string = string(operand);
            return context -> {
                String value = string.string(context);
                return value == null || value == Nodes.NULL_STRING ? JsonValues.UNDEFINED : value;
            };
        }
        if (!(operand instanceof BodyQuery) && !(operand instanceof TwinQuery)) {
            throw new IllegalArgumentException("not an operand an index reads: " + operand);
        }
        JsonNode json = json(operand);
        return json::json;
    }

    /**
     * The value of an expression that reads nothing, folded as the fast path folds it: a Double, a
     * String or a Boolean; null when it reads the message, is undefined (NaN, a missing string, U)
     * or is of another type.
     */
    public static Object constantValue(TypedExpression e) {
        if (e.readsMessage()) {
            return null;
        }
        switch (e.type()) {
            case NUMBER:
                double number = number(e).number(null);
                return number != number ? null : (Object) number;
            case STRING:
                String string = string(e).string(null);
                return string == null || string == Nodes.NULL_STRING ? null : string;
            case BOOL:
                int bool = bool(e).bool(null);
                return bool == UNKNOWN ? null : (Object) (bool == TRUE);
            default:
                return null;
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
            return new NumberNegate(number(((Negate) e).operand()));
        }
        if (e instanceof Coalesce) {
            Coalesce coalesce = (Coalesce) e;
            return new NumberCoalesce(number(coalesce.left()), number(coalesce.right()));
        }
        return numberCall((Call) e);
    }

    /** A num parameter: a defined number or a JSON number, else NaN. */
    private static NumberNode numberArgument(TypedExpression e) {
        if (e.type() == Type.NUMBER) {
            return number(e);
        }
        return new JsonNumberArgument(json(e));
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
                return new Power(numberArgument(args.get(0)), numberArgument(args.get(1)));
            case AS_NUMBER:
                return asNumber(args.get(0));
            case LENGTH:
                return new Length(stringArgument(args.get(0)));
            default: // INDEX_OF
                return new IndexOf(stringArgument(args.get(0)), stringArgument(args.get(1)));
        }
    }

    private static NumberNode asNumber(TypedExpression argument) {
        if (argument.type() == Type.NUMBER) {
            return number(argument);
        }
        if (argument.type() == Type.STRING) {
            return new StringAsNumber(string(argument));
        }
        return new JsonAsNumber(json(argument));
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
            Coalesce coalesce = (Coalesce) e;
            return new StringCoalesce(string(coalesce.left()), string(coalesce.right()));
        }
        StringNode call = stringCall((Call) e);
        return e.readsMessage() ? new MemoisedString(e, call) : call;
    }

    /** A str parameter: a present, non-null string or a JSON string, else null. */
    private static StringNode stringArgument(TypedExpression e) {
        if (e.type() == Type.STRING) {
            return new StringArgument(string(e));
        }
        return new JsonStringArgument(json(e));
    }

    /** A concat part: like a str parameter, except that the null string counts as ''. */
    private static StringNode concatPart(TypedExpression e) {
        if (e.type() == Type.STRING) {
            return new ConcatPart(string(e));
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
                return new Concat(parts);
            case LOWER:
            case UPPER:
                return new ChangeCase(
                        stringArgument(args.get(0)), call.function() == Builtin.UPPER);
            default: // SUBSTRING
                return new Substring(
                        stringArgument(args.get(0)),
                        numberArgument(args.get(1)),
                        args.size() == 3 ? numberArgument(args.get(2)) : null);
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
            return new LogicalNodes.Not(truth(((Not) e).operand()));
        }
        if (e instanceof Coalesce) {
            Coalesce coalesce = (Coalesce) e;
            return new BoolCoalesce(bool(coalesce.left()), bool(coalesce.right()));
        }
        if (e instanceof TwinChangeIncludes) {
            return new TwinChangeIncludesNode(((TwinChangeIncludes) e).path());
        }
        return boolCall((Call) e);
    }

    /** The truth value of a logical operand: bool itself, a JSON bool, else U (spec §6). */
    private static BoolNode truth(TypedExpression e) {
        if (e.type() == Type.BOOL) {
            return bool(e);
        }
        if (e.type() == Type.JSON) {
            return new JsonTruth(json(e));
        }
        return new BoolConstant(UNKNOWN);
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
                return new BoolComparison(operator, bool(l), bool(r));
            case NULL:
                return new BoolConstant(ComparisonNodes.compared(operator, 0));
            default: // undefined with undefined
                return new BoolConstant(UNKNOWN);
        }
    }

    private static BoolNode boolCall(Call call) {
        List<TypedExpression> args = call.arguments();
        Builtin function = call.function();
        switch (function) {
            case STARTS_WITH:
            case ENDS_WITH:
            case CONTAINS:
                return new StringSearch(
                        function, stringArgument(args.get(0)), stringArgument(args.get(1)));
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
                return new NumberAsJson(number(e));
            case STRING:
                return new StringAsJson(string(e));
            case BOOL:
                return new BoolAsJson(bool(e));
            case NULL:
                return new JsonConstant(JsonValues.NULL);
            case JSON:
                return jsonTyped(e);
            default:
                return new JsonConstant(JsonValues.UNDEFINED);
        }
    }

    private static JsonNode jsonTyped(TypedExpression e) {
        if (e instanceof BodyQuery) {
            return new BodyNode(((BodyQuery) e).path(), ((BodyQuery) e).shadowFoldedName());
        }
        if (e instanceof TwinQuery) {
            TwinQuery query = (TwinQuery) e;
            return new MemoisedJson(
                    e, new TwinQueryNode(query.section(), query.path(), query.shadowFoldedName()));
        }
        return jsonComputed(e);
    }

    private static JsonNode jsonComputed(TypedExpression e) {
        if (e instanceof Arithmetic) {
            Arithmetic a = (Arithmetic) e;
            return new JsonArithmetic(a.operator(), json(a.left()), json(a.right()));
        }
        if (e instanceof Negate) {
            return new JsonNegate(json(((Negate) e).operand()));
        }
        Coalesce coalesce = (Coalesce) e;
        return new JsonCoalesce(
                TypeTests.compile(Builtin.IS_DEFINED, coalesce.left()),
                json(coalesce.left()),
                json(coalesce.right()));
    }
}
