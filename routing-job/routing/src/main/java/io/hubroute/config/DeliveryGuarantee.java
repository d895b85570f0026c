package io.hubroute.config;

import java.util.Locale;
import java.util.Optional;

/**
 * What an Event Hubs (or built-in events) endpoint promises: {@link #AT_LEAST_ONCE}, as IoT Hub
 * does, or {@link #EXACTLY_ONCE} with Kafka transactions committed with each checkpoint (readers
 * with {@code isolation.level=read_committed} see every record once). A hubroute extension of the
 * routes file ({@code deliveryGuarantee: exactlyOnce}); Event Hubs offers Kafka transactions only
 * on Premium and Dedicated.
 */
public enum DeliveryGuarantee {
    AT_LEAST_ONCE("atLeastOnce"),
    EXACTLY_ONCE("exactlyOnce");

    private final String configName;

    DeliveryGuarantee(String configName) {
        this.configName = configName;
    }

    /** As the routes file writes it. */
    public String configName() {
        return configName;
    }

    /** {@code atLeastOnce} or {@code exactlyOnce}, in any case, with or without dashes. */
    public static Optional<DeliveryGuarantee> fromConfigName(String name) {
        String folded = name.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
        for (DeliveryGuarantee guarantee : values()) {
            if (guarantee.configName.toLowerCase(Locale.ROOT).equals(folded)) {
                return Optional.of(guarantee);
            }
        }
        return Optional.empty();
    }
}
