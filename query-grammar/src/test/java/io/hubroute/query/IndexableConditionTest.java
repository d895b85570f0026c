package io.hubroute.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.hubroute.message.Message;
import io.hubroute.message.MessageProperties;
import io.hubroute.message.RoutingSource;
import io.hubroute.query.IndexableCondition.Equality;
import io.hubroute.query.IndexableCondition.Operand;
import io.hubroute.query.IndexableCondition.Prefix;
import io.hubroute.query.IndexableCondition.Range;
import io.hubroute.query.IndexableCondition.Suffix;
import io.hubroute.query.ast.Operator;
import io.hubroute.query.json.JsonValues;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IndexableConditionTest {
    private static IndexableCondition indexable(String text) {
        return QueryLanguage.compileOrThrow(text, RoutingSource.DEVICE_MESSAGES)
                .indexable()
                .orElse(null);
    }

    private static Operand operand(String text) {
        return indexable(text).operand();
    }

    /** condition → the form as {@code Kind operand operator value}. */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "level = 'critical'                      | Equality APPLICATION_PROPERTY level = critical",
                "'critical' = LEVEL                      | Equality APPLICATION_PROPERTY LEVEL = critical",
                "$connectionDeviceId = 'sensor-1'        | Equality SYSTEM_PROPERTY $connectionDeviceId = sensor-1",
                "{$cid} = 'c'                            | Equality SYSTEM_PROPERTY {$cid} = c",
                "$twin.tags.site = 'site-19'             | Equality TWIN $twin.tags.site = site-19",
                "$twin.properties.reported.battery = 55  | Equality TWIN $twin.properties.reported.battery = 55.0",
                "$twin.properties.desired.on = true      | Equality TWIN $twin.properties.desired.on = true",
                "$body.n = -0                            | Equality BODY $body.n = 0.0",
                "$body.temperature > 37                  | Range BODY $body.temperature GREATER 37.0",
                "37 < $body.temperature                  | Range BODY $body.temperature GREATER 37.0",
                "37 <= $body.temperature                 | Range BODY $body.temperature GREATER_OR_EQUAL 37.0",
                "37 > $body.temperature                  | Range BODY $body.temperature LESS 37.0",
                "$body.temperature <= 2 * 3              | Range BODY $body.temperature LESS_OR_EQUAL 6.0",
                "{$body.t} >= -0                         | Range BODY {$body.t} GREATER_OR_EQUAL 0.0",
                "$twin.properties.reported.battery < 1e400 | Range TWIN $twin.properties.reported.battery LESS Infinity",
                "starts_with($connectionDeviceId, 'sensor-3') | Prefix SYSTEM_PROPERTY $connectionDeviceId starts sensor-3",
                "starts_with(level, '')                  | Prefix APPLICATION_PROPERTY level starts ''",
                "starts_with($body.s.name, concat('a', 'b')) | Prefix BODY $body.s.name starts ab",
                "ends_with($twin.tags.site, '-19')       | Suffix TWIN $twin.tags.site ends -19",
            })
    void recognisesTheIndexableForms(String condition, String expected) {
        assertThat(describe(indexable(condition))).isEqualTo(expected);
    }

    private static String describe(IndexableCondition form) {
        String operand = form.operand().kind() + " " + form.operand();
        if (form instanceof Equality) {
            return "Equality " + operand + " = " + ((Equality) form).value();
        }
        if (form instanceof Range) {
            return "Range "
                    + operand
                    + " "
                    + ((Range) form).operator()
                    + " "
                    + ((Range) form).threshold();
        }
        if (form instanceof Prefix) {
            String prefix = ((Prefix) form).prefix();
            return "Prefix " + operand + " starts " + (prefix.isEmpty() ? "''" : prefix);
        }
        return "Suffix " + operand + " ends " + ((Suffix) form).suffix();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "level != 'critical'",
                "level <> 'critical'",
                "level < 'm'",
                "NOT (level = 'critical')",
                "level = 'critical' AND true",
                "(level = 'critical')  = true",
                "level = level",
                "$body.x = $body.y",
                "$body.x > $body.y",
                "$body.x = null",
                "$body.x != 5",
                "$body.x > 'a'",
                "$body.x > 0 / 0",
                "$body.x = 0 / 0",
                "$body.x = substring('a', 5)",
                "as_number(severity) > 3",
                "lower(level) = 'critical'",
                "starts_with('sensor-3', $connectionDeviceId)",
                "starts_with(level, level)",
                "starts_with(level, substring('a', 5))",
                "contains(level, 'x')",
                "$body.x",
                "$body.x + 1 > 3",
                "''",
                "true"
            })
    void otherConditionsAreNotIndexable(String condition) {
        assertThat(indexable(condition)).isNull();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "level = 'a'              | LEVEL = 'b'                 | true",
                "level = 'a'              | starts_with(Level, 'b')     | true",
                "level = 'a'              | $level = 'a'                | false",
                "$level = 'a'             | {$level} = 'a'              | false",
                "$cid = 'a'               | $CID = 'a'                  | true",
                "$cid = 'a'               | $correlationId = 'a'        | false",
                "$body.x > 1              | $BODY.x < 2                 | true",
                "$body.x > 1              | $body.X < 2                 | false",
                "$body.x > 1              | {$body.x} < 2               | false",
                "$twin.tags.x = 'a'       | $twin.TAGS.x = 'b'          | true",
                "$twin.tags.x = 'a'       | $twin.properties.desired.x = 'a' | false",
            })
    void operandsAreEqualWhenTheyReadTheSameValue(String a, String b, boolean same) {
        assertThat(operand(a).equals(operand(b))).isEqualTo(same);
        if (same) {
            assertThat(operand(a).hashCode()).isEqualTo(operand(b).hashCode());
        }
    }

    /** value read → result, for {@code x > 5}, {@code x >= 5}, {@code x < 5}, {@code x <= 5}. */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "4         | FALSE     | FALSE     | TRUE      | TRUE",
                "5         | FALSE     | TRUE      | FALSE     | TRUE",
                "6         | TRUE      | TRUE      | FALSE     | FALSE",
                "Infinity  | TRUE      | TRUE      | FALSE     | FALSE",
                "-Infinity | FALSE     | FALSE     | TRUE      | TRUE",
                "NaN       | UNDEFINED | UNDEFINED | UNDEFINED | UNDEFINED",
                "bool      | FALSE     | FALSE     | TRUE      | TRUE",
                "string    | TRUE      | TRUE      | FALSE     | FALSE",
                "null      | TRUE      | TRUE      | FALSE     | FALSE",
                "undefined | UNDEFINED | UNDEFINED | UNDEFINED | UNDEFINED",
            })
    void rangesOrderEveryKindOfValue(
            String read,
            RouteResult greater,
            RouteResult greaterOrEqual,
            RouteResult less,
            RouteResult lessOrEqual) {
        Object value =
                switch (read) {
                    case "bool" -> Boolean.TRUE;
                    case "string" -> "5";
                    case "null" -> JsonValues.NULL;
                    case "undefined" -> JsonValues.UNDEFINED;
                    default -> Double.parseDouble(read);
                };
        Operand x = operand("$body.x > 5");
        assertThat(new Range(x, Operator.GREATER, 5).resultFor(value)).isEqualTo(greater);
        assertThat(new Range(x, Operator.GREATER_OR_EQUAL, 5).resultFor(value))
                .isEqualTo(greaterOrEqual);
        assertThat(new Range(x, Operator.LESS, 5).resultFor(value)).isEqualTo(less);
        assertThat(new Range(x, Operator.LESS_OR_EQUAL, 5).resultFor(value)).isEqualTo(lessOrEqual);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                // condition | level's value (MISSING: no property, NULL: null-valued) | result
                "level = 'critical'              | critical  | TRUE",
                "level = 'critical'              | Critical  | FALSE",
                "level = 'critical'              | MISSING   | UNDEFINED",
                "level = 'critical'              | NULL      | UNDEFINED",
                "starts_with(level, 'crit')      | critical  | TRUE",
                "starts_with(level, 'Crit')      | critical  | FALSE",
                "starts_with(level, '')          | ''        | TRUE",
                "starts_with(level, '')          | NULL      | UNDEFINED",
                "ends_with(level, '😀')          | x😀       | TRUE",
                "ends_with(level, '\\uDE00')     | x😀       | TRUE",
                "ends_with(level, 'x')           | MISSING   | UNDEFINED",
                "$body.v = '21'                  | 21        | FALSE",
                "$body.v = 21                    | 21        | TRUE",
                "$body.v = 21                    | '21'      | FALSE",
                "$body.v = 0                     | -0        | TRUE",
                "$body.v = true                  | true      | TRUE",
                "$body.v = 'x'                   | null      | FALSE",
                "$body.v = 'x'                   | MISSING   | FALSE",
                "$body.v = 'x'                   | {}        | UNDEFINED",
                "$body.v > 20                    | MISSING   | TRUE",
                "$body.v < 20                    | '2024-05-01T08:30:00Z' | UNDEFINED",
                "starts_with($body.v, '2')       | 21        | UNDEFINED",
                "starts_with($body.v, '2')       | '21'      | TRUE",
            })
    void resultsAreWhatEvaluationGives(String condition, String value, RouteResult expected) {
        MessageProperties app;
        String body = "{}";
        if (condition.contains("$body")) {
            app = MessageProperties.of();
            body =
                    value.equals("MISSING")
                            ? "{}"
                            : "{\"v\": "
                                    + (value.startsWith("'")
                                            ? "\"" + value.substring(1, value.length() - 1) + "\""
                                            : value)
                                    + "}";
        } else if (value.equals("MISSING")) {
            app = MessageProperties.of();
        } else {
            app =
                    MessageProperties.of(
                            "level", value.equals("NULL") ? null : value.equals("''") ? "" : value);
        }
        Message message =
                Message.builder(RoutingSource.DEVICE_MESSAGES)
                        .systemProperties(
                                MessageProperties.of(
                                        "contentType", "application/json",
                                        "contentEncoding", "utf-8"))
                        .appProperties(app)
                        .body(body)
                        .build();
        for (Engine engine : Engine.values()) {
            CompiledCondition compiled =
                    QueryLanguage.compileOrThrow(condition, RoutingSource.DEVICE_MESSAGES, engine);
            IndexableCondition form = compiled.indexable().orElseThrow();
            assertThat(compiled.evaluate(MessageContext.of(message, null, compiled.bodyPaths())))
                    .as("%s evaluated", engine)
                    .isEqualTo(expected);
            // a context of its own: the operand reads as the fast path does
            MessageContext context = MessageContext.of(message, null, compiled.bodyPaths());
            assertThat(form.resultFor(form.operand().read(context)))
                    .as("%s indexed", engine)
                    .isEqualTo(expected);
        }
    }
}
