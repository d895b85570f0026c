package io.hubroute.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.hubroute.message.Message;
import io.hubroute.message.RoutingSource;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * No input string may make compiling or evaluating throw: every failure is a positioned compile
 * error whose message ends with its own start position.
 */
class FuzzTest {
    private static final String ALPHABET =
            "abcXYZ019.,;:$@#!?()[]{}<>=+-*/%|&'\"\\ \t\r\n_éß😀\u0000\u00A0eExX"
                    + "ANDORNOTandornotSELECTtruefalsenullundefined";
    private static final String[] SEEDS = {
        "$body.Weather.Temperature > 40 AND level = 'critical'",
        "twin_change_includes(properties.desired.fw)",
        "(as_number(severity) ?? 0) >= 3 OR starts_with($connectionDeviceId, 'dev')",
        "{$contentType} = 'application/json' AND $twin.tags.site.region = \"emea\" /* c */",
        "substring(lower(level), 0x2, 3.5e0) || 'x' = 'it'",
    };

    @Test
    void randomTextNeverThrows() {
        Random random = new Random(7);
        for (int i = 0; i < 30_000; i++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(40);
            for (int j = 0; j < length; j++) {
                int start = random.nextInt(ALPHABET.length());
                text.appendCodePoint(
                        ALPHABET.codePointAt(
                                Character.isLowSurrogate(ALPHABET.charAt(start))
                                        ? start - 1
                                        : start));
            }
            check(text.toString(), random);
        }
    }

    @Test
    void mutatedConditionsNeverThrow() {
        Random random = new Random(11);
        for (int i = 0; i < 30_000; i++) {
            StringBuilder text = new StringBuilder(SEEDS[random.nextInt(SEEDS.length)]);
            int edits = 1 + random.nextInt(4);
            for (int e = 0; e < edits && text.length() > 0; e++) {
                int at = random.nextInt(text.length());
                char c = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
                switch (random.nextInt(3)) {
                    case 0 -> text.deleteCharAt(at);
                    case 1 -> text.insert(at, c);
                    default -> text.setCharAt(at, c);
                }
            }
            check(text.toString(), random);
        }
    }

    @Test
    void deepNestingIsAnErrorNotACrash() {
        String deep = "(".repeat(5000) + "1" + ")".repeat(5000) + " = 1";
        assertThat(QueryLanguage.compile(deep, RoutingSource.DEVICE_MESSAGES).errors()).hasSize(1);
        String chain = "1" + " + 1".repeat(3000) + " = 1";
        assertThat(QueryLanguage.compile(chain, RoutingSource.DEVICE_MESSAGES).errors()).hasSize(1);
        String nots = "NOT ".repeat(5000) + "true";
        assertThat(QueryLanguage.compile(nots, RoutingSource.DEVICE_MESSAGES).errors()).hasSize(1);
    }

    private static void check(String text, Random random) {
        RoutingSource source =
                random.nextBoolean()
                        ? RoutingSource.DEVICE_MESSAGES
                        : RoutingSource.TWIN_CHANGE_EVENTS;
        CompilationResult fast = QueryLanguage.compile(text, source, Engine.COMPILED);
        CompilationResult reference = QueryLanguage.compile(text, source, Engine.REFERENCE);
        assertThat(fast.diagnostics()).isEqualTo(reference.diagnostics());
        int lines = (int) text.chars().filter(c -> c == '\n').count() + 1;
        for (CompileError error : fast.errors()) {
            SourcePosition start = error.range().start();
            SourcePosition end = error.range().end();
            assertThat(error.message())
                    .as(text)
                    .endsWith(" at line " + start.line() + ":" + start.column());
            assertThat(start.line()).as(text).isBetween(1, lines);
            assertThat(
                            end.line() > start.line()
                                    || (end.line() == start.line()
                                            && end.column() > start.column()))
                    .as("%s: %s", text, error)
                    .isTrue();
        }
        if (fast.succeeded()) {
            Message message = Fixtures.message();
            CompiledCondition a = fast.condition().orElseThrow();
            CompiledCondition b = reference.condition().orElseThrow();
            assertThat(a.evaluate(MessageContext.of(message, Fixtures.twin(), a.bodyPaths())))
                    .as(text)
                    .isEqualTo(
                            b.evaluate(MessageContext.of(message, Fixtures.twin(), b.bodyPaths())));
        }
    }
}
