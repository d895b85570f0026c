package io.hubroute.query.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import io.hubroute.message.Message;
import io.hubroute.message.SystemPropertyNames;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A message body that passed the content preconditions of spec §10 (JSON media type, a UTF
 * encoding), ready to be parsed; or the reason it did not pass.
 */
public final class BodySource {
    static final JsonFactory JSON = JsonFactory.builder().build();
    private static final Charset UTF_32LE = Charset.forName("UTF-32LE");
    private static final Charset UTF_32BE = Charset.forName("UTF-32BE");

    private final byte[] utf8;
    private final int utf8Offset;
    private final String text;
    private final String failure;

    private BodySource(byte[] utf8, int utf8Offset, String text, String failure) {
        this.utf8 = utf8;
        this.utf8Offset = utf8Offset;
        this.text = text;
        this.failure = failure;
    }

    /** Checks the preconditions and picks the decoding; parsing happens later. */
    public static BodySource of(Message message) {
        String contentType = message.systemProperty(SystemPropertyNames.CONTENT_TYPE).orElse(null);
        if (contentType == null) {
            return failed(
                    "$body is not queryable: the message has no contentType (set it to application/json)");
        }
        int semicolon = contentType.indexOf(';');
        String mediaType =
                (semicolon >= 0 ? contentType.substring(0, semicolon) : contentType).trim();
        if (!mediaType.equalsIgnoreCase("application/json")) {
            return failed(
                    "$body is not queryable: contentType '"
                            + contentType
                            + "' is not application/json");
        }
        String encoding = message.systemProperty(SystemPropertyNames.CONTENT_ENCODING).orElse(null);
        if (encoding == null) {
            return failed(
                    "$body is not queryable: the message has no contentEncoding (set it to utf-8, utf-16 or utf-32)");
        }
        byte[] body = message.body();
        switch (encoding.toLowerCase(Locale.ROOT)) {
            case "utf-8":
                boolean bom =
                        body.length >= 3
                                && (body[0] & 0xFF) == 0xEF
                                && (body[1] & 0xFF) == 0xBB
                                && (body[2] & 0xFF) == 0xBF;
                return new BodySource(body, bom ? 3 : 0, null, null);
            case "utf-16":
                return decoded(body, utf16(body));
            case "utf-32":
                return decoded(body, utf32(body));
            default:
                return failed(
                        "$body is not queryable: contentEncoding '"
                                + encoding
                                + "' is not utf-8, utf-16 or utf-32");
        }
    }

    private static BodySource failed(String reason) {
        return new BodySource(null, 0, null, reason);
    }

    private static BodySource decoded(byte[] body, Decoding decoding) {
        return new BodySource(null, 0, decode(body, decoding.bomLength, decoding.charset), null);
    }

    private record Decoding(Charset charset, int bomLength) {}

    private static Decoding utf16(byte[] b) {
        if (b.length >= 2 && (b[0] & 0xFF) == 0xFE && (b[1] & 0xFF) == 0xFF) {
            return new Decoding(StandardCharsets.UTF_16BE, 2);
        }
        if (b.length >= 2 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xFE) {
            return new Decoding(StandardCharsets.UTF_16LE, 2);
        }
        return new Decoding(StandardCharsets.UTF_16LE, 0);
    }

    private static Decoding utf32(byte[] b) {
        if (b.length >= 4
                && b[0] == 0
                && b[1] == 0
                && (b[2] & 0xFF) == 0xFE
                && (b[3] & 0xFF) == 0xFF) {
            return new Decoding(UTF_32BE, 4);
        }
        if (b.length >= 4
                && (b[0] & 0xFF) == 0xFF
                && (b[1] & 0xFF) == 0xFE
                && b[2] == 0
                && b[3] == 0) {
            return new Decoding(UTF_32LE, 4);
        }
        return new Decoding(UTF_32LE, 0);
    }

    private static String decode(byte[] bytes, int offset, Charset charset) {
        try {
            return charset.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE)
                    .replaceWith("\uFFFD")
                    .decode(ByteBuffer.wrap(bytes, offset, bytes.length - offset))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalStateException("a replacing decoder cannot fail", e);
        }
    }

    /** Why the body cannot be queried, or null when it passed the preconditions. */
    public String failure() {
        return failure;
    }

    /**
     * The body as UTF-8 bytes (decoded bodies re-encoded once); only when {@link #failure()} is
     * null.
     */
    byte[] utf8() {
        return utf8 != null ? utf8 : text.getBytes(StandardCharsets.UTF_8);
    }

    /** Where the JSON starts in {@link #utf8()}: past a UTF-8 byte order mark. */
    int utf8Offset() {
        return utf8 != null ? utf8Offset : 0;
    }

    /** A parser over the body; only when {@link #failure()} is null. */
    public JsonParser open() throws IOException {
        if (text != null) {
            return JSON.createParser(text);
        }
        return JSON.createParser(utf8, utf8Offset, utf8.length - utf8Offset);
    }

    /**
     * A parser over the UTF-8 body decoded with malformed bytes replaced by U+FFFD: the second try
     * when the byte parser rejected the body, since malformed bytes must not make it invalid.
     */
    public JsonParser openReplacingMalformed() throws IOException {
        if (text != null) {
            return null;
        }
        return JSON.createParser(decode(utf8, utf8Offset, StandardCharsets.UTF_8));
    }
}
