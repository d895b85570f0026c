package io.hubroute.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.hubroute.message.Message;
import io.hubroute.message.MessageProperties;
import io.hubroute.message.RoutingSource;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The fast path's own JSON scanner must accept, reject and read bodies exactly as Jackson does in
 * the reference engine: generated bodies, valid and mutated, read through conditions on both.
 */
class BodyDifferentialTest {
    private static final String[] KEYS = {"a", "b", "c", "é", "a\\u0062", "\\\"q", "0", "q!"};
    private static final String[] CONDITIONS = {
        "$body.a = 1", "$body.a.b = 'x'", "is_defined($body.a[0])", "$body.b[1].c > 0",
                "$body.a.é = true",
        "is_null($body.c)", "$body.b = $body.c", "is_string($body.ab)", "$body.q! = 'x'",
                "$body.a.a.a >= -1",
        "is_bool($body.b[0])", "$body.c[2] = null", "length($body.a) > 1", "$body.é = 'é😀'",
                "$body.b.ab < 'z'",
    };
    private static final String[] TWIN_CHANGE_CONDITIONS = {
        "twin_change_includes(tags.a)", "twin_change_includes(properties.desired.b.c)",
    };
    private static final String MUTATIONS = "{}[],:\"\\ 0123456789eE.-+tfnul\t\n\u0001é";

    private final Random random = new Random(4242);

    private String value(int depth) {
        int kind = depth > 3 ? random.nextInt(5) : random.nextInt(7);
        switch (kind) {
            case 0:
                return "\""
                        + pick(
                                new String[] {
                                    "x",
                                    "é😀",
                                    "a\\nb",
                                    "\\u00e9",
                                    "2024-05-01T08:30:00Z",
                                    "",
                                    "\\\\"
                                })
                        + "\"";
            case 1:
                return pick(
                        new String[] {
                            "0", "-1", "1.5", "1e400", "-0", "12345678901234567890", "2E-3", "3"
                        });
            case 2:
                return pick(new String[] {"true", "false"});
            case 3:
                return "null";
            case 4:
                return "\"" + random.nextInt(100) + "\"";
            case 5:
                {
                    StringBuilder object = new StringBuilder("{");
                    int members = random.nextInt(4);
                    for (int i = 0; i < members; i++) {
                        object.append(i == 0 ? "" : ", ")
                                .append('"')
                                .append(pick(KEYS))
                                .append("\": ")
                                .append(value(depth + 1));
                    }
                    return object.append('}').toString();
                }
            default:
                {
                    StringBuilder array = new StringBuilder("[");
                    int elements = random.nextInt(4);
                    for (int i = 0; i < elements; i++) {
                        array.append(i == 0 ? "" : ",").append(value(depth + 1));
                    }
                    return array.append(']').toString();
                }
        }
    }

    private String pick(String[] options) {
        return options[random.nextInt(options.length)];
    }

    private String body() {
        StringBuilder object = new StringBuilder("{");
        int members = 1 + random.nextInt(5);
        for (int i = 0; i < members; i++) {
            object.append(i == 0 ? "" : ",")
                    .append(random.nextBoolean() ? " " : "")
                    .append('"')
                    .append(pick(KEYS))
                    .append("\":")
                    .append(value(1));
        }
        object.append('}');
        if (random.nextInt(3) == 0) {
            int edits = 1 + random.nextInt(2);
            for (int e = 0; e < edits && object.length() > 0; e++) {
                int at = random.nextInt(object.length());
                char c = MUTATIONS.charAt(random.nextInt(MUTATIONS.length()));
                switch (random.nextInt(3)) {
                    case 0 -> object.deleteCharAt(at);
                    case 1 -> object.insert(at, c);
                    default -> object.setCharAt(at, c);
                }
            }
        }
        return object.toString();
    }

    private static Message message(RoutingSource source, byte[] body) {
        return Message.builder(source)
                .systemProperties(
                        MessageProperties.of(
                                "contentType", "application/json", "contentEncoding", "utf-8"))
                .body(body)
                .build();
    }

    private static void assertEnginesAgree(String condition, RoutingSource source, byte[] body) {
        CompiledCondition fast = QueryLanguage.compileOrThrow(condition, source, Engine.COMPILED);
        CompiledCondition reference =
                QueryLanguage.compileOrThrow(condition, source, Engine.REFERENCE);
        Message message = message(source, body);
        RouteResult expected =
                reference.evaluate(MessageContext.of(message, null, reference.bodyPaths()));
        MessageContext context = MessageContext.of(message, null, fast.bodyPaths());
        assertThat(fast.evaluate(context))
                .as("%s on %s", condition, new String(body, StandardCharsets.UTF_8))
                .isEqualTo(expected);
    }

    @Test
    void generatedBodiesReadTheSameOnBothEngines() {
        int valid = 0;
        for (int i = 0; i < 6000; i++) {
            String text = body();
            byte[] body = text.getBytes(StandardCharsets.UTF_8);
            if (random.nextInt(20) == 0) {
                body[random.nextInt(body.length)] = (byte) (0x80 + random.nextInt(0x80));
            }
            for (String condition : CONDITIONS) {
                assertEnginesAgree(condition, RoutingSource.DEVICE_MESSAGES, body);
            }
            for (String condition : TWIN_CHANGE_CONDITIONS) {
                assertEnginesAgree(condition, RoutingSource.TWIN_CHANGE_EVENTS, body);
            }
            MessageContext probe =
                    MessageContext.of(
                            message(RoutingSource.DEVICE_MESSAGES, body), null, BodyPaths.none());
            if (probe.bodyFailure() == null) {
                valid++;
            }
        }
        // Both valid and invalid bodies must be exercised.
        assertThat(valid).isBetween(1000, 5500);
    }

    @Test
    void nestingAndNumberLimitsMatchTheReference() {
        for (int depth : new int[] {998, 999, 1000, 1001}) {
            String nested = "{\"a\": " + "[".repeat(depth - 1) + "]".repeat(depth - 1) + "}";
            assertEnginesAgree(
                    "is_null($body.b)",
                    RoutingSource.DEVICE_MESSAGES,
                    nested.getBytes(StandardCharsets.UTF_8));
        }
        for (int digits : new int[] {999, 1000, 1001}) {
            String number = "{\"a\": " + "1".repeat(digits) + "}";
            assertEnginesAgree(
                    "$body.a > 1",
                    RoutingSource.DEVICE_MESSAGES,
                    number.getBytes(StandardCharsets.UTF_8));
        }
    }
}
