package io.hubroute.demo;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Kafka records written the way the Event Hubs Kafka endpoint presents IoT Hub events: the body as
 * the value, the device id as the key, AMQP message properties as plain UTF-8 headers, IoT Hub
 * annotations and application properties as AMQP-typed headers. For the simulated fleet and tests.
 *
 * <pre>{@code
 * ProducerRecord<byte[], byte[]> record = IotHubRecords.telemetry("d2c", "device-01", "msg-1",
 *     System.currentTimeMillis(), Map.of("level", "critical"), "{\"temperature\": 31.5}");
 * }</pre>
 */
public final class IotHubRecords {
    private IotHubRecords() {}

    /** An AMQP string: str8-utf8 (0xA1) up to 255 bytes, else str32-utf8 (0xB1). */
    public static byte[] amqpString(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        if (utf8.length <= 255) {
            return ByteBuffer.allocate(2 + utf8.length)
                    .put((byte) 0xA1)
                    .put((byte) utf8.length)
                    .put(utf8)
                    .array();
        }
        return ByteBuffer.allocate(5 + utf8.length)
                .put((byte) 0xB1)
                .putInt(utf8.length)
                .put(utf8)
                .array();
    }

    /** An AMQP timestamp (0x83): milliseconds since the epoch. */
    public static byte[] amqpTimestamp(long epochMillis) {
        return ByteBuffer.allocate(9).put((byte) 0x83).putLong(epochMillis).array();
    }

    /** An AMQP long (0x81). */
    public static byte[] amqpLong(long value) {
        return ByteBuffer.allocate(9).put((byte) 0x81).putLong(value).array();
    }

    /** The headers every IoT Hub event carries: device id, auth, enqueued time, message source. */
    public static RecordHeaders systemHeaders(
            String deviceId, long enqueuedMillis, String messageSource) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("iothub-connection-device-id", amqpString(deviceId));
        headers.add(
                "iothub-connection-auth-method",
                amqpString(
                        "{\"scope\":\"device\",\"type\":\"sas\",\"issuer\":\"iothub\",\"acceptingIpFilterRule\":null}"));
        headers.add("iothub-connection-auth-generation-id", amqpString("638000000000000000"));
        headers.add("iothub-enqueuedtime", amqpTimestamp(enqueuedMillis));
        headers.add("iothub-message-source", amqpString(messageSource));
        headers.add(
                "x-opt-enqueued-time",
                Long.toString(enqueuedMillis).getBytes(StandardCharsets.UTF_8));
        return headers;
    }

    /** A device-to-cloud telemetry message with JSON body and string application properties. */
    public static ProducerRecord<byte[], byte[]> telemetry(
            String topic,
            String deviceId,
            String messageId,
            long enqueuedMillis,
            Map<String, String> appProperties,
            String jsonBody) {
        RecordHeaders headers = systemHeaders(deviceId, enqueuedMillis, "Telemetry");
        headers.add("message-id", utf8(messageId));
        headers.add("content-type", utf8("application/json"));
        headers.add("content-encoding", utf8("utf-8"));
        for (Map.Entry<String, String> property : appProperties.entrySet()) {
            headers.add(property.getKey(), amqpString(property.getValue()));
        }
        return new ProducerRecord<>(
                topic, null, enqueuedMillis, utf8(deviceId), utf8(jsonBody), headers);
    }

    /**
     * A DeviceLifecycleEvents notification; for {@code createDeviceIdentity} the body is the new
     * twin.
     */
    public static ProducerRecord<byte[], byte[]> lifecycleEvent(
            String topic,
            String hubName,
            String deviceId,
            String operation,
            long enqueuedMillis,
            String twinJson) {
        return notification(
                topic,
                hubName,
                deviceId,
                operation,
                "deviceLifecycleEvents",
                "deviceLifecycleNotification",
                enqueuedMillis,
                twinJson);
    }

    /**
     * A TwinChangeEvents notification ({@code updateTwin} or {@code replaceTwin}) with the patch as
     * body.
     */
    public static ProducerRecord<byte[], byte[]> twinChangeEvent(
            String topic,
            String hubName,
            String deviceId,
            String operation,
            long enqueuedMillis,
            String patchJson) {
        return notification(
                topic,
                hubName,
                deviceId,
                operation,
                "twinChangeEvents",
                "twinChangeNotification",
                enqueuedMillis,
                patchJson);
    }

    private static ProducerRecord<byte[], byte[]> notification(
            String topic,
            String hubName,
            String deviceId,
            String operation,
            String source,
            String schema,
            long enqueuedMillis,
            String body) {
        RecordHeaders headers = systemHeaders(deviceId, enqueuedMillis, source);
        headers.add("content-type", utf8("application/json"));
        headers.add("content-encoding", utf8("utf-8"));
        headers.add("hubName", amqpString(hubName));
        headers.add("deviceId", amqpString(deviceId));
        headers.add(
                "operationTimestamp",
                amqpString(java.time.Instant.ofEpochMilli(enqueuedMillis).toString()));
        headers.add("iothub-message-schema", amqpString(schema));
        headers.add("opType", amqpString(operation));
        return new ProducerRecord<>(
                topic, null, enqueuedMillis, utf8(deviceId), utf8(body), headers);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
