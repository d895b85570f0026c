package io.hubroute.job.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubroute.config.InputFormat;
import io.hubroute.message.Json;
import io.hubroute.message.Message;
import io.hubroute.message.MessageProperties;
import io.hubroute.message.RoutingSource;
import io.hubroute.message.SystemPropertyNames;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Decodes Kafka records of the device-to-cloud stream into {@link Message}s, the way the Event Hubs
 * Kafka endpoint presents IoT Hub events (or, with {@link InputFormat#JSON_ENVELOPE}, one {@code
 * test-route} message per record). Never throws on bad input: a record that is not a message gives
 * a {@link DecodeFailure} with the reason.
 *
 * <p>With {@link InputFormat#IOTHUB}:
 *
 * <ul>
 *   <li>the value is the body (a null value is an empty body);
 *   <li>headers named {@code message-id}, {@code user-id}, {@code to}, {@code reply-to}, {@code
 *       content-type}, {@code content-encoding}, {@code creation-time} and {@code x-opt-*} are
 *       plain UTF-8; in a record that came through AMQP (an {@code iothub-*} annotation holds an
 *       AMQP string or timestamp) every other header is an AMQP-typed value (see {@link
 *       AmqpTypedValue}), in a record a Kafka producer wrote it is plain UTF-8;
 *   <li>a header that is not what its kind says (not AMQP, not UTF-8, a time that is not one) is
 *       kept as its text, or base64, and reported to the {@link DecodeObserver}: one unusual header
 *       never costs the message; a header without a value is a property with a null value;
 *   <li>AMQP message properties and {@code iothub-*} / {@code dt-*} annotations become system
 *       properties; every other header an application property; {@code iothub-message-source} gives
 *       the routing source ({@code Telemetry} or absent: {@code DeviceMessages}) and {@code
 *       x-opt-*} annotations are only used for the enqueued time;
 *   <li>the device id is {@code iothub-connection-device-id}, else the record key; the enqueued
 *       time {@code iothub-enqueuedtime}, else {@code x-opt-enqueued-time}, else the record
 *       timestamp. A message without {@code iothub-enqueuedtime} gets one with that time.
 * </ul>
 *
 * <pre>{@code
 * IotHubRecordDecoder decoder = new IotHubRecordDecoder(InputFormat.IOTHUB);
 * DecodeResult result = decoder.decode(consumerRecord);
 * if (result instanceof DecodedRecord decoded) { ... } else { ((DecodeFailure) result).reason() ... }
 * }</pre>
 */
public final class IotHubRecordDecoder implements Serializable {
    private static final long serialVersionUID = 1L;

    static final String MESSAGE_SOURCE = "iothub-message-source";
    static final String DEVICE_ID = "iothub-connection-device-id";
    static final String MODULE_ID = "iothub-connection-module-id";
    static final String ENQUEUED_TIME = "iothub-enqueuedtime";
    static final String EVENT_HUBS_ENQUEUED_TIME = "x-opt-enqueued-time";

    private static final Set<String> PLAIN_UTF8_HEADERS =
            Set.of(
                    "message-id",
                    "user-id",
                    "to",
                    "reply-to",
                    "content-type",
                    "content-encoding",
                    "creation-time");

    /** AMQP message properties other than the plain ones: system properties, AMQP-typed. */
    private static final Set<String> TYPED_MESSAGE_PROPERTIES =
            Set.of(
                    "correlation-id",
                    "absolute-expiry-time",
                    "group-id",
                    "group-sequence",
                    "reply-to-group-id",
                    "subject");

    private static final ObjectReader MAPPER = Json.NO_DUPLICATE_KEYS;

    private final InputFormat format;

    public IotHubRecordDecoder(InputFormat format) {
        this.format = Objects.requireNonNull(format, "format");
    }

    public InputFormat format() {
        return format;
    }

    public DecodeResult decode(ConsumerRecord<byte[], byte[]> record) {
        return decode(record, DecodeObserver.NONE);
    }

    /** Decodes one record, telling {@code observer} which headers it had to read leniently. */
    public DecodeResult decode(ConsumerRecord<byte[], byte[]> record, DecodeObserver observer) {
        return decode(
                record.topic(),
                record.partition(),
                record.offset(),
                record.timestamp(),
                record.key(),
                record.value(),
                record.headers(),
                observer);
    }

    /**
     * Decodes one record given by its parts; {@code key}, {@code value} and {@code headers} may be
     * null.
     */
    public DecodeResult decode(
            String topic,
            int partition,
            long offset,
            long timestampMillis,
            byte[] key,
            byte[] value,
            Iterable<Header> headers) {
        return decode(
                topic,
                partition,
                offset,
                timestampMillis,
                key,
                value,
                headers,
                DecodeObserver.NONE);
    }

    /** As {@link #decode(String, int, long, long, byte[], byte[], Iterable)}, observed. */
    public DecodeResult decode(
            String topic,
            int partition,
            long offset,
            long timestampMillis,
            byte[] key,
            byte[] value,
            Iterable<Header> headers,
            DecodeObserver observer) {
        Objects.requireNonNull(topic, "topic");
        DecodeResult result =
                decodeOrFail(
                        topic, partition, offset, timestampMillis, key, value, headers, observer);
        if (result instanceof DecodeFailure) {
            return ((DecodeFailure) result)
                    .withRaw(RawRecord.of(timestampMillis, key, value, headers));
        }
        return result;
    }

    private DecodeResult decodeOrFail(
            String topic,
            int partition,
            long offset,
            long timestampMillis,
            byte[] key,
            byte[] value,
            Iterable<Header> headers,
            DecodeObserver observer) {
        try {
            return format == InputFormat.IOTHUB
                    ? decodeIotHub(
                            topic,
                            partition,
                            offset,
                            timestampMillis,
                            key,
                            value,
                            headers,
                            observer)
                    : decodeEnvelope(topic, partition, offset, timestampMillis, key, value);
        } catch (RuntimeException e) {
            // A bug here must not fail the job: the record is reported like any undecodable one.
            return new DecodeFailure("decoder error: " + e, topic, partition, offset);
        }
    }

    private DecodeResult decodeIotHub(
            String topic,
            int partition,
            long offset,
            long timestampMillis,
            byte[] key,
            byte[] value,
            Iterable<Header> headers,
            DecodeObserver observer) {
        List<MessageProperties.Property> system = new ArrayList<>();
        List<MessageProperties.Property> application = new ArrayList<>();
        RoutingSource source = RoutingSource.DEVICE_MESSAGES;
        String deviceId = null;
        String moduleId = null;
        long enqueuedMillis = Long.MIN_VALUE;
        long eventHubsEnqueuedMillis = Long.MIN_VALUE;
        boolean hasEnqueuedTime = false;
        boolean amqpTyped = headers != null && hasAmqpTypedAnnotation(headers);
        if (headers != null) {
            for (Header header : headers) {
                String name = header.key();
                if (name == null) {
                    return new DecodeFailure("a header has no name", topic, partition, offset);
                }
                HeaderName kind = HeaderName.of(name);
                String lowerName = kind.lowerName();
                byte[] bytes = header.value();
                String text;
                long timestamp = Long.MIN_VALUE;
                if (bytes == null) {
                    text = null; // a header without a value: the property is there, its value null
                } else if (!amqpTyped || kind.plainUtf8()) {
                    // A record a Kafka producer wrote has plain headers: one byte 'A' is the
                    // text A, not AMQP's true (0x41).
                    text = AmqpTypedValue.strictUtf8(bytes, 0, bytes.length);
                    if (text == null) {
                        text = base64(bytes);
                        observer.headerFellBack(name, "not UTF-8: kept as base64");
                    }
                } else {
                    AmqpTypedValue typed = AmqpTypedValue.decode(bytes);
                    if (typed.isValid()) {
                        text = typed.text();
                        timestamp = typed.timestampMillis();
                    } else {
                        // Not an AMQP value (a plain Kafka producer, an AMQP decimal, ...): keep
                        // the
                        // property as its text, or base64 when it is not UTF-8, and route on.
                        text = AmqpTypedValue.strictUtf8(bytes, 0, bytes.length);
                        if (text != null) {
                            observer.headerFellBack(
                                    name, typed.error() + ": kept as its UTF-8 text");
                        } else {
                            text = base64(bytes);
                            observer.headerFellBack(name, typed.error() + ": kept as base64");
                        }
                    }
                }

                if (kind.eventHubsAnnotation()) {
                    if (lowerName.equals(EVENT_HUBS_ENQUEUED_TIME) && text != null) {
                        eventHubsEnqueuedMillis = parseTimeMillis(text);
                        if (eventHubsEnqueuedMillis == Long.MIN_VALUE) {
                            observer.headerFellBack(
                                    name, "not a time: the record's timestamp is used instead");
                        }
                    }
                    continue;
                }
                if (lowerName.equals(MESSAGE_SOURCE)) {
                    RoutingSource parsed = parseSource(text);
                    if (parsed == null) {
                        return new DecodeFailure(
                                "unknown iothub-message-source '"
                                        + text
                                        + "' (expected Telemetry, twinChangeEvents, "
                                        + "deviceLifecycleEvents, deviceConnectionStateEvents or digitalTwinChangeEvents)",
                                topic,
                                partition,
                                offset);
                    }
                    source = parsed;
                    continue;
                }
                if (lowerName.equals(DEVICE_ID)) {
                    deviceId = text;
                } else if (lowerName.equals(MODULE_ID)) {
                    moduleId = text == null || text.isEmpty() ? null : text;
                } else if (lowerName.equals(ENQUEUED_TIME)) {
                    hasEnqueuedTime = true;
                    enqueuedMillis =
                            timestamp != Long.MIN_VALUE
                                    ? timestamp
                                    : text == null ? Long.MIN_VALUE : parseTimeMillis(text);
                    if (enqueuedMillis == Long.MIN_VALUE) {
                        // kept as sent; the job's event time comes from Event Hubs or the record
                        observer.headerFellBack(
                                name, "not a time: the Event Hubs enqueued time is used instead");
                    }
                }
                if (kind.system()) {
                    system.add(new MessageProperties.Property(name, text));
                } else {
                    application.add(new MessageProperties.Property(name, text));
                }
            }
        }
        if (deviceId == null || deviceId.isEmpty()) {
            deviceId = key == null ? null : AmqpTypedValue.strictUtf8(key, 0, key.length);
            if (deviceId == null || deviceId.isEmpty()) {
                return new DecodeFailure(
                        "no device id: neither an iothub-connection-device-id header nor a UTF-8 record key",
                        topic,
                        partition,
                        offset);
            }
            system.add(new MessageProperties.Property(DEVICE_ID, deviceId));
        }
        if (enqueuedMillis == Long.MIN_VALUE) {
            enqueuedMillis =
                    eventHubsEnqueuedMillis != Long.MIN_VALUE
                            ? eventHubsEnqueuedMillis
                            : timestampMillis;
        }
        if (!hasEnqueuedTime && enqueuedMillis >= 0) {
            system.add(
                    new MessageProperties.Property(
                            ENQUEUED_TIME, AmqpTypedValue.renderTimestamp(enqueuedMillis)));
        }
        Message message =
                Message.builder(source)
                        .systemProperties(MessageProperties.of(system))
                        .appProperties(MessageProperties.of(application))
                        .body(value == null ? new byte[0] : value)
                        .build();
        return new DecodedRecord(
                message, deviceId, moduleId, topic, partition, offset, Math.max(0, enqueuedMillis));
    }

    /**
     * Whether the record came through AMQP (IoT Hub routing to Event Hubs), so its headers are
     * AMQP-typed: an {@code iothub-*} annotation holds an AMQP string or timestamp. A record that a
     * Kafka producer wrote has plain UTF-8 headers instead.
     */
    private static boolean hasAmqpTypedAnnotation(Iterable<Header> headers) {
        for (Header header : headers) {
            byte[] bytes = header.value();
            if (header.key() != null
                    && header.key().regionMatches(true, 0, "iothub-", 0, 7)
                    && bytes != null
                    && bytes.length > 0) {
                int constructor = bytes[0] & 0xFF;
                if ((constructor == 0xA1 || constructor == 0xB1 || constructor == 0x83)
                        && AmqpTypedValue.decode(bytes).isValid()) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String base64(byte[] bytes) {
        return java.util.Base64.getEncoder().encodeToString(bytes);
    }

    /**
     * What a header's name says about it, worked out once per name (headers carry the same dozen
     * names on every record) instead of lower-casing and looking it up in sets per record.
     */
    private record HeaderName(
            String lowerName, boolean plainUtf8, boolean eventHubsAnnotation, boolean system) {
        private static final Map<String, HeaderName> KNOWN = new ConcurrentHashMap<>();

        /** Names kept at most: a flood of odd names cannot grow the map. */
        private static final int KEPT = 4096;

        static HeaderName of(String name) {
            HeaderName known = KNOWN.get(name);
            if (known != null) {
                return known;
            }
            String lower = name.toLowerCase(Locale.ROOT);
            boolean annotation = lower.startsWith("x-opt-");
            HeaderName made =
                    new HeaderName(
                            lower,
                            annotation || PLAIN_UTF8_HEADERS.contains(lower),
                            annotation,
                            isSystemProperty(lower));
            if (KNOWN.size() < KEPT) {
                KNOWN.put(name, made);
            }
            return made;
        }
    }

    private static boolean isSystemProperty(String lowerName) {
        return lowerName.startsWith("iothub-")
                || lowerName.startsWith("dt-")
                || PLAIN_UTF8_HEADERS.contains(lowerName)
                || TYPED_MESSAGE_PROPERTIES.contains(lowerName);
    }

    static RoutingSource parseSource(String text) {
        if (text == null || text.equalsIgnoreCase("Telemetry")) {
            return RoutingSource.DEVICE_MESSAGES;
        }
        return RoutingSource.fromName(text).orElse(null);
    }

    /** Epoch milliseconds from digits or ISO-8601 text, or {@link Long#MIN_VALUE}. */
    static long parseTimeMillis(String text) {
        String trimmed = text.trim();
        if (trimmed.isEmpty()) {
            return Long.MIN_VALUE;
        }
        boolean digits = trimmed.length() <= 18;
        for (int i = 0; i < trimmed.length() && digits; i++) {
            char c = trimmed.charAt(i);
            digits = c >= '0' && c <= '9';
        }
        if (digits) {
            return Long.parseLong(trimmed);
        }
        try {
            return Instant.parse(trimmed).toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
            return Long.MIN_VALUE;
        }
    }

    private DecodeResult decodeEnvelope(
            String topic,
            int partition,
            long offset,
            long timestampMillis,
            byte[] key,
            byte[] value) {
        if (value == null || value.length == 0) {
            return new DecodeFailure(
                    "empty record (expected a JSON envelope {\"message\": {...}})",
                    topic,
                    partition,
                    offset);
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(value);
        } catch (IOException e) {
            return new DecodeFailure(
                    "not JSON: " + firstLine(e.getMessage()), topic, partition, offset);
        }
        if (root == null || !root.isObject()) {
            return new DecodeFailure(
                    "expected a JSON object {\"message\": {...}}", topic, partition, offset);
        }
        JsonNode messageNode = root.get("message");
        if (messageNode == null || !messageNode.isObject()) {
            return new DecodeFailure(
                    "no \"message\" object in the envelope", topic, partition, offset);
        }
        JsonNode sourceNode = root.has("source") ? root.get("source") : messageNode.get("source");
        RoutingSource source = RoutingSource.DEVICE_MESSAGES;
        if (sourceNode != null && !sourceNode.isNull()) {
            source = sourceNode.isTextual() ? parseSource(sourceNode.asText()) : null;
            if (source == null) {
                return new DecodeFailure(
                        "unknown source "
                                + sourceNode
                                + " (expected one of "
                                + RoutingSource.acceptedNames()
                                + ")",
                        topic,
                        partition,
                        offset);
            }
        }
        List<MessageProperties.Property> system = new ArrayList<>();
        List<MessageProperties.Property> application = new ArrayList<>();
        String error =
                readProperties(messageNode.get("systemProperties"), "systemProperties", system);
        if (error == null) {
            error = readProperties(messageNode.get("appProperties"), "appProperties", application);
        }
        if (error != null) {
            return new DecodeFailure(error, topic, partition, offset);
        }
        JsonNode bodyNode = messageNode.get("body");
        byte[] body;
        if (bodyNode == null || bodyNode.isNull()) {
            body = new byte[0];
        } else if (bodyNode.isTextual()) {
            body = bodyNode.asText().getBytes(StandardCharsets.UTF_8);
        } else {
            body = bodyNode.toString().getBytes(StandardCharsets.UTF_8);
        }
        MessageProperties systemProperties = MessageProperties.of(system);
        Message message =
                Message.builder(source)
                        .systemProperties(systemProperties)
                        .appProperties(MessageProperties.of(application))
                        .body(body)
                        .build();
        String deviceId = message.deviceId().orElse(null);
        if (deviceId == null || deviceId.isEmpty()) {
            deviceId = key == null ? null : AmqpTypedValue.strictUtf8(key, 0, key.length);
            if (deviceId == null || deviceId.isEmpty()) {
                return new DecodeFailure(
                        "no device id: neither systemProperties.connectionDeviceId nor a UTF-8 record key",
                        topic,
                        partition,
                        offset);
            }
            system.add(new MessageProperties.Property(DEVICE_ID, deviceId));
            message =
                    Message.builder(source)
                            .systemProperties(MessageProperties.of(system))
                            .appProperties(message.appProperties())
                            .body(body)
                            .build();
        }
        String moduleId = message.moduleId().filter(id -> !id.isEmpty()).orElse(null);
        long enqueuedMillis = timestampMillis;
        String enqueuedText =
                message.systemProperty(SystemPropertyNames.ENQUEUED_TIME).orElse(null);
        if (enqueuedText != null) {
            enqueuedMillis = parseTimeMillis(enqueuedText);
            if (enqueuedMillis == Long.MIN_VALUE) {
                return new DecodeFailure(
                        "enqueued time is not a time: '" + enqueuedText + "'",
                        topic,
                        partition,
                        offset);
            }
        }
        return new DecodedRecord(
                message, deviceId, moduleId, topic, partition, offset, Math.max(0, enqueuedMillis));
    }

    private static String readProperties(
            JsonNode node, String field, List<MessageProperties.Property> into) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            return "\"" + field + "\" must be an object of strings";
        }
        Iterator<Map.Entry<String, JsonNode>> fields = ((ObjectNode) node).fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> entry = fields.next();
            JsonNode value = entry.getValue();
            if (value.isNull()) {
                into.add(new MessageProperties.Property(entry.getKey(), null));
            } else if (value.isValueNode()) {
                into.add(new MessageProperties.Property(entry.getKey(), value.asText()));
            } else {
                return "\""
                        + field
                        + "."
                        + entry.getKey()
                        + "\" must be a string, number, boolean or null";
            }
        }
        return null;
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "unreadable";
        }
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}
