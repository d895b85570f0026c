package io.hubroute.sink.blob;

import java.util.Locale;
import java.util.Optional;

/** How a Blob Storage endpoint encodes messages, with IoT Hub's names for each. */
public enum BlobEncoding {
    /** One Avro object container file per blob, IoT Hub's {@code Message} schema, no codec. */
    AVRO("avro"),
    /** The same with the deflate codec. */
    AVRO_DEFLATE("avrodeflate"),
    /** One JSON object per line with the same four fields. */
    JSON("json");

    private final String iotHubName;

    BlobEncoding(String iotHubName) {
        this.iotHubName = iotHubName;
    }

    /**
     * The name IoT Hub's {@code encoding} setting uses: {@code avro}, {@code avrodeflate}, {@code
     * json}.
     */
    public String iotHubName() {
        return iotHubName;
    }

    /** The encoding with this IoT Hub name, in any case. */
    public static Optional<BlobEncoding> fromIotHubName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        for (BlobEncoding encoding : values()) {
            if (encoding.iotHubName.equals(wanted)) {
                return Optional.of(encoding);
            }
        }
        return Optional.empty();
    }
}
