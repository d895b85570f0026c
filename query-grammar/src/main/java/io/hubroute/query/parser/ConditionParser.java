package io.hubroute.query.parser;

import io.hubroute.query.CompileError;
import io.hubroute.query.SourceRange;
import io.hubroute.query.ast.Expression;
import io.hubroute.query.parser.generated.RoutingQueryLexer;
import io.hubroute.query.parser.generated.RoutingQueryParser;
import java.util.List;
import java.util.function.Consumer;
import org.antlr.v4.runtime.BailErrorStrategy;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.DefaultErrorStrategy;
import org.antlr.v4.runtime.InputMismatchException;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.atn.PredictionMode;
import org.antlr.v4.runtime.misc.IntervalSet;
import org.antlr.v4.runtime.misc.ParseCancellationException;

/**
 * Text to syntax tree. The first syntax error stops parsing and is the only one reported (spec
 * §14); an empty or blank condition parses to no expression.
 *
 * <p>Parsing runs in two stages, as Trino's {@code SqlParser} does: first with ANTLR's faster SLL
 * prediction and an error strategy that bails out at the first problem; only when that fails, once
 * more with full LL prediction, whose first syntax error, reported through an error listener, is
 * the one the user sees. A valid condition therefore never pays for LL.
 */
public final class ConditionParser {
    private ConditionParser() {}

    /** The tree (null for a blank condition), or the one syntax error. */
    public record ParseResult(Expression expression, CompileError error, SourceText source) {}

    public static ParseResult parse(String text) {
        return parse(text, mode -> {});
    }

    /**
     * As {@link #parse(String)}, telling {@code attempts} each prediction mode it parses with, in
     * order; tests use it to see that the SLL stage and the LL fallback both run.
     */
    static ParseResult parse(String text, Consumer<PredictionMode> attempts) {
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
        attempts.accept(PredictionMode.SLL);
        RoutingQueryParser.ConditionContext tree;
        try {
            tree = parser.condition();
        } catch (ParseCancellationException sllFailure) {
            // A syntax error, or a decision SLL cannot make: full LL tells which, and reports.
            parser.reset();
            parser.setErrorHandler(new FirstErrorStrategy());
            parser.addErrorListener(new FirstErrorListener(all, source));
            parser.getInterpreter().setPredictionMode(PredictionMode.LL);
            attempts.accept(PredictionMode.LL);
            try {
                tree = parser.condition();
            } catch (SyntaxError e) {
                return new ParseResult(null, e.error, source);
            } catch (RuntimeException | StackOverflowError e) {
                // SLL has already found an error; LL failing for its own reasons does not undo it.
                return new ParseResult(null, sllError(sllFailure, all, source), source);
            }
        } catch (RuntimeException e) {
            // ANTLR's own failures (deep recursion included) still become a positioned error.
            return new ParseResult(
                    null,
                    SourceText.error(
                            "condition is too complex to parse", source.range(0, source.length())),
                    source);
        } catch (StackOverflowError e) {
            return nestedTooDeeply(source);
        }
        try {
            Expression expression =
                    tree.body == null ? null : new AstBuilder(source).build(tree.body);
            return new ParseResult(expression, null, source);
        } catch (AstBuilder.LiteralException e) {
            return new ParseResult(null, e.error(), source);
        } catch (StackOverflowError e) {
            return nestedTooDeeply(source);
        }
    }

    private static ParseResult nestedTooDeeply(SourceText source) {
        return new ParseResult(
                null,
                SourceText.error(
                        "condition is nested too deeply", source.range(0, source.length())),
                source);
    }

    /**
     * The LL stage's error strategy: ANTLR's default reporting, without its single-token insertion
     * and deletion and without its early checks at loop and block entries, so the first error is
     * found at the same token, with the same expected set, as the bail-out strategy finds it.
     */
    private static final class FirstErrorStrategy extends DefaultErrorStrategy {
        @Override
        public Token recoverInline(Parser recognizer) {
            throw new InputMismatchException(recognizer);
        }

        @Override
        public void sync(Parser recognizer) {}
    }

    /** Turns the first syntax error reported into a {@link SyntaxError}, which ends the parse. */
    private static final class FirstErrorListener extends BaseErrorListener {
        private final List<Token> all;
        private final SourceText source;

        FirstErrorListener(List<Token> all, SourceText source) {
            this.all = all;
            this.source = source;
        }

        @Override
        public void syntaxError(
                Recognizer<?, ?> recognizer,
                Object offendingSymbol,
                int line,
                int charPositionInLine,
                String message,
                RecognitionException cause) {
            Token offending = offendingSymbol instanceof Token ? (Token) offendingSymbol : null;
            throw new SyntaxError(compileError(cause, offending, all, source));
        }
    }

    /** Carries the LL stage's first syntax error out of the parser. */
    private static final class SyntaxError extends RuntimeException {
        private final CompileError error;

        SyntaxError(CompileError error) {
            super(error.message(), null, false, false);
            this.error = error;
        }
    }

    private static CompileError sllError(
            ParseCancellationException cancellation, List<Token> all, SourceText source) {
        RecognitionException cause =
                cancellation.getCause() instanceof RecognitionException
                        ? (RecognitionException) cancellation.getCause()
                        : null;
        return compileError(cause, cause == null ? null : cause.getOffendingToken(), all, source);
    }

    private static CompileError compileError(
            RecognitionException cause, Token offendingToken, List<Token> all, SourceText source) {
        Token offending = offendingToken != null ? offendingToken : all.get(all.size() - 1);
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
