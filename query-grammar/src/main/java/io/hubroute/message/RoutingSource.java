package io.hubroute.message;

import java.util.Locale;
import java.util.Optional;

/**
 * The kinds of events IoT Hub routes, with their resource-model names (ARM {@code RoutingSource}).
 */
public enum RoutingSource {
    DEVICE_MESSAGES("DeviceMessages"),
    TWIN_CHANGE_EVENTS("TwinChangeEvents"),
    DEVICE_LIFECYCLE_EVENTS("DeviceLifecycleEvents"),
    DEVICE_CONNECTION_STATE_EVENTS("DeviceConnectionStateEvents"),
    DIGITAL_TWIN_CHANGE_EVENTS("DigitalTwinChangeEvents"),
    DEVICE_JOB_LIFECYCLE_EVENTS("DeviceJobLifecycleEvents");

    private final String iotHubName;

    RoutingSource(String iotHubName) {
        this.iotHubName = iotHubName;
    }

    /** The name IoT Hub uses, such as {@code DeviceMessages}. */
    public String iotHubName() {
        return iotHubName;
    }

    /** Finds a source by its IoT Hub name, in any case. */
    public static Optional<RoutingSource> fromName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        for (RoutingSource source : values()) {
            if (source.iotHubName.toLowerCase(Locale.ROOT).equals(wanted)) {
                return Optional.of(source);
            }
        }
        return Optional.empty();
    }

    /** The accepted names, for error messages. */
    public static String acceptedNames() {
        StringBuilder names = new StringBuilder();
        for (RoutingSource source : values()) {
            if (names.length() > 0) {
                names.append(", ");
            }
            names.append(source.iotHubName);
        }
        return names.toString();
    }

    @Override
    public String toString() {
        return iotHubName;
    }
}
