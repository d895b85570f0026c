package io.hubroute.query;

import io.hubroute.message.Twin;
import io.hubroute.query.IndexableCondition.Operand;
import io.hubroute.query.analyzer.Builtin;
import io.hubroute.query.analyzer.TypedExpression;
import io.hubroute.query.analyzer.TypedExpression.AppProperty;
import io.hubroute.query.analyzer.TypedExpression.BodyQuery;
import io.hubroute.query.analyzer.TypedExpression.Call;
import io.hubroute.query.analyzer.TypedExpression.Comparison;
import io.hubroute.query.analyzer.TypedExpression.SystemProperty;
import io.hubroute.query.analyzer.TypedExpression.TwinQuery;
import io.hubroute.query.ast.Operator;
import io.hubroute.query.compiler.FastCompiler;
import java.util.List;

/** Recognises the whole-condition forms of {@link IndexableCondition} in a typed condition. */
final class IndexableForms {
    /** What a system property read depends on: the shadowing property, the alias row, rendering. */
    private record SystemPropertyRead(
            String shadowFoldedName, List<String> foldedSpellings, boolean enqueuedTime) {}

    private IndexableForms() {}

    /** The indexable form of a condition, or null when it has none. */
    static IndexableCondition of(TypedExpression condition) {
        if (condition instanceof Comparison) {
            return comparison((Comparison) condition);
        }
        if (condition instanceof Call) {
            return search((Call) condition);
        }
        return null;
    }

    private static IndexableCondition comparison(Comparison comparison) {
        Operator operator = comparison.operator();
        Operand operand = operand(comparison.left());
        Object constant;
        if (operand != null) {
            constant = FastCompiler.constantValue(comparison.right());
        } else {
            operand = operand(comparison.right());
            constant = FastCompiler.constantValue(comparison.left());
            operator = mirrored(operator);
        }
        if (operand == null || constant == null) {
            return null;
        }
        if (operator == Operator.EQUAL) {
            // static typing lets a property (a string) meet only a string
            return operand.isQuery() || constant instanceof String
                    ? new IndexableCondition.Equality(operand, constant)
                    : null;
        }
        if (operand.isQuery()
                && constant instanceof Double
                && operator != Operator.NOT_EQUAL
                && operator != Operator.NOT_EQUAL_ALTERNATIVE) {
            return new IndexableCondition.Range(operand, operator, (Double) constant);
        }
        return null;
    }

    /** {@code c op x} as {@code x op' c}. */
    private static Operator mirrored(Operator operator) {
        switch (operator) {
            case LESS:
                return Operator.GREATER;
            case LESS_OR_EQUAL:
                return Operator.GREATER_OR_EQUAL;
            case GREATER:
                return Operator.LESS;
            case GREATER_OR_EQUAL:
                return Operator.LESS_OR_EQUAL;
            default:
                return operator;
        }
    }

    private static IndexableCondition search(Call call) {
        Builtin function = call.function();
        if ((function != Builtin.STARTS_WITH && function != Builtin.ENDS_WITH)
                || call.arguments().size() != 2) {
            return null;
        }
        Operand operand = operand(call.arguments().get(0));
        Object text = FastCompiler.constantValue(call.arguments().get(1));
        if (operand == null || !(text instanceof String)) {
            return null;
        }
        return function == Builtin.STARTS_WITH
                ? new IndexableCondition.Prefix(operand, (String) text)
                : new IndexableCondition.Suffix(operand, (String) text);
    }

    private static Operand operand(TypedExpression e) {
        if (e instanceof AppProperty) {
            AppProperty property = (AppProperty) e;
            return new Operand(
                    Operand.Kind.APPLICATION_PROPERTY,
                    property.name(),
                    new AppProperty(property.foldedName(), property.foldedName()),
                    FastCompiler.operandReader(e));
        }
        if (e instanceof SystemProperty) {
            SystemProperty property = (SystemProperty) e;
            return new Operand(
                    Operand.Kind.SYSTEM_PROPERTY,
                    property.shadowFoldedName() == null
                            ? "{$" + property.name() + "}"
                            : "$" + property.name(),
                    new SystemPropertyRead(
                            property.shadowFoldedName(),
                            property.foldedSpellings(),
                            property.enqueuedTime()),
                    FastCompiler.operandReader(e));
        }
        if (e instanceof BodyQuery) {
            BodyQuery query = (BodyQuery) e;
            String text = "$body." + query.path().text();
            return new Operand(
                    Operand.Kind.BODY,
                    query.shadowFoldedName() == null ? "{" + text + "}" : text,
                    query,
                    FastCompiler.operandReader(e));
        }
        if (e instanceof TwinQuery) {
            TwinQuery query = (TwinQuery) e;
            String text =
                    "$twin."
                            + (query.section() == Twin.Section.TAGS
                                    ? "tags."
                                    : query.section() == Twin.Section.DESIRED
                                            ? "properties.desired."
                                            : "properties.reported.")
                            + query.path().text();
            return new Operand(
                    Operand.Kind.TWIN,
                    query.shadowFoldedName() == null ? "{" + text + "}" : text,
                    query,
                    FastCompiler.operandReader(e));
        }
        return null;
    }
}
