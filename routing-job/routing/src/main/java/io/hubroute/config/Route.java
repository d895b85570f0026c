package io.hubroute.config;

import io.hubroute.message.RoutingSource;
import java.util.List;
import java.util.Objects;

/**
 * A route: messages of {@code source} for which {@code condition} is true go to every endpoint in
 * {@code endpointNames}.
 *
 * @param condition the condition text; empty or blank means true
 */
public record Route(
        String name,
        RoutingSource source,
        String condition,
        List<String> endpointNames,
        boolean enabled) {
    public Route {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(condition, "condition");
        endpointNames = List.copyOf(endpointNames);
    }

    /**
     * Whether the route has a condition; a blank one means true, as in IoT Hub's resource model.
     */
    public boolean hasCondition() {
        return !condition.isBlank();
    }
}
