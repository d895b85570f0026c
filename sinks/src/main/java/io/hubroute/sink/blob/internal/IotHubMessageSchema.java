package io.hubroute.sink.blob.internal;

import org.apache.avro.Schema;

/** The Avro schema IoT Hub writes Blob Storage endpoint files with. */
public final class IotHubMessageSchema {
    /** Record {@code Microsoft.Azure.Devices.Message}, IoT Hub's four fields in IoT Hub's order. */
    public static final Schema MESSAGE =
            new Schema.Parser()
                    .parse(
                            "{\"type\":\"record\",\"name\":\"Message\",\"namespace\":\"Microsoft.Azure.Devices\",\"fields\":["
                                    + "{\"name\":\"EnqueuedTimeUtc\",\"type\":\"string\"},"
                                    + "{\"name\":\"Properties\",\"type\":{\"type\":\"map\",\"values\":\"string\"}},"
                                    + "{\"name\":\"SystemProperties\",\"type\":{\"type\":\"map\",\"values\":\"string\"}},"
                                    + "{\"name\":\"Body\",\"type\":[\"null\",\"bytes\"]}]}");

    private IotHubMessageSchema() {}
}
