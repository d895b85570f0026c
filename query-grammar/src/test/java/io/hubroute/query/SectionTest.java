package io.hubroute.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.hubroute.message.Message;
import io.hubroute.message.RoutingSource;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * One table per section of the spec: condition -> result against {@link Fixtures}, on both engines.
 * "error" means the condition must not compile.
 */
class SectionTest {
    private static final String LEXICAL =
            """
            false     | is_defined('x'||'y')
            true      | 'a'||'b' = 'x'
            true      | zone-2 = 'a'
            error     | level -1
            true      | TRUE = 'yes'
            true      | .5 = 0.5
            false     | is_defined(e5)
            true      | 0x10 = 16
            true      | 0xFFFFFFFFFFFFFFFF = -1
            true      | 0x000000000000000000001 = 1
            false     | is_defined(0x10000000000000000)
            true      | 1e400 > 1e300
            true      | /* a comment */ level = /* another */ 'critical'
            error     | level = 'critical' /* unclosed
            true      | 'a\\'b' = "a'b"
            true      | '\\u0041\\u00e9' = 'Aé'
            error     | 'x\\qy' = 'x'
            error     | SELECT
            error     | level = 'a' from
            true      | a!=b
            true      | -1 < 0
            false     | is_defined(-e5)
            """;

    private static final String PRECEDENCE =
            """
            error     | NOT level = 'critical'
            true      | NOT (level = 'cold')
            error     | severity ?? 'low' = 'low'
            true      | (severity ?? 'low') = '4'
            true      | 1 + 2 * 3 = 7
            true      | (1 + 2) * 3 = 9
            true      | 10 - 2 - 3 = 5
            true      | 2 * 3 < 7 AND 1 = 1
            true      | - 3 * 2 = -6
            true      | false AND false OR true
            true      | true OR false AND false
            error     | level = 'critical' extra
            error     | (level = 'critical'
            error     | level = 'critical')
            """;

    private static final String PROPERTIES =
            """
            true      | LEVEL = 'critical'
            true      | dup = 'second'
            true      | $level = 'shadowed'
            false     | is_defined({$level})
            true      | $contentType = 'application/json'
            true      | $content-type = 'application/json'
            true      | $iothub-content-type = 'application/json'
            true      | {$CONTENTTYPE} = 'application/json'
            true      | $connectionDeviceId = 'dev-1'
            true      | $correlationId = 'corr-1'
            true      | $cid = 'corr-1'
            true      | $enqueuedTime = '2017-05-08T18:55:31.8510000Z'
            false     | is_defined($x[0])
            true      | $body.shadow = 'from-property'
            true      | is_null({$body.shadow})
            true      | {$body.n} = 21
            false     | is_defined(level2)
            true      | is_null(nullprop)
            true      | is_defined(nullprop)
            """;

    private static final String LOGIC =
            """
            true      | $body.s.ok OR $body.s.test
            undefined | $body.s.test OR $body.s.test2
            false     | $body.s.test AND false
            true      | (null AND true) = null
            false     | null AND true
            true      | null OR true
            false     | null OR false
            true      | NOT null
            undefined | null AND $body.x
            undefined | null OR undefined
            error     | NOT undefined
            error     | 'a' AND true
            error     | true AND 1
            true      | true AND $body.flag
            undefined | true AND $body.str
            undefined | missing = 'x'
            true      | missing = 'x' OR level = 'critical'
            false     | missing = 'x' AND level = 'cold'
            error     | NOT $body.s.test2 = null
            """;

    private static final String COMPARISONS =
            """
            false     | $body.s.temp = '21'
            true      | $body.s.temp != null
            undefined | $body.s = null
            true      | $body.missing = null
            error     | level = null
            error     | $body.x = undefined
            undefined | undefined = undefined
            true      | - 0 = 0
            true      | 'B' < 'a'
            undefined | missing < 'a'
            undefined | nullprop = 'a'
            true      | true > false
            true      | null = null
            false     | null < null
            true      | null >= null
            true      | $body.flag < $body.n
            true      | $body.n < $body.str
            true      | $body.str < $body.nul
            true      | $body.nul = null
            true      | $body.nul = $body.missing
            true      | nullprop = $body.nul
            true      | $body.n <> 22
            true      | $body.big > 1e300
            true      | 1 / 0 > 1e308
            undefined | 0 / 0 = 0 / 0
            error     | level = 3
            error     | level = true
            """;

    private static final String ARITHMETIC =
            """
            true      | 3 / 0 > 1000
            true      | -3 / 0 < -1000
            false     | is_defined(0 / 0)
            false     | is_defined(3 % 0)
            true      | -7 % 3 = -1
            error     | 'a' + 'b'
            error     | true + 1
            error     | 3 + null
            error     | undefined + 1
            true      | $body.n + 1 = 22
            false     | is_defined($body.str + 1)
            false     | is_defined(- $body.str)
            true      | - $body.n = -21
            true      | $body.n % 4 = 1
            false     | is_defined($body.n % 0)
            true      | $body.neg * 2 = -15
            """;

    private static final String CONCAT_COALESCE =
            """
            true      | 'a' || 'b' = 'ab'
            true      | 'a' || $body.str = 'ahello'
            undefined | 'a' || $body.n = 'a21'
            undefined | 'a' || missing = 'a'
            true      | 'a' || nullprop = 'a'
            error     | null || 'a'
            error     | 'a' || 1
            error     | true || 'a'
            true      | (missing ?? 'd') = 'd'
            undefined | (nullprop ?? 'd') = 'd'
            true      | ($body.nul ?? 5) = 5
            true      | ($body.missing ?? $body.n) = 21
            true      | (as_number(severity) ?? 0) >= 3
            true      | (as_number(missing) ?? 0) = 0
            error     | (level ?? 1) = 1
            true      | (level ?? $body.n) = 'critical'
            """;

    private static final String BODY =
            """
            true      | $BODY.n = 21
            undefined | $body.Missing.x = 1 AND false OR $body.obj = 1
            true      | $body.arr[0] = 1
            true      | $body.arr[1][1] = 3
            true      | $body.arr[5] = null
            true      | $body.n[0] = null
            undefined | $body.arr = null
            undefined | $body.date = '2024-05-01T08:30:00Z'
            true      | $body.plainDate = '2024-05-01'
            true      | $body.badDate = '2024-02-30T00:00:00Z'
            undefined | $body.ms = '/Date(1234567890)/'
            true      | $body.größe = 5
            true      | $body.dup = 2
            error     | $body.s.[0] = 1
            error     | $body. = 1
            error     | $body.a[] = 1
            error     | $body.0 = 1
            error     | $body.a[0]x = 1
            error     | $body.a..b = 1
            true      | $body = 'literal app property'
            false     | is_defined({$body})
            """;

    private static final String TWIN =
            """
            true      | $twin.tags.site.region = 'emea'
            true      | $TWIN.Tags.site.region = 'emea'
            false     | $twin.tags.floor = 1
            true      | $twin.properties.desired.fw = '1.0'
            true      | $twin.properties.reported.battery > 50
            false     | is_defined($twin.properties.desired.$version)
            false     | is_defined($twin.properties.reported.$metadata)
            true      | $twin.tags.missing = null
            undefined | $twin.tags.site = null
            error     | $twin.tags = 1
            error     | $twin.foo.x = 1
            error     | $twin.properties.x = 1
            error     | $twin.properties.desired = 1
            true      | $twin.tags.site.region = 'emea' AND $body.s.temp > 20
            """;

    private static final String FUNCTIONS =
            """
            true      | abs(-2) = 2
            true      | abs($body.neg) = 7.5
            error     | abs(level)
            error     | abs(null)
            error     | abs(true)
            error     | abs(undefined)
            true      | ceiling(1.2) = 2
            true      | floor(-1.2) = -2
            true      | sign(-3) = -1 AND sign(0) = 0 AND sign(5) = 1
            false     | is_defined(sqrt(-1))
            true      | sqrt(16) = 4
            true      | square(3) = 9
            true      | exp(1000) > 1e300
            true      | power(2, 10) = 1024
            true      | power(1, 1 / 0) = 1
            true      | power(-1, -1 / 0) = 1
            false     | is_defined(power(-8, 1 / 3))
            true      | as_number(' 1,250.5 ') = 1250.5
            true      | as_number($body.padded) = 1250.5
            true      | as_number('(5)') = -5
            true      | as_number('5-') = -5
            true      | as_number('-infinity') < -1e308
            true      | as_number('1e3') = 1000
            false     | is_defined(as_number('NaN'))
            false     | is_defined(as_number('0x10'))
            false     | is_defined(as_number(''))
            false     | is_defined(as_number('--5'))
            true      | as_number(7) = 7
            true      | as_number($body.n) = 21
            false     | is_defined(as_number($body.flag))
            true      | is_bool(true) AND is_bool($body.flag) AND NOT is_bool(1)
            undefined | is_bool($body.obj)
            undefined | is_bool($body.s.missing AND true)
            true      | is_defined(null) AND is_defined(nullprop) AND NOT is_defined(missing)
            false     | is_defined($body.nul)
            false     | is_defined($body.missing)
            true      | is_null(null) AND is_null(nullprop) AND is_null($body.nul) AND is_null($body.missing)
            false     | is_null(missing)
            undefined | is_null($body.obj)
            true      | is_number(1) AND is_number($body.n) AND NOT is_number(1 / 0) AND NOT is_number(level)
            false     | is_number($body.big)
            true      | is_string(level) AND is_string($body.str) AND NOT is_string(nullprop) AND NOT is_string(missing)
            false     | is_string($body.date)
            true      | concat('a', 'b', 'c') = 'abc'
            true      | concat('a', nullprop) = 'a'
            false     | is_defined(concat('a', missing))
            false     | is_defined(concat('a', $body.nul))
            error     | concat('a')
            true      | length('gateway') = 7
            true      | length('😀') = 2
            true      | lower('ÀB') = 'àb'
            true      | upper('straße') = 'STRAßE'
            true      | SUBSTRING('gateway', 3) = 'eway'
            true      | substring('gateway', 7) = ''
            false     | is_defined(substring('gateway', 8))
            false     | is_defined(substring('gateway', -1))
            true      | substring('gateway', 1.9) = 'ateway'
            true      | substring('gateway', 0, 4) = 'gate'
            undefined | substring('gateway', 7, 0) = ''
            false     | is_defined(substring('gateway', 2, 6))
            true      | substring('gateway', 2.5, 4.5) = 'tewa'
            error     | substring('a')
            true      | index_of('gateway', 'way') = 4
            true      | index_of('gateway', 'x') = -1
            true      | starts_with('gateway', 'gate') AND ends_with('gateway', 'way') AND contains('gateway', 'tew')
            false     | starts_with('gateway', 'Gate')
            undefined | starts_with(missing, 'a')
            undefined | contains($body.n, '2')
            error     | is_object($body.obj)
            error     | is_array($body.arr)
            error     | is_primitive($body.n)
            error     | nosuchfunction(1)
            error     | length()
            """;

    private static final String RESULT =
            """
            undefined | 5
            undefined | 'a'
            false     | null
            true      | $body.flag
            undefined | $body.n
            undefined | undefined
            undefined |
            undefined | /* only a comment */
            """;

    @TestFactory
    Stream<DynamicTest> sections() {
        List<DynamicTest> tests = new ArrayList<>();
        add(tests, "§2 lexical", LEXICAL, RoutingSource.DEVICE_MESSAGES);
        add(tests, "§3 precedence", PRECEDENCE, RoutingSource.DEVICE_MESSAGES);
        add(tests, "§5 properties", PROPERTIES, RoutingSource.DEVICE_MESSAGES);
        add(tests, "§6 logic", LOGIC, RoutingSource.DEVICE_MESSAGES);
        add(tests, "§7 comparisons", COMPARISONS, RoutingSource.DEVICE_MESSAGES);
        add(tests, "§8 arithmetic", ARITHMETIC, RoutingSource.DEVICE_MESSAGES);
        add(tests, "§9 || and ??", CONCAT_COALESCE, RoutingSource.DEVICE_MESSAGES);
        add(tests, "§10 body", BODY, RoutingSource.DEVICE_MESSAGES);
        add(tests, "§11 twin", TWIN, RoutingSource.DEVICE_MESSAGES);
        add(tests, "§13 functions", FUNCTIONS, RoutingSource.DEVICE_MESSAGES);
        add(tests, "§15 result", RESULT, RoutingSource.DEVICE_MESSAGES);
        return tests.stream();
    }

    private static void add(
            List<DynamicTest> tests, String section, String table, RoutingSource source) {
        for (String row : table.split("\n")) {
            int bar = row.indexOf('|');
            if (bar < 0) {
                continue;
            }
            String expected = row.substring(0, bar).trim();
            String condition = row.substring(bar + 1).trim();
            for (Engine engine : Engine.values()) {
                tests.add(
                        DynamicTest.dynamicTest(
                                section + " " + engine + ": " + condition + " -> " + expected,
                                () ->
                                        assertThat(
                                                        evaluate(
                                                                condition,
                                                                source,
                                                                engine,
                                                                Fixtures.message()))
                                                .as(condition)
                                                .isEqualTo(expected)));
            }
        }
    }

    static String evaluate(String condition, RoutingSource source, Engine engine, Message message) {
        CompilationResult result = QueryLanguage.compile(condition, source, engine);
        if (!result.succeeded()) {
            return "error";
        }
        CompiledCondition compiled = result.condition().orElseThrow();
        return compiled.evaluate(MessageContext.of(message, Fixtures.twin(), compiled.bodyPaths()))
                .text();
    }
}
