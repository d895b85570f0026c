package io.hubroute.job.source;

import java.util.Objects;

/**
 * A record that could not be decoded: it goes to the diagnostics output, with the record as it was
 * read, and counts as invalid.
 *
 * @param reason what is wrong with it, such as {@code no device id: ...}
 * @param topic the Kafka topic it was read from
 * @param partition its partition
 * @param offset its offset
 * @param raw the record as it was read, or null when it is not known
 */
public record DecodeFailure(String reason, String topic, int partition, long offset, RawRecord raw)
        implements DecodeResult {
    public DecodeFailure {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(topic, "topic");
    }

    /** A failure whose record is not known. */
    public DecodeFailure(String reason, String topic, int partition, long offset) {
        this(reason, topic, partition, offset, null);
    }

    /** This failure with the record it is about. */
    public DecodeFailure withRaw(RawRecord record) {
        return new DecodeFailure(reason, topic, partition, offset, record);
    }

    /** One line for logs: where, and why. */
    public String describe() {
        return topic + '-' + partition + '@' + offset + ": " + reason;
    }
}
