package io.hubroute.query.parser;

import io.hubroute.query.CompileError;
import io.hubroute.query.SourceRange;
import io.hubroute.query.ast.BinaryOperation;
import io.hubroute.query.ast.Expression;
import io.hubroute.query.ast.FunctionCall;
import io.hubroute.query.ast.Literal;
import io.hubroute.query.ast.Operator;
import io.hubroute.query.ast.PropertyReference;
import io.hubroute.query.ast.UnaryOperation;
import io.hubroute.query.parser.generated.RoutingQueryBaseVisitor;
import io.hubroute.query.parser.generated.RoutingQueryParser;
import java.util.ArrayList;
import java.util.List;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;

/** Parse tree to syntax tree, with ranges; reports bad string escapes. */
final class AstBuilder extends RoutingQueryBaseVisitor<Expression> {
    /** A literal that lexed but is invalid (a bad escape). */
    static final class LiteralException extends RuntimeException {
        private final transient CompileError error;

        LiteralException(CompileError error) {
            super(error.message(), null, false, false);
            this.error = error;
        }

        CompileError error() {
            return error;
        }
    }

    /** Deeper trees are refused, so that no later recursive pass can overflow the stack. */
    static final int MAX_DEPTH = 400;

    private final SourceText source;
    private int depth;

    AstBuilder(SourceText source) {
        this.source = source;
    }

    @Override
    public Expression visit(org.antlr.v4.runtime.tree.ParseTree tree) {
        if (++depth > MAX_DEPTH) {
            throw new LiteralException(
                    SourceText.error(
                            "condition is nested too deeply (more than "
                                    + MAX_DEPTH
                                    + " levels): split it into simpler conditions",
                            range((ParserRuleContext) tree)));
        }
        try {
            return super.visit(tree);
        } finally {
            depth--;
        }
    }

    Expression build(RoutingQueryParser.ExpressionContext context) {
        return visit(context);
    }

    private SourceRange range(ParserRuleContext context) {
        return source.range(
                context.getStart().getStartIndex(), context.getStop().getStopIndex() + 1);
    }

    private SourceRange range(Token token) {
        return ConditionParser.tokenRange(token, source);
    }

    @Override
    public Expression visitUnaryExpression(RoutingQueryParser.UnaryExpressionContext context) {
        return visit(context.unary());
    }

    private Expression binary(
            ParserRuleContext context,
            Token operator,
            RoutingQueryParser.ExpressionContext left,
            RoutingQueryParser.ExpressionContext right) {
        return new BinaryOperation(
                binaryOperator(operator),
                visit(left),
                visit(right),
                range(operator),
                range(context));
    }

    @Override
    public Expression visitMultiplicative(RoutingQueryParser.MultiplicativeContext c) {
        return binary(c, c.operator, c.left, c.right);
    }

    @Override
    public Expression visitAdditive(RoutingQueryParser.AdditiveContext c) {
        return binary(c, c.operator, c.left, c.right);
    }

    @Override
    public Expression visitRelational(RoutingQueryParser.RelationalContext c) {
        return binary(c, c.operator, c.left, c.right);
    }

    @Override
    public Expression visitEquality(RoutingQueryParser.EqualityContext c) {
        return binary(c, c.operator, c.left, c.right);
    }

    @Override
    public Expression visitConjunction(RoutingQueryParser.ConjunctionContext c) {
        return binary(c, c.operator, c.left, c.right);
    }

    @Override
    public Expression visitDisjunction(RoutingQueryParser.DisjunctionContext c) {
        return binary(c, c.operator, c.left, c.right);
    }

    @Override
    public Expression visitCoalesce(RoutingQueryParser.CoalesceContext c) {
        return binary(c, c.operator, c.left, c.right);
    }

    @Override
    public Expression visitPrefixOperator(RoutingQueryParser.PrefixOperatorContext c) {
        Operator operator =
                c.operator.getType() == RoutingQueryParser.NOT ? Operator.NOT : Operator.NEGATE;
        return new UnaryOperation(operator, visit(c.operand), range(c.operator), range(c));
    }

    @Override
    public Expression visitPrimaryUnary(RoutingQueryParser.PrimaryUnaryContext c) {
        return visit(c.primary());
    }

    @Override
    public Expression visitParenthesized(RoutingQueryParser.ParenthesizedContext c) {
        return visit(c.inner);
    }

    @Override
    public Expression visitApplicationProperty(RoutingQueryParser.ApplicationPropertyContext c) {
        return new PropertyReference(
                PropertyReference.Form.APPLICATION, c.name.getText(), range(c.name), range(c));
    }

    @Override
    public Expression visitDollarName(RoutingQueryParser.DollarNameContext c) {
        return new PropertyReference(
                PropertyReference.Form.DOLLAR, c.name.getText(), range(c.name), range(c));
    }

    @Override
    public Expression visitSystemPropertyOnly(RoutingQueryParser.SystemPropertyOnlyContext c) {
        return new PropertyReference(
                PropertyReference.Form.SYSTEM_ONLY, c.name.getText(), range(c.name), range(c));
    }

    @Override
    public Expression visitFunctionCall(RoutingQueryParser.FunctionCallContext c) {
        List<Expression> arguments = new ArrayList<>(c.arguments.size());
        for (RoutingQueryParser.ExpressionContext argument : c.arguments) {
            arguments.add(visit(argument));
        }
        Token open = c.LPAREN().getSymbol();
        Token close = c.RPAREN().getSymbol();
        SourceRange argumentsRange =
                c.arguments.isEmpty()
                        ? range(close)
                        : source.range(open.getStopIndex() + 1, close.getStartIndex());
        return new FunctionCall(
                c.name.getText(), range(c.name), arguments, argumentsRange, range(c));
    }

    @Override
    public Expression visitLiteral(RoutingQueryParser.LiteralContext c) {
        Token token = c.value;
        SourceRange range = range(token);
        String text = token.getText();
        switch (token.getType()) {
            case RoutingQueryParser.STRING:
                String[] badEscape = new String[1];
                String value = Literals.decodeString(text, badEscape);
                if (value == null) {
                    throw new LiteralException(
                            SourceText.error(
                                    "invalid escape '"
                                            + badEscape[0]
                                            + "' in string: use \\\\, \\', \\\" or \\uXXXX",
                                    range));
                }
                return new Literal(Literal.Kind.STRING, value, range);
            case RoutingQueryParser.INTEGER:
            case RoutingQueryParser.REAL:
                Double decimal = Literals.decimal(text);
                return decimal == null
                        ? new Literal(Literal.Kind.UNDEFINED, null, range)
                        : new Literal(Literal.Kind.NUMBER, decimal, range);
            case RoutingQueryParser.HEX:
                Double hex = Literals.hex(text);
                return hex == null
                        ? new Literal(Literal.Kind.UNDEFINED, null, range)
                        : new Literal(Literal.Kind.NUMBER, hex, range);
            case RoutingQueryParser.TRUE:
                return new Literal(Literal.Kind.BOOL, Boolean.TRUE, range);
            case RoutingQueryParser.FALSE:
                return new Literal(Literal.Kind.BOOL, Boolean.FALSE, range);
            case RoutingQueryParser.NULL:
                return new Literal(Literal.Kind.NULL, null, range);
            default:
                return new Literal(Literal.Kind.UNDEFINED, null, range);
        }
    }

    private static Operator binaryOperator(Token token) {
        switch (token.getType()) {
            case RoutingQueryParser.STAR:
                return Operator.MULTIPLY;
            case RoutingQueryParser.SLASH:
                return Operator.DIVIDE;
            case RoutingQueryParser.PERCENT:
                return Operator.MODULO;
            case RoutingQueryParser.PLUS:
                return Operator.ADD;
            case RoutingQueryParser.MINUS:
                return Operator.SUBTRACT;
            case RoutingQueryParser.CONCAT:
                return Operator.CONCAT;
            case RoutingQueryParser.LT:
                return Operator.LESS;
            case RoutingQueryParser.LE:
                return Operator.LESS_OR_EQUAL;
            case RoutingQueryParser.GT:
                return Operator.GREATER;
            case RoutingQueryParser.GE:
                return Operator.GREATER_OR_EQUAL;
            case RoutingQueryParser.EQ:
                return Operator.EQUAL;
            case RoutingQueryParser.NEQ:
                return Operator.NOT_EQUAL;
            case RoutingQueryParser.LTGT:
                return Operator.NOT_EQUAL_ALTERNATIVE;
            case RoutingQueryParser.AND:
                return Operator.AND;
            case RoutingQueryParser.OR:
                return Operator.OR;
            case RoutingQueryParser.COALESCE:
                return Operator.COALESCE;
            default:
                throw new IllegalStateException("not a binary operator: " + token.getText());
        }
    }
}
