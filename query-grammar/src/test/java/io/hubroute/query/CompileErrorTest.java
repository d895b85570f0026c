package io.hubroute.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.hubroute.message.RoutingSource;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad input -> exact message and range (spec §14). */
class CompileErrorTest {
    static List<Arguments> errors() {
        return List.of(
                // syntax
                row("level = 'high' extra", "unexpected input 'extra' at line 1:16", 1, 16, 1, 21),
                row("level = @", "invalid character '@' at line 1:9", 1, 9, 1, 10),
                row("level = 'a' ; x", "invalid character ';' at line 1:13", 1, 13, 1, 14),
                row("(level = 'a'", "missing ')' at line 1:13", 1, 13, 1, 14),
                row("level = 'a')", "unmatched ')' at line 1:12", 1, 12, 1, 13),
                row("level =", "missing operand at end of input at line 1:8", 1, 8, 1, 9),
                row("level = = 'a'", "missing operand before '=' at line 1:9", 1, 9, 1, 10),
                row(
                        "SELECT * FROM x",
                        "reserved word 'SELECT' cannot be used in a condition at line 1:1",
                        1,
                        1,
                        1,
                        7),
                row(
                        "a[0] = 'x'",
                        "invalid name 'a[0]': brackets are allowed only in $body and $twin paths at line 1:1",
                        1,
                        1,
                        1,
                        5),
                row(
                        "level = 'high",
                        "unterminated string: add the closing ' at line 1:9",
                        1,
                        9,
                        1,
                        14),
                row(
                        "level = \"hot",
                        "unterminated string: add the closing \" at line 1:9",
                        1,
                        9,
                        1,
                        13),
                row(
                        "level = 'a\\qb'",
                        "invalid escape '\\q' in string: use \\\\, \\', \\\" or \\uXXXX at line 1:9",
                        1,
                        9,
                        1,
                        15),
                row(
                        "level = 'a' /* x",
                        "unterminated comment: add the closing */ at line 1:13",
                        1,
                        13,
                        1,
                        17),
                row(
                        "{level} = 'a'",
                        "expected a $-name inside braces, as in {$contentType}, not 'level' at line 1:2",
                        1,
                        2,
                        1,
                        7),
                row("{$level = 'a'", "missing '}' before '=' at line 1:9", 1, 9, 1, 10),
                // types
                row(
                        "level = 3",
                        "operator '=' cannot compare string with number at line 1:7",
                        1,
                        7,
                        1,
                        8),
                row(
                        "NOT processingPath = 'cold'",
                        "operator 'NOT' cannot take (string) at line 1:1",
                        1,
                        1,
                        1,
                        4),
                row(
                        "NOT (a = 'b') = 'cold'",
                        "operator '=' cannot compare bool with string at line 1:15",
                        1,
                        15,
                        1,
                        16),
                row(
                        "severity ?? 'low' = 'low'",
                        "operator '??' cannot take (string, bool) at line 1:10",
                        1,
                        10,
                        1,
                        12),
                row(
                        "'a' + 'b' = 'ab'",
                        "operator '+' cannot take (string, string) at line 1:5",
                        1,
                        5,
                        1,
                        6),
                row(
                        "'a' AND true",
                        "operator 'AND' cannot take (string, bool) at line 1:5",
                        1,
                        5,
                        1,
                        8),
                row(
                        "NOT undefined",
                        "operator 'NOT' cannot take (undefined) at line 1:1",
                        1,
                        1,
                        1,
                        4),
                row(
                        "is_object($body.Weather)",
                        "unknown function 'is_object' at line 1:1",
                        1,
                        1,
                        1,
                        10),
                row(
                        "substring('gateway')",
                        "function 'substring' takes 2 or 3 arguments, not 1 at line 1:1",
                        1,
                        1,
                        1,
                        10),
                row(
                        "length('a', 'b') = 1",
                        "function 'length' takes 1 argument, not 2 at line 1:1",
                        1,
                        1,
                        1,
                        7),
                row(
                        "concat('a') = 'a'",
                        "function 'concat' takes at least 2 arguments, not 1 at line 1:1",
                        1,
                        1,
                        1,
                        7),
                row(
                        "abs(level) > 1",
                        "function 'abs' cannot take (string) at line 1:1",
                        1,
                        1,
                        1,
                        4),
                row("$body.s.[0] = 1", "invalid $body path 's.[0]' at line 1:1", 1, 1, 1, 12),
                row("{$body.} = 1", "invalid $body path '' at line 1:2", 1, 2, 1, 8),
                row(
                        "$twin.tags = 1",
                        "invalid $twin path 'tags': write $twin.tags.<name>, $twin.properties.desired.<name> "
                                + "or $twin.properties.reported.<name> at line 1:1",
                        1,
                        1,
                        1,
                        11),
                row(
                        "twin_change_includes(properties.desired.x)",
                        "function 'twin_change_includes' is allowed only on TwinChangeEvents routes, not DeviceMessages at line 1:1",
                        1,
                        1,
                        1,
                        21),
                // positions: lines, code points
                row(
                        "level = 'a'\nAND zone = 3",
                        "operator '=' cannot compare string with number at line 2:10",
                        2,
                        10,
                        2,
                        11),
                row(
                        "'😀' = 3",
                        "operator '=' cannot compare string with number at line 1:5",
                        1,
                        5,
                        1,
                        6),
                row("level = 'a😀' extra", "unexpected input 'extra' at line 1:14", 1, 14, 1, 19),
                row(
                        "level = 'multi\nline' extra",
                        "unexpected input 'extra' at line 2:7",
                        2,
                        7,
                        2,
                        12),
                row(
                        "level = 'multi\nline",
                        "unterminated string: add the closing ' at line 1:9",
                        1,
                        9,
                        2,
                        5));
    }

    private static Arguments row(
            String condition,
            String message,
            int startLine,
            int startColumn,
            int endLine,
            int endColumn) {
        return Arguments.of(
                condition,
                message,
                new SourceRange(
                        new SourcePosition(startLine, startColumn),
                        new SourcePosition(endLine, endColumn)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("errors")
    void reportsExactMessageAndRange(String condition, String message, SourceRange range) {
        CompilationResult result = QueryLanguage.compile(condition, RoutingSource.DEVICE_MESSAGES);
        assertThat(result.succeeded()).isFalse();
        assertThat(result.condition()).isEmpty();
        CompileError first = result.errors().get(0);
        assertThat(first.message()).isEqualTo(message);
        assertThat(first.range()).isEqualTo(range);
        assertThat(first.severity()).isEqualTo(CompileError.Severity.ERROR);
    }

    @Test
    void reportsAllTypeErrorsInSourceOrder() {
        CompilationResult result =
                QueryLanguage.compile(
                        "abs(zone) > 1 OR level = 3 OR nope(1)", RoutingSource.DEVICE_MESSAGES);
        assertThat(result.errors())
                .extracting(CompileError::message)
                .containsExactly(
                        "function 'abs' cannot take (string) at line 1:1",
                        "operator '=' cannot compare string with number at line 1:24",
                        "unknown function 'nope' at line 1:31");
    }

    @Test
    void reportsOnlyTheFirstSyntaxError() {
        CompilationResult result =
                QueryLanguage.compile("level = @ AND zone = #(", RoutingSource.DEVICE_MESSAGES);
        assertThat(result.errors()).hasSize(1);
        assertThat(result.errors().get(0).message()).isEqualTo("invalid character '@' at line 1:9");
    }

    @Test
    void twinChangeIncludesArgumentMustBeOneSectionPath() {
        for (String condition :
                List.of(
                        "twin_change_includes()",
                        "twin_change_includes(foo.bar)",
                        "twin_change_includes(tags)",
                        "twin_change_includes(tags.a, tags.b)",
                        "twin_change_includes('tags.a')",
                        "twin_change_includes($body.tags.a)")) {
            CompilationResult result =
                    QueryLanguage.compile(condition, RoutingSource.TWIN_CHANGE_EVENTS);
            assertThat(result.errors()).as(condition).hasSize(1);
            assertThat(result.errors().get(0).message())
                    .as(condition)
                    .startsWith(
                            "function 'twin_change_includes' takes one path starting with properties.reported., properties.desired. or tags.");
        }
        CompilationResult empty =
                QueryLanguage.compile("twin_change_includes()", RoutingSource.TWIN_CHANGE_EVENTS);
        assertThat(empty.errors().get(0).range().start()).isEqualTo(new SourcePosition(1, 1));
        CompilationResult bad =
                QueryLanguage.compile(
                        "twin_change_includes( foo.bar )", RoutingSource.TWIN_CHANGE_EVENTS);
        assertThat(bad.errors().get(0).range().start()).isEqualTo(new SourcePosition(1, 22));
        assertThat(
                        QueryLanguage.compile(
                                        "twin_change_includes( tags.a.b )",
                                        RoutingSource.TWIN_CHANGE_EVENTS)
                                .succeeded())
                .isTrue();
    }
}
