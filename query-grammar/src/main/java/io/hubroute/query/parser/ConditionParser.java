package io.hubroute.query.parser;

import io.hubroute.query.CompileError;
import io.hubroute.query.SourceRange;
import io.hubroute.query.ast.Expression;
import io.hubroute.query.parser.generated.RoutingQueryLexer;
import io.hubroute.query.parser.generated.RoutingQueryParser;
import java.util.List;
import org.antlr.v4.runtime.BailErrorStrategy;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.atn.PredictionMode;
import org.antlr.v4.runtime.misc.IntervalSet;
import org.antlr.v4.runtime.misc.ParseCancellationException;

/**
 * Text to syntax tree. The first syntax error stops parsing and is the only one reported (spec
 * §14); an empty or blank condition parses to no expression.
 */
public final class ConditionParser {
    private ConditionParser() {}

    /** The tree (null for a blank condition), or the one syntax error. */
    public record ParseResult(Expression expression, CompileError error, SourceText source) {}

    public static ParseResult parse(String text) {
        SourceText source = new SourceText(text);
        RoutingQueryLexer lexer = new RoutingQueryLexer(CharStreams.fromString(text));
        lexer.removeErrorListeners();
        CommonTokenStream tokens = new CommonTokenStream(lexer);
        tokens.fill();
        List<Token> all = tokens.getTokens();

        RoutingQueryParser parser = new RoutingQueryParser(tokens);
        parser.removeErrorListeners();
        parser.setErrorHandler(new BailErrorStrategy());
        parser.getInterpreter().setPredictionMode(PredictionMode.SLL);
        RoutingQueryParser.ConditionContext tree;
        try {
            tree = parser.condition();
        } catch (ParseCancellationException e) {
            return new ParseResult(null, syntaxError(e, all, source), source);
        } catch (RuntimeException e) {
            // ANTLR's own failures (deep recursion included) still become a positioned error.
            return new ParseResult(
                    null,
                    SourceText.error(
                            "condition is too complex to parse", source.range(0, source.length())),
                    source);
        } catch (StackOverflowError e) {
            return new ParseResult(
                    null,
                    SourceText.error(
                            "condition is nested too deeply", source.range(0, source.length())),
                    source);
        }
        try {
            Expression expression =
                    tree.body == null ? null : new AstBuilder(source).build(tree.body);
            return new ParseResult(expression, null, source);
        } catch (AstBuilder.LiteralException e) {
            return new ParseResult(null, e.error(), source);
        } catch (StackOverflowError e) {
            return new ParseResult(
                    null,
                    SourceText.error(
                            "condition is nested too deeply", source.range(0, source.length())),
                    source);
        }
    }

    private static CompileError syntaxError(
            ParseCancellationException cancellation, List<Token> all, SourceText source) {
        RecognitionException cause =
                cancellation.getCause() instanceof RecognitionException
                        ? (RecognitionException) cancellation.getCause()
                        : null;
        Token offending =
                cause != null && cause.getOffendingToken() != null
                        ? cause.getOffendingToken()
                        : all.get(all.size() - 1);
        // Error tokens are never valid: the first one at or before the failure is the error.
        for (Token token : all) {
            if (token.getTokenIndex() > offending.getTokenIndex()) {
                break;
            }
            CompileError tokenError = errorToken(token, source);
            if (tokenError != null) {
                return tokenError;
            }
        }
        IntervalSet expected = cause == null ? new IntervalSet() : expectedTokens(cause);
        if (offending.getType() == Token.EOF) {
            SourceRange end = source.endOfInput();
            if (expected.contains(RoutingQueryParser.RPAREN)
                    && openParentheses(all, offending) > 0) {
                return SourceText.error("missing ')'", end);
            }
            if (expected.contains(RoutingQueryParser.RBRACE)) {
                return SourceText.error("missing '}'", end);
            }
            if (expected.contains(RoutingQueryParser.DOLLAR_NAME)
                    && !expected.contains(RoutingQueryParser.NAME)) {
                return SourceText.error("missing $-name after '{': write {$name}", end);
            }
            return SourceText.error("missing operand at end of input", end);
        }
        SourceRange range = tokenRange(offending, source);
        String text = offending.getText();
        if (offending.getType() == RoutingQueryParser.RPAREN
                && openParentheses(all, offending) <= 0) {
            return SourceText.error("unmatched ')'", range);
        }
        if (expected.contains(RoutingQueryParser.DOLLAR_NAME)
                && !expected.contains(RoutingQueryParser.NAME)) {
            return SourceText.error(
                    "expected a $-name inside braces, as in {$contentType}, not '" + text + "'",
                    range);
        }
        if (expected.contains(RoutingQueryParser.RBRACE) && expected.size() == 1) {
            return SourceText.error("missing '}' before '" + text + "'", range);
        }
        if (expected.contains(RoutingQueryParser.NAME)
                && !expected.contains(RoutingQueryParser.EOF)
                && !expected.contains(RoutingQueryParser.EQ)) {
            return SourceText.error("missing operand before '" + text + "'", range);
        }
        return SourceText.error("unexpected input '" + text + "'", range);
    }

    private static IntervalSet expectedTokens(RecognitionException cause) {
        try {
            IntervalSet expected = cause.getExpectedTokens();
            return expected == null ? new IntervalSet() : expected;
        } catch (RuntimeException e) {
            return new IntervalSet();
        }
    }

    private static int openParentheses(List<Token> all, Token before) {
        int depth = 0;
        for (Token token : all) {
            if (token.getTokenIndex() >= before.getTokenIndex()) {
                break;
            }
            if (token.getType() == RoutingQueryParser.LPAREN) {
                depth++;
            } else if (token.getType() == RoutingQueryParser.RPAREN) {
                depth--;
            }
        }
        return depth;
    }

    static SourceRange tokenRange(Token token, SourceText source) {
        return source.range(token.getStartIndex(), token.getStopIndex() + 1);
    }

    private static CompileError errorToken(Token token, SourceText source) {
        String text = token.getText();
        switch (token.getType()) {
            case RoutingQueryLexer.OTHER:
                return SourceText.error(
                        "invalid character '" + text + "'", tokenRange(token, source));
            case RoutingQueryLexer.RESERVED:
                return SourceText.error(
                        "reserved word '" + text + "' cannot be used in a condition",
                        tokenRange(token, source));
            case RoutingQueryLexer.BRACKETED_NAME:
                return SourceText.error(
                        "invalid name '"
                                + text
                                + "': brackets are allowed only in $body and $twin paths",
                        tokenRange(token, source));
            case RoutingQueryLexer.UNTERMINATED_STRING:
                return SourceText.error(
                        "unterminated string: add the closing " + text.charAt(0),
                        tokenRange(token, source));
            case RoutingQueryLexer.UNTERMINATED_COMMENT:
                return SourceText.error(
                        "unterminated comment: add the closing */", tokenRange(token, source));
            default:
                return null;
        }
    }
}
