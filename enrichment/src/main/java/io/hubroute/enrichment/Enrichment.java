package io.hubroute.enrichment;

import java.util.List;
import java.util.Objects;

/**
 * One message enrichment: for every delivery to one of {@code endpointNames}, the application
 * property {@code key} is set to the resolved {@code value}, replacing a property of the same name.
 * Enrichments never change what other endpoints receive.
 */
public record Enrichment(String key, EnrichmentValue value, List<String> endpointNames) {
    public Enrichment {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        endpointNames = List.copyOf(endpointNames);
    }
}
