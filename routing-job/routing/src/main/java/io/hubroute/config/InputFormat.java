package io.hubroute.config;

import java.util.Locale;
import java.util.Optional;

/** How records on the device-to-cloud stream are written. */
public enum InputFormat {
    /**
     * As the Event Hubs Kafka endpoint presents IoT Hub events: the body as the value, application
     * properties and annotations as headers (AMQP-typed or plain UTF-8).
     */
    IOTHUB("iothub"),
    /** One JSON object per record, {@code {"message": {...}}} in the {@code test-route} format. */
    JSON_ENVELOPE("json-envelope");

    private final String configName;

    InputFormat(String configName) {
        this.configName = configName;
    }

    /** The name used in job.yaml, such as {@code json-envelope}. */
    public String configName() {
        return configName;
    }

    public static Optional<InputFormat> fromConfigName(String name) {
        for (InputFormat format : values()) {
            if (format.configName.equals(name.toLowerCase(Locale.ROOT))) {
                return Optional.of(format);
            }
        }
        return Optional.empty();
    }
}
