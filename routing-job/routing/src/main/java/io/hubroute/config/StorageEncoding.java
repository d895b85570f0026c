package io.hubroute.config;

import java.util.Locale;
import java.util.Optional;

/** How a storage endpoint writes its blobs; fixed per endpoint, as in IoT Hub. */
public enum StorageEncoding {
    AVRO("avro"),
    AVRO_DEFLATE("avrodeflate"),
    JSON("json");

    private final String configName;

    StorageEncoding(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    /**
     * Finds an encoding by its name in any case ({@code Avro}, {@code AvroDeflate}, {@code JSON}).
     */
    public static Optional<StorageEncoding> fromName(String name) {
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        for (StorageEncoding encoding : values()) {
            if (encoding.configName.equals(wanted)) {
                return Optional.of(encoding);
            }
        }
        return Optional.empty();
    }
}
