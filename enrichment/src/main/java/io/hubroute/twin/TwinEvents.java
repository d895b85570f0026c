package io.hubroute.twin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hubroute.message.Json;
import io.hubroute.message.Message;
import io.hubroute.message.RoutingSource;
import java.io.IOException;
import java.util.Optional;

/**
 * How IoT Hub's twin change and device lifecycle events change twin state. The event names its twin
 * in the application properties {@code deviceId} and {@code moduleId} (falling back to the
 * connection system properties) and its operation in {@code opType}.
 *
 * <pre>{@code
 * if (TwinEvents.changesTwin(event)) {
 *     TwinKey key = TwinEvents.keyOf(event).orElseThrow();
 *     Optional<TwinState> next = TwinEvents.apply(current, event); // empty: the identity is gone
 * }
 * }</pre>
 */
public final class TwinEvents {
    /** Application property naming the operation. */
    public static final String OPERATION_TYPE = "opType";

    public static final String UPDATE_TWIN = "updateTwin";
    public static final String REPLACE_TWIN = "replaceTwin";
    public static final String CREATE_DEVICE_IDENTITY = "createDeviceIdentity";
    public static final String DELETE_DEVICE_IDENTITY = "deleteDeviceIdentity";
    public static final String CREATE_MODULE_IDENTITY = "createModuleIdentity";
    public static final String DELETE_MODULE_IDENTITY = "deleteModuleIdentity";

    private static final ObjectMapper MAPPER = Json.MAPPER;

    private TwinEvents() {}

    /** Whose twin the event is about, or empty when it names no device. */
    public static Optional<TwinKey> keyOf(Message event) {
        String device = event.appProperties().get("deviceId");
        if (device == null || device.isEmpty()) {
            return TwinKey.ofMessage(event);
        }
        String module = event.appProperties().get("moduleId");
        return Optional.of(new TwinKey(device, module));
    }

    /** Whether the event creates, changes or deletes a twin. */
    public static boolean changesTwin(Message event) {
        return operation(event) != null;
    }

    /**
     * The twin after the event.
     *
     * @param current the twin known before the event, or null when none is known
     * @return the new state; empty when the identity was deleted, or when an update arrives for a
     *     twin that is not known (a patch alone is not a twin); {@code current} unchanged for
     *     events that do not change twins
     * @throws IllegalArgumentException when a twin-changing event's body is not a JSON object
     */
    public static Optional<TwinState> apply(TwinState current, Message event) {
        String operation = operation(event);
        if (operation == null) {
            return Optional.ofNullable(current);
        }
        switch (operation) {
            case DELETE_DEVICE_IDENTITY:
            case DELETE_MODULE_IDENTITY:
                return Optional.empty();
            case CREATE_DEVICE_IDENTITY:
            case CREATE_MODULE_IDENTITY:
                return Optional.of(TwinState.of(body(event, operation)));
            case REPLACE_TWIN:
                return Optional.of(
                        current == null
                                ? TwinState.of(body(event, operation))
                                : current.replace(body(event, operation)));
            default:
                return current == null
                        ? Optional.empty()
                        : Optional.of(current.update(body(event, operation)));
        }
    }

    private static String operation(Message event) {
        String operation = event.appProperties().get(OPERATION_TYPE);
        if (operation == null) {
            return null;
        }
        RoutingSource source = event.source();
        if (source == RoutingSource.TWIN_CHANGE_EVENTS
                && (operation.equals(UPDATE_TWIN) || operation.equals(REPLACE_TWIN))) {
            return operation;
        }
        if (source == RoutingSource.DEVICE_LIFECYCLE_EVENTS
                && (operation.equals(CREATE_DEVICE_IDENTITY)
                        || operation.equals(DELETE_DEVICE_IDENTITY)
                        || operation.equals(CREATE_MODULE_IDENTITY)
                        || operation.equals(DELETE_MODULE_IDENTITY))) {
            return operation;
        }
        return null;
    }

    private static JsonNode body(Message event, String operation) {
        JsonNode body;
        try {
            body = MAPPER.readTree(event.body());
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    operation
                            + " event for "
                            + keyOf(event).map(TwinKey::toString).orElse("an unnamed device")
                            + " has a body that is not JSON: "
                            + e.getMessage().lines().findFirst().orElse(""),
                    e);
        }
        if (body == null || !body.isObject()) {
            throw new IllegalArgumentException(
                    operation
                            + " event for "
                            + keyOf(event).map(TwinKey::toString).orElse("an unnamed device")
                            + " has a body that is not a JSON object");
        }
        return body;
    }
}
