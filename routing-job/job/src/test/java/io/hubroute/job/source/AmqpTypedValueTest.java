package io.hubroute.job.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AmqpTypedValueTest {
    static Stream<Arguments> validValues() {
        return Stream.of(
                Arguments.of(bytes(0xA1, 3, 'a', 'b', 'c'), "abc"),
                Arguments.of(bytes(0xA1, 0), ""),
                Arguments.of(bytes(0xA1, 2, 0xC3, 0xA9), "é"),
                Arguments.of(bytes(0xB1, 0, 0, 0, 2, 'h', 'i'), "hi"),
                Arguments.of(bytes(0xA3, 1, 'x'), "x"),
                Arguments.of(
                        bytes(0x83, 0, 0, 0x01, 0x5B, 0xE9, 0x8E, 0x2E, 0x53),
                        "2017-05-08T19:34:21.0110000Z"),
                Arguments.of(bytes(0x83, 0, 0, 0, 0, 0, 0, 0, 0), "1970-01-01T00:00:00.0000000Z"),
                Arguments.of(bytes(0x81, 0, 0, 0, 0, 0, 0, 0x01, 0x00), "256"),
                Arguments.of(bytes(0x81, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE), "-2"),
                Arguments.of(bytes(0x55, 0xFF), "-1"),
                Arguments.of(bytes(0x55, 42), "42"),
                Arguments.of(bytes(0x71, 0, 0, 0x30, 0x39), "12345"),
                Arguments.of(bytes(0x71, 0x80, 0, 0, 0), "-2147483648"),
                Arguments.of(bytes(0x54, 0x85), "-123"),
                Arguments.of(bytes(0x41), "true"),
                Arguments.of(bytes(0x42), "false"),
                Arguments.of(bytes(0x56, 1), "true"),
                Arguments.of(bytes(0x43), "0"),
                Arguments.of(bytes(0x52, 200), "200"),
                Arguments.of(bytes(0x70, 0xFF, 0xFF, 0xFF, 0xFF), "4294967295"),
                Arguments.of(
                        bytes(0x80, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF),
                        "18446744073709551615"),
                Arguments.of(bytes(0x61, 0xFF, 0xFE), "-2"),
                Arguments.of(bytes(0x60, 0xFF, 0xFE), "65534"),
                Arguments.of(bytes(0x82, 0x3F, 0xF8, 0, 0, 0, 0, 0, 0), "1.5"),
                Arguments.of(bytes(0xA0, 2, 'o', 'k'), "ok"),
                Arguments.of(bytes(0xA0, 2, 0xFF, 0xFE), "//4="),
                Arguments.of(bytes(0xB0, 0, 0, 0, 1, 'z'), "z"),
                Arguments.of(
                        bytes(
                                0x98, 0x12, 0x34, 0x56, 0x78, 0x9A, 0xBC, 0xDE, 0xF0, 0x12, 0x34,
                                0x56, 0x78, 0x9A, 0xBC, 0xDE, 0xF0),
                        "12345678-9abc-def0-1234-56789abcdef0"));
    }

    @ParameterizedTest
    @MethodSource("validValues")
    void decodesValidValues(byte[] bytes, String expected) {
        AmqpTypedValue value = AmqpTypedValue.decode(bytes);
        assertThat(value.error()).isNull();
        assertThat(value.text()).isEqualTo(expected);
    }

    @Test
    void nullIsAValidNullValue() {
        AmqpTypedValue value = AmqpTypedValue.decode(bytes(0x40));
        assertThat(value.isValid()).isTrue();
        assertThat(value.text()).isNull();
    }

    @Test
    void timestampKeepsItsMilliseconds() {
        AmqpTypedValue value =
                AmqpTypedValue.decode(bytes(0x83, 0, 0, 0x01, 0x5B, 0xE9, 0x8E, 0x2E, 0x53));
        assertThat(value.timestampMillis()).isEqualTo(1494272061011L);
    }

    static Stream<Arguments> malformedValues() {
        return Stream.of(
                Arguments.of(
                        new byte[0],
                        "no bytes (an AMQP-typed value starts with a constructor byte)"),
                Arguments.of(null, "no bytes (an AMQP-typed value starts with a constructor byte)"),
                Arguments.of(bytes(0xA1), "AMQP str8 of 1 bytes has no length"),
                Arguments.of(bytes(0xA1, 5, 'a', 'b'), "AMQP str8 declares 5 bytes but has 2"),
                Arguments.of(bytes(0xA1, 1, 'a', 'b'), "AMQP str8 declares 1 bytes but has 2"),
                Arguments.of(bytes(0xA1, 1, 0xFF), "AMQP str8 is not valid UTF-8"),
                Arguments.of(bytes(0xB1, 0, 0, 1), "AMQP str32 of 4 bytes has no length"),
                Arguments.of(
                        bytes(0xB1, 0xFF, 0xFF, 0xFF, 0xFF, 'a'),
                        "AMQP str32 declares 4294967295 bytes but has 1"),
                Arguments.of(
                        bytes(0x83, 0, 0, 1),
                        "AMQP timestamp takes 8 bytes after the constructor, got 3"),
                Arguments.of(
                        bytes(0x83, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF),
                        "AMQP timestamp 9223372036854775807 ms is outside years 1-9999"),
                Arguments.of(
                        bytes(0x81, 1, 2), "AMQP long takes 8 bytes after the constructor, got 2"),
                Arguments.of(
                        bytes(0x55),
                        "AMQP small integer takes 1 bytes after the constructor, got 0"),
                Arguments.of(
                        bytes(0x71, 0, 0, 0, 0, 0),
                        "AMQP int takes 4 bytes after the constructor, got 5"),
                Arguments.of(
                        bytes(0x41, 1), "AMQP true takes 0 bytes after the constructor, got 1"),
                Arguments.of(
                        bytes(0x40, 0), "AMQP null takes 0 bytes after the constructor, got 1"),
                Arguments.of(bytes(0x56, 2), "AMQP boolean byte 2 is neither 0 nor 1"),
                Arguments.of(bytes(0xA0, 3, 1), "AMQP vbin8 declares 3 bytes but has 1"),
                Arguments.of(
                        bytes('c', 'r', 'i', 't'), "unsupported AMQP constructor 0x63 (4 bytes)"),
                Arguments.of(bytes(0xD1, 0, 0), "unsupported AMQP constructor 0xd1 (3 bytes)"));
    }

    @ParameterizedTest
    @MethodSource("malformedValues")
    void reportsMalformedValues(byte[] bytes, String error) {
        AmqpTypedValue value = AmqpTypedValue.decode(bytes);
        assertThat(value.isValid()).isFalse();
        assertThat(value.error()).isEqualTo(error);
        assertThat(value.text()).isNull();
    }

    static byte[] bytes(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return bytes;
    }

    @Test
    void timestampsRenderAsTheSevenDigitFormatDoes() {
        DateTimeFormatter format =
                DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSS'Z'")
                        .withZone(ZoneOffset.UTC);
        Random random = new Random(3);
        long[] edges = {
            0,
            -1,
            1,
            999,
            1000,
            -1000,
            946_684_799_999L,
            951_782_400_000L,
            253_402_300_799_999L,
            253_402_300_800_000L,
            -30_610_224_000_001L,
            -62_135_596_800_000L,
            Long.MAX_VALUE / 1000
        };
        for (long millis : edges) {
            assertThat(AmqpTypedValue.renderTimestamp(millis))
                    .isEqualTo(format.format(Instant.ofEpochMilli(millis)));
        }
        for (int i = 0; i < 100_000; i++) {
            long millis = random.nextLong() % 300_000_000_000_000L;
            assertThat(AmqpTypedValue.renderTimestamp(millis))
                    .as("%d", millis)
                    .isEqualTo(format.format(Instant.ofEpochMilli(millis)));
        }
    }

    @Test
    void textIsStrictUtf8WhetherAsciiOrNot() {
        Random random = new Random(5);
        for (int i = 0; i < 50_000; i++) {
            byte[] bytes = new byte[random.nextInt(12)];
            random.nextBytes(bytes);
            if (random.nextBoolean()) {
                for (int b = 0; b < bytes.length; b++) {
                    bytes[b] &= 0x7F;
                }
            }
            int start = bytes.length == 0 ? 0 : random.nextInt(bytes.length);
            int length = bytes.length - start;
            String expected;
            try {
                expected =
                        StandardCharsets.UTF_8
                                .newDecoder()
                                .decode(ByteBuffer.wrap(bytes, start, length))
                                .toString();
            } catch (CharacterCodingException e) {
                expected = null;
            }
            assertThat(AmqpTypedValue.strictUtf8(bytes, start, length)).isEqualTo(expected);
        }
    }
}
