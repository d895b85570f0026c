package io.hubroute.config;

import io.hubroute.enrichment.Enrichment;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A hub's routing, as the YAML route file (and IoT Hub's {@code properties.routing}) describes it.
 * Immutable; built by {@link RoutingConfigLoader}, which checks every rule.
 *
 * @param builtInEvents the built-in {@code events} endpoint; always present (its connection may be
 *     null when the file does not configure one)
 * @param endpoints the custom endpoints of every kind, in file order
 */
public record RoutingConfig(
        String hubName,
        Endpoint builtInEvents,
        List<Endpoint> endpoints,
        List<Route> routes,
        FallbackRoute fallbackRoute,
        List<Enrichment> enrichments) {
    public RoutingConfig {
        Objects.requireNonNull(hubName, "hubName");
        Objects.requireNonNull(builtInEvents, "builtInEvents");
        endpoints = List.copyOf(endpoints);
        routes = List.copyOf(routes);
        Objects.requireNonNull(fallbackRoute, "fallbackRoute");
        enrichments = List.copyOf(enrichments);
    }

    /** The built-in endpoint first, then the custom ones in file order. */
    public List<Endpoint> allEndpoints() {
        List<Endpoint> all = new ArrayList<>(endpoints.size() + 1);
        all.add(builtInEvents);
        all.addAll(endpoints);
        return all;
    }

    public Optional<Endpoint> endpoint(String name) {
        for (Endpoint endpoint : allEndpoints()) {
            if (endpoint.name().equals(name)) {
                return Optional.of(endpoint);
            }
        }
        return Optional.empty();
    }

    public Optional<Route> route(String name) {
        for (Route route : routes) {
            if (route.name().equals(name)) {
                return Optional.of(route);
            }
        }
        return Optional.empty();
    }
}
