package io.hubroute.query.parser;

import static org.assertj.core.api.Assertions.assertThat;

import io.hubroute.query.SourcePosition;
import io.hubroute.query.SourceRange;
import java.util.ArrayList;
import java.util.List;
import org.antlr.v4.runtime.atn.PredictionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The two-stage parse: SLL with a bail-out strategy first, full LL only when SLL fails, and the
 * syntax errors of the LL stage exactly those the parser has always reported (spec §14).
 */
class ConditionParserTest {
    @ParameterizedTest
    @ValueSource(
            strings = {
                "level = 'high'",
                "",
                "  /* only a comment */ ",
                "$body.Weather.Temperature > 40 AND level = 'critical'",
                "NOT (a = 'b') OR f(g(1, 2), {$contentType}) ?? 3 <> null",
                "1 + 2 * 3 - -4 % 5 / 6 >= 7 || 'x'",
                // a bad escape is the AST builder's error, after a successful parse
                "level = 'a\\qb'",
            })
    void validConditionsParseWithSllAlone(String text) {
        List<PredictionMode> attempts = new ArrayList<>();
        ConditionParser.parse(text, attempts::add);
        assertThat(attempts).containsExactly(PredictionMode.SLL);
    }

    /**
     * Shapes beyond {@code CompileErrorTest}'s syntax rows, which pin the rest. ANTLR's default
     * recovery would change some: its single-token insertion turns <code>f(a</code> and <code>{$a
     * </code> into "missing operand at end of input", its checks at loop entries turn {@code a AND
     * OR b} and {@code f(a,,b)} into "unexpected input".
     */
    static List<Arguments> syntaxErrors() {
        return List.of(
                row("f(a", "missing ')' at line 1:4", 1, 4, 1, 5),
                row("{$a", "missing '}' at line 1:4", 1, 4, 1, 5),
                row("a AND OR b", "missing operand before 'OR' at line 1:7", 1, 7, 1, 9),
                row("f(a,,b)", "missing operand before ',' at line 1:5", 1, 5, 1, 6),
                row("{", "missing $-name after '{': write {$name} at line 1:2", 1, 2, 1, 3),
                row("f(a b)", "unexpected input 'b' at line 1:5", 1, 5, 1, 6),
                row("f(a,)", "missing operand before ')' at line 1:5", 1, 5, 1, 6),
                row("(1 + ) = 2", "missing operand before ')' at line 1:6", 1, 6, 1, 7),
                row("a = 1 ??", "missing operand at end of input at line 1:9", 1, 9, 1, 10),
                row(
                        "level = 'a' AND\n  b = 'c' 'd'",
                        "unexpected input ''d'' at line 2:11",
                        2,
                        11,
                        2,
                        14));
    }

    @ParameterizedTest
    @MethodSource("syntaxErrors")
    void syntaxErrorsFallBackToLlAndReportAsBefore(String text, String message, SourceRange range) {
        List<PredictionMode> attempts = new ArrayList<>();
        ConditionParser.ParseResult result = ConditionParser.parse(text, attempts::add);
        assertThat(attempts).containsExactly(PredictionMode.SLL, PredictionMode.LL);
        assertThat(result.expression()).isNull();
        assertThat(result.error().message()).isEqualTo(message);
        assertThat(result.error().range()).isEqualTo(range);
    }

    private static Arguments row(
            String text,
            String message,
            int startLine,
            int startColumn,
            int endLine,
            int endColumn) {
        return Arguments.of(
                text,
                message,
                new SourceRange(
                        new SourcePosition(startLine, startColumn),
                        new SourcePosition(endLine, endColumn)));
    }
}
