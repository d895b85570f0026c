package io.hubroute.sink.amqp.internal;

import io.hubroute.message.Message;
import io.hubroute.sink.RoutedMessage;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The id a delivery carries as its AMQP message-id, the same on every retry and after every
 * restore, so receivers (and Service Bus duplicate detection) can drop repeats: the message's own
 * {@code messageId} when it has one, otherwise {@code hubroute-} and 32 hex digits of SHA-256 over
 * the device id, the enqueued time, the source partition and the body. Two different messages of
 * one device enqueued in the same millisecond on the same partition with the same body get the same
 * id; IoT Hub never produces such a pair. Not thread-safe (one per writer).
 */
public final class DeliveryIds {
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final int ID_BYTES = 16;

    private final MessageDigest sha256;

    public DeliveryIds() {
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    public String idOf(RoutedMessage delivery) {
        Message message = delivery.message();
        String own = message.messageId().orElse(null);
        if (own != null && !own.isEmpty()) {
            return own;
        }
        sha256.reset();
        String deviceId = message.deviceId().orElse("");
        sha256.update(deviceId.getBytes(StandardCharsets.UTF_8));
        sha256.update((byte) 0);
        updateLong(delivery.enqueuedTimeMillis());
        updateLong(delivery.partition());
        sha256.update(message.body());
        byte[] digest = sha256.digest();
        char[] id = new char[9 + 2 * ID_BYTES];
        "hubroute-".getChars(0, 9, id, 0);
        for (int i = 0; i < ID_BYTES; i++) {
            id[9 + 2 * i] = HEX[(digest[i] >> 4) & 0xF];
            id[10 + 2 * i] = HEX[digest[i] & 0xF];
        }
        return new String(id);
    }

    private void updateLong(long value) {
        for (int shift = 56; shift >= 0; shift -= 8) {
            sha256.update((byte) (value >>> shift));
        }
    }
}
