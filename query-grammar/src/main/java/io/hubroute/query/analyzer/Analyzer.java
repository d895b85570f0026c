package io.hubroute.query.analyzer;

import io.hubroute.message.CaseInsensitiveNames;
import io.hubroute.message.JsonPath;
import io.hubroute.message.RoutingSource;
import io.hubroute.message.SystemPropertyNames;
import io.hubroute.message.Twin;
import io.hubroute.query.CompileError;
import io.hubroute.query.SourceRange;
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
import io.hubroute.query.ast.BinaryOperation;
import io.hubroute.query.ast.Expression;
import io.hubroute.query.ast.FunctionCall;
import io.hubroute.query.ast.Literal;
import io.hubroute.query.ast.Operator;
import io.hubroute.query.ast.PropertyReference;
import io.hubroute.query.ast.UnaryOperation;
import io.hubroute.query.parser.SourceText;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Resolves names and checks types (spec §4–§13), reporting every type error with its range, in
 * source order.
 */
public final class Analyzer {
    private static final Constant ERROR = new Constant(Type.ERROR, null);
    private static final Constant UNDEFINED_BOOL = new Constant(Type.BOOL, null);

    private final RoutingSource source;
    private final List<CompileError> errors = new ArrayList<>();

    private Analyzer(RoutingSource source) {
        this.source = source;
    }

    /** The typed tree (null when there are errors) and the errors in source order. */
    public record Analysis(TypedExpression expression, List<CompileError> errors) {}

    /** Analyzes a parsed condition; a blank condition (null) is the undefined constant. */
    public static Analysis analyze(Expression expression, RoutingSource source) {
        if (expression == null) {
            return new Analysis(new Constant(Type.UNDEFINED, null), List.of());
        }
        Analyzer analyzer = new Analyzer(source);
        TypedExpression typed = analyzer.analyze(expression);
        if (!analyzer.errors.isEmpty()) {
            List<CompileError> sorted = new ArrayList<>(analyzer.errors);
            sorted.sort(
                    Comparator.comparingInt((CompileError e) -> e.range().start().line())
                            .thenComparingInt(e -> e.range().start().column()));
            return new Analysis(null, List.copyOf(sorted));
        }
        return new Analysis(typed, List.of());
    }

    private TypedExpression error(String message, SourceRange range) {
        errors.add(SourceText.error(message, range));
        return ERROR;
    }

    private TypedExpression analyze(Expression expression) {
        if (expression instanceof Literal) {
            return literal((Literal) expression);
        }
        if (expression instanceof PropertyReference) {
            return property((PropertyReference) expression);
        }
        if (expression instanceof FunctionCall) {
            return call((FunctionCall) expression);
        }
        if (expression instanceof UnaryOperation) {
            return unary((UnaryOperation) expression);
        }
        return binary((BinaryOperation) expression);
    }

    private static TypedExpression literal(Literal literal) {
        switch (literal.kind()) {
            case STRING:
                return new Constant(Type.STRING, literal.value());
            case NUMBER:
                return new Constant(Type.NUMBER, literal.value());
            case BOOL:
                return new Constant(Type.BOOL, literal.value());
            case NULL:
                return new Constant(Type.NULL, null);
            default:
                return new Constant(Type.UNDEFINED, null);
        }
    }

    private TypedExpression property(PropertyReference reference) {
        String text = reference.text();
        if (reference.form() == PropertyReference.Form.APPLICATION) {
            return new AppProperty(text, CaseInsensitiveNames.fold(text));
        }
        String shadow =
                reference.form() == PropertyReference.Form.DOLLAR
                        ? CaseInsensitiveNames.fold(text)
                        : null;
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.startsWith("$body.")) {
            String pathText = text.substring(6);
            JsonPath path = JsonPath.parseOrNull(pathText);
            if (path == null) {
                return error("invalid $body path '" + pathText + "'", reference.nameRange());
            }
            return new BodyQuery(path, shadow);
        }
        if (lower.startsWith("$twin.")) {
            String pathText = text.substring(6);
            JsonPath path = JsonPath.parseOrNull(pathText);
            Twin.Section section = path == null ? null : Twin.Section.ofPath(path);
            if (section == null
                    || path.steps().size() <= section.prefixLength()
                    || path.steps().get(section.prefixLength()).isIndex()) {
                return error(
                        "invalid $twin path '"
                                + pathText
                                + "': write $twin.tags.<name>, $twin.properties.desired.<name> or $twin.properties.reported.<name>",
                        reference.nameRange());
            }
            return new TwinQuery(section, path.drop(section.prefixLength()), shadow);
        }
        if (text.indexOf('[') >= 0 || text.indexOf(']') >= 0) {
            return new Constant(Type.UNDEFINED, null);
        }
        String name = text.substring(1);
        return new SystemProperty(
                name,
                shadow,
                SystemPropertyNames.foldedSpellings(name),
                SystemPropertyNames.isEnqueuedTime(name));
    }

    private TypedExpression unary(UnaryOperation operation) {
        TypedExpression operand = analyze(operation.operand());
        Type type = operand.type();
        if (type == Type.ERROR) {
            return ERROR;
        }
        if (operation.operator() == Operator.NOT) {
            if (type == Type.NULL) {
                return new Constant(Type.BOOL, Boolean.TRUE);
            }
            if (type != Type.BOOL && type != Type.JSON) {
                return error(
                        "operator 'NOT' cannot take (" + type.displayName() + ")",
                        operation.operatorRange());
            }
            return new Not(operand);
        }
        if (type != Type.NUMBER && type != Type.JSON) {
            return error(
                    "operator '-' cannot take (" + type.displayName() + ")",
                    operation.operatorRange());
        }
        return new Negate(operand);
    }

    private TypedExpression binary(BinaryOperation operation) {
        TypedExpression left = analyze(operation.left());
        TypedExpression right = analyze(operation.right());
        Type l = left.type();
        Type r = right.type();
        if (l == Type.ERROR || r == Type.ERROR) {
            return ERROR;
        }
        Operator operator = operation.operator();
        String symbol = operator == Operator.NOT_EQUAL_ALTERNATIVE ? "<>" : operator.symbol();
        if (operator.isComparison()) {
            boolean compatible =
                    l == r
                            || (l == Type.JSON && r.mixesWithJson())
                            || (r == Type.JSON && l.mixesWithJson());
            if (!compatible
                    || (l == Type.JSON && r == Type.UNDEFINED)
                    || (r == Type.JSON && l == Type.UNDEFINED)) {
                return error(
                        "operator '"
                                + symbol
                                + "' cannot compare "
                                + l.displayName()
                                + " with "
                                + r.displayName(),
                        operation.operatorRange());
            }
            return new Comparison(
                    operator == Operator.NOT_EQUAL_ALTERNATIVE ? Operator.NOT_EQUAL : operator,
                    left,
                    right);
        }
        if (operator.isArithmetic()) {
            if (!isNumeric(l) || !isNumeric(r)) {
                return operandError(symbol, l, r, operation);
            }
            Type type = l == Type.JSON || r == Type.JSON ? Type.JSON : Type.NUMBER;
            return new Arithmetic(operator, left, right, type);
        }
        switch (operator) {
            case CONCAT:
                if (!isText(l) || !isText(r)) {
                    return operandError(symbol, l, r, operation);
                }
                return new Call(Builtin.CONCAT, List.of(left, right));
            case AND:
            case OR:
                return logical(operator, left, right, operation);
            default:
                return coalesce(left, right, operation);
        }
    }

    private TypedExpression operandError(String symbol, Type l, Type r, BinaryOperation operation) {
        return error(
                "operator '"
                        + symbol
                        + "' cannot take ("
                        + l.displayName()
                        + ", "
                        + r.displayName()
                        + ")",
                operation.operatorRange());
    }

    private static boolean isNumeric(Type type) {
        return type == Type.NUMBER || type == Type.JSON;
    }

    private static boolean isText(Type type) {
        return type == Type.STRING || type == Type.JSON;
    }

    private static boolean isLogicalOperand(Type type) {
        return type == Type.BOOL
                || type == Type.NULL
                || type == Type.UNDEFINED
                || type == Type.JSON;
    }

    private TypedExpression logical(
            Operator operator,
            TypedExpression left,
            TypedExpression right,
            BinaryOperation operation) {
        Type l = left.type();
        Type r = right.type();
        if (!isLogicalOperand(l) || !isLogicalOperand(r)) {
            return operandError(operator.symbol(), l, r, operation);
        }
        if (l == Type.NULL || r == Type.NULL) {
            TypedExpression other = l == Type.NULL ? right : left;
            Type otherType = other.type();
            if (otherType == Type.UNDEFINED || otherType == Type.JSON) {
                return UNDEFINED_BOOL;
            }
            // null with bool or null: AND gives null, OR gives the other side (spec §6).
            return operator == Operator.AND ? new Constant(Type.NULL, null) : other;
        }
        return new Logical(operator, left, right);
    }

    private TypedExpression coalesce(
            TypedExpression left, TypedExpression right, BinaryOperation operation) {
        Type l = left.type();
        Type r = right.type();
        boolean compatible =
                l == r
                        || (l == Type.JSON && r.mixesWithJson())
                        || (r == Type.JSON && l.mixesWithJson());
        if (!compatible) {
            return operandError("??", l, r, operation);
        }
        return new Coalesce(left, right, l == Type.JSON || r == Type.JSON ? Type.JSON : l);
    }

    private TypedExpression call(FunctionCall call) {
        Builtin function = Builtin.byName(call.name());
        if (function == null) {
            call.arguments().forEach(this::analyze);
            return error("unknown function '" + call.name() + "'", call.nameRange());
        }
        if (function == Builtin.TWIN_CHANGE_INCLUDES) {
            return twinChangeIncludes(call);
        }
        List<TypedExpression> arguments = new ArrayList<>(call.arguments().size());
        boolean argumentError = false;
        for (Expression argument : call.arguments()) {
            TypedExpression typed = analyze(argument);
            argumentError |= typed.type() == Type.ERROR;
            arguments.add(typed);
        }
        int count = arguments.size();
        if (count < function.minArguments() || count > function.maxArguments()) {
            return error(
                    "function '" + call.name() + "' " + function.arityText() + ", not " + count,
                    call.nameRange());
        }
        if (argumentError) {
            return ERROR;
        }
        for (int i = 0; i < count; i++) {
            if (!function.parameter(i).accepts(arguments.get(i).type())) {
                StringBuilder types = new StringBuilder();
                for (TypedExpression argument : arguments) {
                    types.append(types.length() == 0 ? "" : ", ")
                            .append(argument.type().displayName());
                }
                return error(
                        "function '" + call.name() + "' cannot take (" + types + ")",
                        call.nameRange());
            }
        }
        return new Call(function, arguments);
    }

    private TypedExpression twinChangeIncludes(FunctionCall call) {
        boolean misuse = false;
        if (source != RoutingSource.TWIN_CHANGE_EVENTS) {
            error(
                    "function '"
                            + call.name()
                            + "' is allowed only on TwinChangeEvents routes, not "
                            + source.iotHubName(),
                    call.nameRange());
            misuse = true;
        }
        JsonPath path = null;
        if (call.arguments().size() == 1 && call.arguments().get(0) instanceof PropertyReference) {
            PropertyReference argument = (PropertyReference) call.arguments().get(0);
            if (argument.form() == PropertyReference.Form.APPLICATION) {
                path = JsonPath.parseOrNull(argument.text());
            }
        }
        Twin.Section section = path == null || path.hasIndexes() ? null : Twin.Section.ofPath(path);
        if (section == null || path.steps().size() <= section.prefixLength()) {
            SourceRange where =
                    call.arguments().isEmpty() ? call.nameRange() : call.argumentsRange();
            error(
                    "function '"
                            + call.name()
                            + "' takes one path starting with properties.reported., "
                            + "properties.desired. or tags., such as properties.desired.telemetryConfig",
                    where);
            return ERROR;
        }
        return misuse ? ERROR : new TwinChangeIncludes(path);
    }
}
