package io.hubroute.job.source;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.UUID;

/**
 * One Kafka header value written as an AMQP 1.0 primitive (a constructor byte, then the value,
 * big-endian), the way the Event Hubs Kafka endpoint presents AMQP application properties and
 * message annotations, decoded to the string routes see. Never throws: malformed bytes give a value
 * whose {@link #error()} says what is wrong.
 *
 * <p>Timestamps render as ISO-8601 UTC with seven fraction digits, as IoT Hub renders {@code
 * $enqueuedTime}; binary values render as their UTF-8 text when they are valid UTF-8, else as
 * base64.
 */
final class AmqpTypedValue {
    static final AmqpTypedValue NULL = new AmqpTypedValue(null, Long.MIN_VALUE, null);

    private static final DateTimeFormatter ISO_SEVEN_DIGITS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSS'Z'")
                    .withZone(ZoneOffset.UTC);

    private final String text;
    private final long timestampMillis;
    private final String error;

    private AmqpTypedValue(String text, long timestampMillis, String error) {
        this.text = text;
        this.timestampMillis = timestampMillis;
        this.error = error;
    }

    /** The value as text; null for AMQP null or a malformed value. */
    String text() {
        return text;
    }

    /** For an AMQP timestamp, its epoch milliseconds; otherwise {@link Long#MIN_VALUE}. */
    long timestampMillis() {
        return timestampMillis;
    }

    /** Why the bytes are not a valid AMQP primitive, or null when they are. */
    String error() {
        return error;
    }

    boolean isValid() {
        return error == null;
    }

    static String renderTimestamp(long epochMillis) {
        LocalDateTime time =
                LocalDateTime.ofEpochSecond(
                        Math.floorDiv(epochMillis, 1000L),
                        (int) Math.floorMod(epochMillis, 1000L) * 1_000_000,
                        ZoneOffset.UTC);
        int year = time.getYear();
        if (year < 1000 || year > 9999) {
            return ISO_SEVEN_DIGITS.format(Instant.ofEpochMilli(epochMillis));
        }
        // what ISO_SEVEN_DIGITS writes, without its general machinery: every record has one
        char[] text = "0000-00-00T00:00:00.0000000Z".toCharArray();
        digits(text, 0, year, 4);
        digits(text, 5, time.getMonthValue(), 2);
        digits(text, 8, time.getDayOfMonth(), 2);
        digits(text, 11, time.getHour(), 2);
        digits(text, 14, time.getMinute(), 2);
        digits(text, 17, time.getSecond(), 2);
        digits(text, 20, time.getNano() / 1_000_000, 3);
        return new String(text);
    }

    private static void digits(char[] text, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            text[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }

    static AmqpTypedValue decode(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            return failed("no bytes (an AMQP-typed value starts with a constructor byte)");
        }
        int constructor = bytes[0] & 0xFF;
        switch (constructor) {
            case 0x40: // null
                return bytes.length == 1 ? NULL : fixedWidthError("null", 0, bytes);
            case 0x41: // true
                return bytes.length == 1 ? ok("true") : fixedWidthError("true", 0, bytes);
            case 0x42: // false
                return bytes.length == 1 ? ok("false") : fixedWidthError("false", 0, bytes);
            case 0x56: // boolean, one byte
                if (bytes.length != 2) {
                    return fixedWidthError("boolean", 1, bytes);
                }
                return bytes[1] == 0
                        ? ok("false")
                        : bytes[1] == 1
                                ? ok("true")
                                : failed(
                                        "AMQP boolean byte "
                                                + (bytes[1] & 0xFF)
                                                + " is neither 0 nor 1");
            case 0x43: // uint0
            case 0x44: // ulong0
                return bytes.length == 1 ? ok("0") : fixedWidthError("zero", 0, bytes);
            case 0x50: // ubyte
            case 0x52: // smalluint
            case 0x53: // smallulong
                return bytes.length == 2
                        ? ok(Integer.toString(bytes[1] & 0xFF))
                        : fixedWidthError("unsigned", 1, bytes);
            case 0x51: // byte
            case 0x54: // smallint
            case 0x55: // smalllong
                return bytes.length == 2
                        ? ok(Integer.toString(bytes[1]))
                        : fixedWidthError("small integer", 1, bytes);
            case 0x60: // ushort
                return bytes.length == 3
                        ? ok(Long.toString(readUnsigned(bytes, 1, 2)))
                        : fixedWidthError("ushort", 2, bytes);
            case 0x61: // short
                return bytes.length == 3
                        ? ok(Short.toString((short) readUnsigned(bytes, 1, 2)))
                        : fixedWidthError("short", 2, bytes);
            case 0x70: // uint
                return bytes.length == 5
                        ? ok(Long.toString(readUnsigned(bytes, 1, 4)))
                        : fixedWidthError("uint", 4, bytes);
            case 0x71: // int
                return bytes.length == 5
                        ? ok(Integer.toString((int) readUnsigned(bytes, 1, 4)))
                        : fixedWidthError("int", 4, bytes);
            case 0x72: // float
                return bytes.length == 5
                        ? ok(Float.toString(Float.intBitsToFloat((int) readUnsigned(bytes, 1, 4))))
                        : fixedWidthError("float", 4, bytes);
            case 0x80: // ulong
                return bytes.length == 9
                        ? ok(Long.toUnsignedString(readUnsigned(bytes, 1, 8)))
                        : fixedWidthError("ulong", 8, bytes);
            case 0x81: // long
                return bytes.length == 9
                        ? ok(Long.toString(readUnsigned(bytes, 1, 8)))
                        : fixedWidthError("long", 8, bytes);
            case 0x82: // double
                return bytes.length == 9
                        ? ok(Double.toString(Double.longBitsToDouble(readUnsigned(bytes, 1, 8))))
                        : fixedWidthError("double", 8, bytes);
            case 0x83:
                { // timestamp, ms since the epoch
                    if (bytes.length != 9) {
                        return fixedWidthError("timestamp", 8, bytes);
                    }
                    long millis = readUnsigned(bytes, 1, 8);
                    if (millis < -62135596800000L || millis > 253402300799999L) {
                        return failed("AMQP timestamp " + millis + " ms is outside years 1-9999");
                    }
                    return new AmqpTypedValue(renderTimestamp(millis), millis, null);
                }
            case 0x98: // uuid
                return bytes.length == 17
                        ? ok(
                                new UUID(readUnsigned(bytes, 1, 8), readUnsigned(bytes, 9, 8))
                                        .toString())
                        : fixedWidthError("uuid", 16, bytes);
            case 0xA1: // str8-utf8
            case 0xA3: // sym8
                return variableWidth(bytes, 1, true, constructor == 0xA1 ? "str8" : "sym8");
            case 0xB1: // str32-utf8
            case 0xB3: // sym32
                return variableWidth(bytes, 4, true, constructor == 0xB1 ? "str32" : "sym32");
            case 0xA0: // vbin8
                return variableWidth(bytes, 1, false, "vbin8");
            case 0xB0: // vbin32
                return variableWidth(bytes, 4, false, "vbin32");
            default:
                return failed(
                        "unsupported AMQP constructor 0x"
                                + Integer.toHexString(constructor)
                                + " ("
                                + bytes.length
                                + " bytes)");
        }
    }

    private static AmqpTypedValue variableWidth(
            byte[] bytes, int lengthWidth, boolean text, String type) {
        if (bytes.length < 1 + lengthWidth) {
            return failed("AMQP " + type + " of " + bytes.length + " bytes has no length");
        }
        long declared = readUnsigned(bytes, 1, lengthWidth);
        if (lengthWidth == 4) {
            declared &= 0xFFFFFFFFL;
        }
        long actual = bytes.length - 1L - lengthWidth;
        if (declared != actual) {
            return failed("AMQP " + type + " declares " + declared + " bytes but has " + actual);
        }
        int start = 1 + lengthWidth;
        String decoded = strictUtf8(bytes, start, (int) actual);
        if (text) {
            return decoded != null ? ok(decoded) : failed("AMQP " + type + " is not valid UTF-8");
        }
        if (decoded != null) {
            return ok(decoded);
        }
        byte[] binary = new byte[(int) actual];
        System.arraycopy(bytes, start, binary, 0, binary.length);
        return ok(Base64.getEncoder().encodeToString(binary));
    }

    /** The text, or null when the bytes are not valid UTF-8. */
    static String strictUtf8(byte[] bytes, int start, int length) {
        boolean ascii = true;
        for (int i = start; i < start + length && ascii; i++) {
            ascii = bytes[i] >= 0;
        }
        if (ascii) {
            // ASCII is valid UTF-8 and one char per byte: no decoder needed
            return new String(bytes, start, length, StandardCharsets.ISO_8859_1);
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, start, length))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static long readUnsigned(byte[] bytes, int start, int width) {
        long value = 0;
        for (int i = start; i < start + width; i++) {
            value = (value << 8) | (bytes[i] & 0xFF);
        }
        return value;
    }

    private static AmqpTypedValue ok(String text) {
        return new AmqpTypedValue(text, Long.MIN_VALUE, null);
    }

    private static AmqpTypedValue failed(String error) {
        return new AmqpTypedValue(null, Long.MIN_VALUE, error);
    }

    private static AmqpTypedValue fixedWidthError(String type, int width, byte[] bytes) {
        return failed(
                "AMQP "
                        + type
                        + " takes "
                        + width
                        + " bytes after the constructor, got "
                        + (bytes.length - 1));
    }
}
