package io.hubroute.replay;

import io.hubroute.message.Message;
import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

/**
 * What a replay report keeps of one message: enough to find it again.
 *
 * @param messageId the device's message id, or null when it sent none
 * @param deviceId the device that sent it
 * @param moduleId the module that sent it, or null
 * @param enqueuedTimeMillis when IoT Hub enqueued it, in epoch milliseconds (UTC)
 */
public record ReplayedMessage(
        String messageId, String deviceId, String moduleId, long enqueuedTimeMillis)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    public ReplayedMessage {
        Objects.requireNonNull(deviceId, "deviceId");
    }

    /**
     * The identity of a decoded message.
     *
     * @param timestampMillis the enqueued time to use when the message carries none (the record's
     *     or the blob entry's timestamp)
     * @throws IllegalArgumentException when the message has no device id (a decoder counts such a
     *     record as undecodable instead)
     */
    public static ReplayedMessage of(Message message, long timestampMillis) {
        String deviceId =
                message.deviceId()
                        .orElseThrow(
                                () ->
                                        new IllegalArgumentException(
                                                "the message has no connectionDeviceId: count it"
                                                        + " with ReplayTally.addUndecodable"));
        long enqueued = message.enqueuedTime().map(Instant::toEpochMilli).orElse(timestampMillis);
        return new ReplayedMessage(
                message.messageId().orElse(null),
                deviceId,
                message.moduleId().orElse(null),
                enqueued);
    }

    /** {@link #enqueuedTimeMillis()} as an instant. */
    public Instant enqueuedTime() {
        return Instant.ofEpochMilli(enqueuedTimeMillis);
    }
}
