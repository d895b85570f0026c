package io.hubroute.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.hubroute.message.Message;
import io.hubroute.message.MessageProperties;
import io.hubroute.message.RoutingSource;
import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The body preconditions and decoding of spec §10, and parsing at most once. */
class BodyTest {
    private static Message message(String contentType, String encoding, byte[] body) {
        return Message.builder(RoutingSource.DEVICE_MESSAGES)
                .systemProperties(
                        MessageProperties.of(
                                "contentType", contentType, "contentEncoding", encoding))
                .body(body)
                .build();
    }

    private static byte[] bytes(String text, Charset charset, int... prefix) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int b : prefix) {
            out.write(b);
        }
        out.writeBytes(text.getBytes(charset));
        return out.toByteArray();
    }

    private static String result(Message message, String condition, Engine engine) {
        CompiledCondition compiled =
                QueryLanguage.compileOrThrow(condition, RoutingSource.DEVICE_MESSAGES, engine);
        return compiled.evaluate(MessageContext.of(message, null, compiled.bodyPaths())).text();
    }

    private static String reason(Message message, String condition) {
        CompiledCondition compiled =
                QueryLanguage.compileOrThrow(condition, RoutingSource.DEVICE_MESSAGES);
        MessageContext context = MessageContext.of(message, null, compiled.bodyPaths());
        assertThat(compiled.evaluate(context)).isEqualTo(RouteResult.UNDEFINED);
        return compiled.undefinedReason(context);
    }

    private static final String JSON = "{\"t\": 42, \"s\": \"é😀\"}";

    @ParameterizedTest
    @EnumSource(Engine.class)
    void decodesEveryUtfEncodingWithAndWithoutByteOrderMarks(Engine engine) {
        Charset utf32le = Charset.forName("UTF-32LE");
        Charset utf32be = Charset.forName("UTF-32BE");
        List<Message> messages =
                List.of(
                        message("application/json", "utf-8", bytes(JSON, StandardCharsets.UTF_8)),
                        message(
                                "application/json",
                                "UTF-8",
                                bytes(JSON, StandardCharsets.UTF_8, 0xEF, 0xBB, 0xBF)),
                        message(
                                "application/json",
                                "utf-16",
                                bytes(JSON, StandardCharsets.UTF_16LE)),
                        message(
                                "application/json",
                                "utf-16",
                                bytes(JSON, StandardCharsets.UTF_16LE, 0xFF, 0xFE)),
                        message(
                                "application/json",
                                "Utf-16",
                                bytes(JSON, StandardCharsets.UTF_16BE, 0xFE, 0xFF)),
                        message("application/json", "utf-32", bytes(JSON, utf32le)),
                        message(
                                "application/json",
                                "utf-32",
                                bytes(JSON, utf32be, 0x00, 0x00, 0xFE, 0xFF)),
                        message(
                                "Application/JSON; charset=utf-8",
                                "utf-8",
                                bytes(JSON, StandardCharsets.UTF_8)),
                        message(
                                " application/json ;x=y",
                                "utf-8",
                                bytes(JSON, StandardCharsets.UTF_8)));
        for (Message message : messages) {
            assertThat(result(message, "$body.t = 42 AND $body.s = 'é😀'", engine))
                    .as(message.toString())
                    .isEqualTo("true");
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void malformedBytesBecomeReplacementCharacters(Engine engine) {
        byte[] body = {'{', '"', 's', '"', ':', '"', 'a', (byte) 0xFF, 'b', '"', '}'};
        assertThat(
                        result(
                                message("application/json", "utf-8", body),
                                "$body.s = 'a\\uFFFDb'",
                                engine))
                .isEqualTo("true");
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void strictJsonOnly(Engine engine) {
        for (String bad :
                List.of(
                        "{\"t\": 42,}",
                        "{\"t\": 42} x",
                        "[1]",
                        "{\"t\": 042}",
                        "{'t': 42}",
                        "{\"t\": 42 /* c */}",
                        "{\"t\": NaN}",
                        "",
                        "{\"t\": \"a\u0001\"}")) {
            assertThat(
                            result(
                                    message(
                                            "application/json",
                                            "utf-8",
                                            bad.getBytes(StandardCharsets.UTF_8)),
                                    "$body.t = 42",
                                    engine))
                    .as(bad)
                    .isEqualTo("undefined");
        }
    }

    @Test
    void recordsWhyTheBodyCannotBeQueried() {
        byte[] json = JSON.getBytes(StandardCharsets.UTF_8);
        assertThat(reason(message("text/plain", "utf-8", json), "$body.t = 42"))
                .isEqualTo(
                        "$body is not queryable: contentType 'text/plain' is not application/json");
        assertThat(reason(message("application/json", "ascii", json), "$body.t = 42"))
                .isEqualTo(
                        "$body is not queryable: contentEncoding 'ascii' is not utf-8, utf-16 or utf-32");
        assertThat(
                        reason(
                                Message.builder(RoutingSource.DEVICE_MESSAGES).body(json).build(),
                                "$body.t = 42"))
                .isEqualTo(
                        "$body is not queryable: the message has no contentType (set it to application/json)");
        assertThat(
                        reason(
                                message(
                                        "application/json",
                                        "utf-8",
                                        "[1]".getBytes(StandardCharsets.UTF_8)),
                                "$body.t = 42"))
                .isEqualTo("$body is not queryable: the body is not a JSON object");
        assertThat(
                        reason(
                                message(
                                        "application/json",
                                        "utf-8",
                                        "{\"t\":".getBytes(StandardCharsets.UTF_8)),
                                "$body.t = 42"))
                .startsWith("$body is not queryable: the body is not valid JSON (");
        assertThat(reason(message("application/json", "utf-8", json), "level = 'x'"))
                .isEqualTo("condition evaluated to undefined");
        CompiledCondition twin =
                QueryLanguage.compileOrThrow("$twin.tags.a = 1", RoutingSource.DEVICE_MESSAGES);
        Message withDevice =
                Message.builder(RoutingSource.DEVICE_MESSAGES)
                        .systemProperties(MessageProperties.of("connectionDeviceId", "dev-7"))
                        .build();
        assertThat(twin.undefinedReason(MessageContext.of(withDevice, null, twin.bodyPaths())))
                .isEqualTo("$twin is not queryable: no twin is known for device 'dev-7'");
    }

    @Test
    void parsesTheBodyAtMostOnceAndOnlyWhenNeeded() {
        List<CompiledCondition> conditions =
                List.of(
                        QueryLanguage.compileOrThrow(
                                "$body.s.temp > 20", RoutingSource.DEVICE_MESSAGES),
                        QueryLanguage.compileOrThrow(
                                "$body.str = 'hello' OR $body.arr[1][0] = 2",
                                RoutingSource.DEVICE_MESSAGES),
                        QueryLanguage.compileOrThrow(
                                "level = 'critical'", RoutingSource.DEVICE_MESSAGES));
        BodyPaths union = BodyPaths.union(conditions);
        assertThat(union.paths()).hasSize(3);

        MessageContext propertiesOnly = MessageContext.of(Fixtures.message(), null, union);
        assertThat(conditions.get(2).evaluate(propertiesOnly)).isEqualTo(RouteResult.TRUE);
        assertThat(propertiesOnly.bodyParses()).isZero();

        MessageContext all = MessageContext.of(Fixtures.message(), null, union);
        for (CompiledCondition condition : conditions) {
            assertThat(condition.evaluate(all)).isEqualTo(RouteResult.TRUE);
        }
        assertThat(all.bodyParses()).isEqualTo(1);
    }

    @Test
    void aDuplicateKeyReplacesWhatAnEarlierOneSetBelowIt() {
        byte[] body =
                "{\"a\": {\"x\": 1, \"y\": 2}, \"a\": {\"x\": 3}}".getBytes(StandardCharsets.UTF_8);
        for (Engine engine : Engine.values()) {
            Message message = message("application/json", "utf-8", body);
            assertThat(result(message, "$body.a.x = 3 AND $body.a.y = null", engine))
                    .isEqualTo("true");
        }
    }
}
