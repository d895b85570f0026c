package io.hubroute.config;

import java.util.List;
import java.util.Objects;

/**
 * Where DeviceMessages that match no route go, when enabled and its condition (blank means true)
 * holds. Other sources never fall back.
 */
public record FallbackRoute(boolean enabled, List<String> endpointNames, String condition) {
    public FallbackRoute {
        endpointNames = List.copyOf(endpointNames);
        Objects.requireNonNull(condition, "condition");
    }

    /** IoT Hub's default: enabled, to the built-in {@code events} endpoint. */
    public static FallbackRoute defaultRoute() {
        return new FallbackRoute(true, List.of(Endpoint.EVENTS), "");
    }

    public boolean hasCondition() {
        return !condition.isBlank();
    }
}
