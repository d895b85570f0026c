package io.hubroute.job.archive;

import java.util.Locale;

/**
 * How the messages of an archive are written, by the word the command line uses for it.
 *
 * <pre>{@code
 * ArchiveFormat format = ArchiveFormat.fromName("AvroDeflate"); // AVRO_DEFLATE
 * }</pre>
 */
public enum ArchiveFormat {
    /** IoT Hub's Blob Storage endpoint Avro ({@code Microsoft.Azure.Devices.Message}). */
    AVRO("avro"),
    /**
     * The same schema with the deflate codec; read by the same reader, since an Avro file names its
     * codec.
     */
    AVRO_DEFLATE("avrodeflate"),
    /** IoT Hub's Blob Storage endpoint JSON: one object per line with the same four fields. */
    JSON("json"),
    /**
     * Event Hubs Capture Avro ({@code Microsoft.ServiceBus.Messaging.EventData}), such as a capture
     * of IoT Hub's built-in endpoint.
     */
    CAPTURE("capture");

    private final String commandLineName;

    ArchiveFormat(String commandLineName) {
        this.commandLineName = commandLineName;
    }

    /** The word the command line uses: {@code avro}, {@code avrodeflate}, {@code json}, ... */
    public String commandLineName() {
        return commandLineName;
    }

    /** The valid words, for messages and completion: {@code avro, avrodeflate, json, capture}. */
    public static String commandLineNames() {
        StringBuilder names = new StringBuilder();
        for (ArchiveFormat format : values()) {
            if (names.length() > 0) {
                names.append(", ");
            }
            names.append(format.commandLineName);
        }
        return names.toString();
    }

    /**
     * The format named {@code word}, in any case.
     *
     * @throws IllegalArgumentException naming the word and the valid ones
     */
    public static ArchiveFormat fromName(String word) {
        String wanted = word == null ? "" : word.trim().toLowerCase(Locale.ROOT);
        for (ArchiveFormat format : values()) {
            if (format.commandLineName.equals(wanted)) {
                return format;
            }
        }
        throw new IllegalArgumentException(
                "unknown archive format '" + word + "': use one of " + commandLineNames());
    }

    /** Whether records are Avro container files (every format but {@link #JSON}). */
    boolean isAvro() {
        return this != JSON;
    }

    @Override
    public String toString() {
        return commandLineName;
    }
}
