package io.hubroute.routing;

import io.hubroute.message.Message;
import io.hubroute.message.MessageProperties;
import java.util.Objects;

/**
 * One message for one endpoint, with the endpoint's enrichments applied.
 *
 * @param endpointIndex the endpoint's position in {@link
 *     io.hubroute.config.RoutingConfig#allEndpoints()} ({@code events} is 0), so per-endpoint state
 *     can live in arrays
 */
public record Delivery(String endpointName, Message message, int endpointIndex) {
    public Delivery {
        Objects.requireNonNull(endpointName, "endpointName");
        Objects.requireNonNull(message, "message");
        if (endpointIndex < 0) {
            throw new IllegalArgumentException("endpointIndex must be >= 0, not " + endpointIndex);
        }
    }

    /** The final application properties, enrichments included. */
    public MessageProperties appProperties() {
        return message.appProperties();
    }
}
