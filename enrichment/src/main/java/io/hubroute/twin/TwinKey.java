package io.hubroute.twin;

import io.hubroute.message.Message;
import java.util.Objects;
import java.util.Optional;

/**
 * Whose twin: a device, or a module of a device. Module twins are separate from the device twin and
 * do not inherit its tags.
 *
 * @param deviceId the device id
 * @param moduleId the module id, or null for the device twin
 */
public record TwinKey(String deviceId, String moduleId) {
    public TwinKey {
        Objects.requireNonNull(deviceId, "deviceId");
        if (deviceId.isEmpty()) {
            throw new IllegalArgumentException("a twin key needs a non-empty device id");
        }
        if (moduleId != null && moduleId.isEmpty()) {
            moduleId = null;
        }
    }

    public static TwinKey ofDevice(String deviceId) {
        return new TwinKey(deviceId, null);
    }

    public static TwinKey ofModule(String deviceId, String moduleId) {
        return new TwinKey(deviceId, Objects.requireNonNull(moduleId, "moduleId"));
    }

    /**
     * The twin a message's {@code $twin} queries and enrichments read (spec §11): the module twin
     * when the message has {@code $connectionModuleId}, else the device twin of {@code
     * $connectionDeviceId}; empty when the message names no device.
     */
    public static Optional<TwinKey> ofMessage(Message message) {
        Optional<String> device = message.deviceId();
        if (device.isEmpty() || device.get().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new TwinKey(device.get(), message.moduleId().orElse(null)));
    }

    public boolean isModule() {
        return moduleId != null;
    }

    @Override
    public String toString() {
        return moduleId == null ? deviceId : deviceId + "/" + moduleId;
    }
}
