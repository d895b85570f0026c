package io.hubroute.job.archive;

import io.hubroute.message.MessageProperties;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;

/** Values of generic Avro records, and a reader that keeps maps in file order. */
final class AvroValues {
    private static final byte[] NO_BYTES = new byte[0];

    private AvroValues() {}

    /**
     * A generic reader whose maps keep the order they were written in: property order decides which
     * of two names that differ only in case wins, as on the live stream.
     */
    static GenericDatumReader<GenericRecord> orderedReader() {
        return new GenericDatumReader<>() {
            @Override
            protected Object newMap(Object old, int size) {
                return new LinkedHashMap<>(Math.max(4, size * 2));
            }
        };
    }

    /** The bytes of a buffer, not moving its position. */
    static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    /** A body field: bytes, text as UTF-8, or no bytes for null. */
    static byte[] body(Object value) {
        if (value instanceof ByteBuffer) {
            return bytes((ByteBuffer) value);
        }
        if (value instanceof CharSequence) {
            return value.toString().getBytes(StandardCharsets.UTF_8);
        }
        return NO_BYTES;
    }

    /** A string field as text, or null. */
    static String text(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof ByteBuffer) {
            byte[] bytes = bytes((ByteBuffer) value);
            return Base64.getEncoder().encodeToString(bytes);
        }
        return value.toString();
    }

    /** A map field as properties in file order; values as {@link #text(Object)}. */
    static List<MessageProperties.Property> properties(Object map) {
        if (!(map instanceof Map)) {
            return List.of();
        }
        Map<?, ?> entries = (Map<?, ?>) map;
        List<MessageProperties.Property> properties = new ArrayList<>(entries.size());
        for (Map.Entry<?, ?> entry : entries.entrySet()) {
            properties.add(
                    new MessageProperties.Property(
                            String.valueOf(entry.getKey()), text(entry.getValue())));
        }
        return properties;
    }
}
