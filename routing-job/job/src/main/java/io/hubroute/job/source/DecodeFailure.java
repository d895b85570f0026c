package io.hubroute.job.source;

import java.util.Objects;

/**
 * A record that could not be decoded: it goes to the diagnostics output and counts as invalid.
 *
 * @param reason what is wrong with it, such as {@code header 'level': AMQP str8 of 9 bytes declares
 *     12}
 * @param topic the Kafka topic it was read from
 * @param partition its partition
 * @param offset its offset
 */
public record DecodeFailure(String reason, String topic, int partition, long offset)
        implements DecodeResult {
    public DecodeFailure {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(topic, "topic");
    }

    /** One line for logs and the diagnostics output. */
    public String describe() {
        return topic + '-' + partition + '@' + offset + ": " + reason;
    }
}
