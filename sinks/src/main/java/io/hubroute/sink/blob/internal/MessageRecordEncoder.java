package io.hubroute.sink.blob.internal;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hubroute.message.Json;
import io.hubroute.message.Message;
import io.hubroute.message.MessageProperties;
import io.hubroute.message.SystemPropertyNames;
import io.hubroute.sink.RoutedMessage;
import io.hubroute.sink.blob.BlobEncoding;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * Encodes one delivery as IoT Hub does: an Avro datum of {@link IotHubMessageSchema#MESSAGE}, or
 * one JSON line with the same four fields. Application properties with a null value are written
 * with an empty string value (Avro maps of string hold no nulls); system properties appear under
 * their storage names ({@code connectionDeviceId}, {@code enqueuedTime}, ...).
 */
final class MessageRecordEncoder {
    private static final DateTimeFormatter ENQUEUED_TIME_UTC =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSS'Z'")
                    .withZone(ZoneOffset.UTC);
    private static final ObjectMapper MAPPER = Json.MAPPER;

    private final BlobEncoding encoding;
    private final ExposedByteArrayOutputStream out = new ExposedByteArrayOutputStream(1024);
    private final JsonFactory jsonFactory = MAPPER.getFactory();
    private BinaryEncoder avroEncoder;

    MessageRecordEncoder(BlobEncoding encoding) {
        this.encoding = encoding;
    }

    /**
     * Encodes the delivery; the bytes are in {@link #buffer()} up to {@link #size()} until the next
     * call.
     */
    void encode(RoutedMessage delivery) throws IOException {
        out.reset();
        Message message = delivery.message();
        String enqueuedTimeUtc =
                ENQUEUED_TIME_UTC.format(Instant.ofEpochMilli(delivery.enqueuedTimeMillis()));
        Map<String, String> properties = message.appProperties().toMap();
        Map<String, String> systemProperties =
                storageSystemProperties(message, delivery.enqueuedTimeMillis());
        if (encoding == BlobEncoding.JSON) {
            encodeJson(message, enqueuedTimeUtc, properties, systemProperties);
        } else {
            encodeAvro(message, enqueuedTimeUtc, properties, systemProperties);
        }
    }

    byte[] buffer() {
        return out.buffer();
    }

    int size() {
        return out.size();
    }

    private void encodeAvro(
            Message message,
            String enqueuedTimeUtc,
            Map<String, String> properties,
            Map<String, String> systemProperties)
            throws IOException {
        avroEncoder = EncoderFactory.get().binaryEncoder(out, avroEncoder);
        avroEncoder.writeString(enqueuedTimeUtc);
        writeAvroMap(properties);
        writeAvroMap(systemProperties);
        avroEncoder.writeIndex(1);
        avroEncoder.writeBytes(message.body());
        avroEncoder.flush();
    }

    private void writeAvroMap(Map<String, String> map) throws IOException {
        avroEncoder.writeMapStart();
        avroEncoder.setItemCount(map.size());
        for (Map.Entry<String, String> entry : map.entrySet()) {
            avroEncoder.startItem();
            avroEncoder.writeString(entry.getKey());
            avroEncoder.writeString(entry.getValue() == null ? "" : entry.getValue());
        }
        avroEncoder.writeMapEnd();
    }

    private void encodeJson(
            Message message,
            String enqueuedTimeUtc,
            Map<String, String> properties,
            Map<String, String> systemProperties)
            throws IOException {
        try (JsonGenerator json = jsonFactory.createGenerator(out, JsonEncoding.UTF8)) {
            json.writeStartObject();
            json.writeStringField("EnqueuedTimeUtc", enqueuedTimeUtc);
            writeJsonMap(json, "Properties", properties);
            writeJsonMap(json, "SystemProperties", systemProperties);
            json.writeFieldName("Body");
            JsonNode body = jsonBody(message, systemProperties);
            if (body != null) {
                json.writeTree(body);
            } else {
                json.writeString(Base64.getEncoder().encodeToString(message.body()));
            }
            json.writeEndObject();
        }
        out.write('\n');
    }

    private static void writeJsonMap(JsonGenerator json, String field, Map<String, String> map)
            throws IOException {
        json.writeObjectFieldStart(field);
        for (Map.Entry<String, String> entry : map.entrySet()) {
            json.writeStringField(entry.getKey(), entry.getValue() == null ? "" : entry.getValue());
        }
        json.writeEndObject();
    }

    /**
     * The body as JSON when the message says it is JSON in a UTF encoding and it parses; else null.
     */
    static JsonNode jsonBody(Message message, Map<String, String> systemProperties) {
        String contentType = systemProperties.get(SystemPropertyNames.CONTENT_TYPE);
        String contentEncoding = systemProperties.get(SystemPropertyNames.CONTENT_ENCODING);
        if (contentType == null
                || contentEncoding == null
                || !contentType.trim().toLowerCase(Locale.ROOT).startsWith("application/json")) {
            return null;
        }
        Charset charset = utfCharset(contentEncoding);
        if (charset == null || message.body().length == 0) {
            return null;
        }
        try {
            return MAPPER.readTree(new String(message.body(), charset));
        } catch (IOException e) {
            return null;
        }
    }

    private static Charset utfCharset(String contentEncoding) {
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

    /**
     * System properties under their storage names, each once (the alias that wins on IoT Hub), null
     * values left out, the enqueued time always present.
     */
    static Map<String, String> storageSystemProperties(Message message, long enqueuedTimeMillis) {
        List<MessageProperties.Property> entries = message.systemProperties().entries();
        Map<String, String> result = new LinkedHashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            String canonical = SystemPropertyNames.canonicalName(entries.get(i).name());
            if (!result.containsKey(canonical)) {
                Optional<String> value = message.systemProperty(canonical);
                if (value.isPresent()) {
                    result.put(canonical, value.get());
                }
            }
        }
        if (!result.containsKey(SystemPropertyNames.ENQUEUED_TIME)) {
            result.put(
                    SystemPropertyNames.ENQUEUED_TIME,
                    ENQUEUED_TIME_UTC.format(Instant.ofEpochMilli(enqueuedTimeMillis)));
        }
        return result;
    }
}
