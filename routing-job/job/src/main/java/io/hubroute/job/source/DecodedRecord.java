package io.hubroute.job.source;

import io.hubroute.message.Message;
import java.util.Objects;

/**
 * A device-to-cloud event decoded from the stream, with where it came from.
 *
 * @param message the message as routes see it
 * @param deviceId the device that sent it (never empty)
 * @param moduleId the module that sent it, or null for a device message
 * @param topic the Kafka topic (Event Hub) it was read from
 * @param partition the source partition
 * @param offset the offset within the partition
 * @param enqueuedTimeMillis when IoT Hub enqueued it, epoch milliseconds
 */
public record DecodedRecord(
        Message message,
        String deviceId,
        String moduleId,
        String topic,
        int partition,
        long offset,
        long enqueuedTimeMillis)
        implements DecodeResult {
    public DecodedRecord {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(topic, "topic");
        if (deviceId.isEmpty()) {
            throw new IllegalArgumentException("deviceId must not be empty");
        }
    }

    /** The key twins and ordering are kept under: the device id, or {@code device/module}. */
    public String twinKey() {
        return twinKey(deviceId, moduleId);
    }

    /** The key for a device or module: the device id, or {@code device/module}. */
    public static String twinKey(String deviceId, String moduleId) {
        return moduleId == null ? deviceId : deviceId + '/' + moduleId;
    }
}
