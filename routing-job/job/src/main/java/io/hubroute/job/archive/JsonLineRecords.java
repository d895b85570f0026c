package io.hubroute.job.archive;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.hubroute.job.source.DecodeResult;
import io.hubroute.message.Json;
import io.hubroute.message.MessageProperties;
import io.hubroute.message.SystemPropertyNames;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * One line of IoT Hub's JSON encoding: {@code {"EnqueuedTimeUtc": ..., "Properties": {...},
 * "SystemProperties": {...}, "Body": ...}}. The body is read back as the writer (IoT Hub, or
 * hubroute's Blob Storage endpoint) wrote it: inline JSON when the message's {@code contentType} is
 * {@code application/json} in a UTF {@code contentEncoding} and the body parsed as JSON, else
 * base64. Inline JSON becomes the bytes of its text as written, in the content encoding.
 */
final class JsonLineRecords {
    private JsonLineRecords() {}

    /** Why a line is no record; the message is for the user. */
    static final class LineException extends Exception {
        private static final long serialVersionUID = 1L;
        private final boolean notJson;

        LineException(String message) {
            this(message, false);
        }

        LineException(String message, boolean notJson) {
            super(message);
            this.notJson = notJson;
        }

        /** Whether the line is no JSON at all (rather than JSON that is no record). */
        boolean notJson() {
            return notJson;
        }
    }

    /** The record of one line, or a failure when the line is JSON but no record. */
    static DecodeResult decode(String topic, int partition, long offset, String line)
            throws LineException {
        String enqueuedTimeUtc = null;
        List<MessageProperties.Property> system = null;
        List<MessageProperties.Property> application = null;
        JsonToken bodyToken = null;
        String bodyText = null;
        try (JsonParser parser = Json.MAPPER.createParser(line)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new LineException("not a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken token = parser.nextToken();
                switch (field) {
                    case "EnqueuedTimeUtc":
                        enqueuedTimeUtc = token == JsonToken.VALUE_NULL ? null : parser.getText();
                        parser.skipChildren();
                        break;
                    case "Properties":
                        application = properties(parser, token, field);
                        break;
                    case "SystemProperties":
                        system = properties(parser, token, field);
                        break;
                    case "Body":
                        bodyToken = token;
                        if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
                            int start = (int) parser.currentTokenLocation().getCharOffset();
                            parser.skipChildren();
                            int end = (int) parser.currentLocation().getCharOffset();
                            bodyText = line.substring(start, end);
                        } else {
                            bodyText = token == JsonToken.VALUE_NULL ? null : parser.getText();
                        }
                        break;
                    default:
                        parser.skipChildren();
                        break;
                }
            }
            if (parser.currentToken() != JsonToken.END_OBJECT) {
                throw new LineException("the object does not end");
            }
            if (parser.nextToken() != null) {
                throw new LineException("text after the object");
            }
        } catch (JsonProcessingException e) {
            throw new LineException(firstLine(e.getOriginalMessage()), true);
        } catch (IOException e) {
            throw new LineException(String.valueOf(e.getMessage()), true);
        }
        if (system == null) {
            throw new LineException("no \"SystemProperties\" object");
        }
        if (application == null) {
            application = List.of();
        }
        byte[] body = body(bodyToken, bodyText, MessageProperties.of(system));
        return StorageRecords.decode(
                topic, partition, offset, enqueuedTimeUtc, system, application, body);
    }

    private static List<MessageProperties.Property> properties(
            JsonParser parser, JsonToken token, String field) throws IOException, LineException {
        if (token == JsonToken.VALUE_NULL) {
            return List.of();
        }
        if (token != JsonToken.START_OBJECT) {
            throw new LineException("\"" + field + "\" is not an object");
        }
        List<MessageProperties.Property> properties = new ArrayList<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            if (value == JsonToken.VALUE_NULL) {
                properties.add(new MessageProperties.Property(name, null));
            } else if (value.isScalarValue()) {
                properties.add(new MessageProperties.Property(name, parser.getText()));
            } else {
                throw new LineException(
                        "\"" + field + "." + name + "\" is not a string, number, boolean or null");
            }
        }
        return properties;
    }

    private static byte[] body(JsonToken token, String text, MessageProperties system)
            throws LineException {
        if (token == null || token == JsonToken.VALUE_NULL || text == null) {
            return new byte[0];
        }
        Charset jsonCharset =
                jsonCharset(
                        system.get(SystemPropertyNames.CONTENT_TYPE),
                        system.get(SystemPropertyNames.CONTENT_ENCODING));
        if (token != JsonToken.VALUE_STRING) {
            // Inline JSON: the writer saw JSON in the content encoding.
            return text.getBytes(jsonCharset == null ? StandardCharsets.UTF_8 : jsonCharset);
        }
        byte[] decoded = base64(text);
        if (jsonCharset == null) {
            if (decoded == null) {
                throw new LineException(
                        "\"Body\" is a string but not base64, and the message's contentType is"
                                + " not application/json in UTF-8");
            }
            return decoded;
        }
        // A JSON message: the writer wrote base64 only for a body that did not parse as JSON, so
        // a string that decodes to JSON was a JSON string body written inline.
        if (decoded != null && !parsesAsJson(decoded, jsonCharset)) {
            return decoded;
        }
        try {
            return Json.MAPPER.writeValueAsString(text).getBytes(jsonCharset);
        } catch (JsonProcessingException e) {
            throw new LineException("\"Body\" cannot be written back as JSON");
        }
    }

    private static boolean parsesAsJson(byte[] bytes, Charset charset) {
        if (bytes.length == 0) {
            return false;
        }
        try {
            Json.MAPPER.readTree(new String(bytes, charset));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static byte[] base64(String text) {
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The charset of a JSON body, as the Blob Storage endpoint decides it; null when none. */
    private static Charset jsonCharset(String contentType, String contentEncoding) {
        if (contentType == null
                || contentEncoding == null
                || !contentType.trim().toLowerCase(Locale.ROOT).startsWith("application/json")) {
            return null;
        }
        switch (contentEncoding.trim().toLowerCase(Locale.ROOT)) {
            case "utf-8":
            case "utf8":
                return StandardCharsets.UTF_8;
            case "utf-16":
            case "utf16":
                return StandardCharsets.UTF_16;
            case "utf-32":
            case "utf32":
                return Charset.forName("UTF-32");
            default:
                return null;
        }
    }

    static String firstLine(String text) {
        if (text == null) {
            return "unreadable";
        }
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}
