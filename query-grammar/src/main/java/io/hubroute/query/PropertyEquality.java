package io.hubroute.query;

import java.util.Objects;

/**
 * A condition that is exactly {@code name = 'value'} (or {@code 'value' = name}) on an application
 * property. A router can index many such conditions by property value instead of evaluating each:
 * the condition is true when the property's value equals {@code value}, and otherwise false, or
 * undefined when the property is missing or null.
 */
public record PropertyEquality(String propertyName, String foldedPropertyName, String value) {
    public PropertyEquality {
        Objects.requireNonNull(propertyName, "propertyName");
        Objects.requireNonNull(foldedPropertyName, "foldedPropertyName");
        Objects.requireNonNull(value, "value");
    }
}
