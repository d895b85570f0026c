package io.hubroute.job.source;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.header.Header;

/**
 * A Kafka record as it was read, for diagnostics: whoever looks at an undecodable record sees what
 * came, not only why it failed. A value over {@link #MAX_VALUE_BYTES} is cut there ({@link
 * #valueBytes()} keeps its size), so a poison record cannot flood the diagnostics.
 *
 * @param timestampMillis the record's timestamp
 * @param key the key, or null
 * @param value the value (cut to {@link #MAX_VALUE_BYTES}), or null
 * @param valueBytes the value's size before it was cut (-1 for no value)
 * @param headers the headers in order
 */
public record RawRecord(
        long timestampMillis, byte[] key, byte[] value, int valueBytes, List<Header> headers) {
    /** The most of a value diagnostics keep. */
    public static final int MAX_VALUE_BYTES = 1024 * 1024;

    /** One header as read; its value may be null. */
    public record Header(String name, byte[] value) {
        public Header {
            Objects.requireNonNull(name, "name");
        }
    }

    public RawRecord {
        headers = List.copyOf(headers);
    }

    /** The record's parts, the value cut to {@link #MAX_VALUE_BYTES}. */
    public static RawRecord of(
            long timestampMillis,
            byte[] key,
            byte[] value,
            Iterable<org.apache.kafka.common.header.Header> headers) {
        List<Header> copied = new ArrayList<>();
        if (headers != null) {
            for (org.apache.kafka.common.header.Header header : headers) {
                copied.add(new Header(header.key() == null ? "" : header.key(), header.value()));
            }
        }
        byte[] kept =
                value == null || value.length <= MAX_VALUE_BYTES
                        ? value
                        : Arrays.copyOf(value, MAX_VALUE_BYTES);
        return new RawRecord(timestampMillis, key, kept, value == null ? -1 : value.length, copied);
    }

    /** Whether the value was cut. */
    public boolean truncated() {
        return value != null && value.length < valueBytes;
    }
}
