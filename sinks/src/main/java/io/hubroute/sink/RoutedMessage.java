package io.hubroute.sink;

import io.hubroute.message.Message;
import java.util.Objects;

/**
 * One delivery: a message on its way to one endpoint, with its application properties already
 * enriched for that endpoint. What every sink consumes; sinks know nothing of routes.
 *
 * @param endpointName the endpoint, as named in the route configuration
 * @param message the message, application properties final for this endpoint
 * @param partition the IoT Hub (source) partition the message came from; blob names use it
 * @param enqueuedTimeMillis when IoT Hub enqueued the message (epoch ms); blob names and latency
 *     metrics use it
 */
public record RoutedMessage(
        String endpointName, Message message, int partition, long enqueuedTimeMillis) {
    public RoutedMessage {
        Objects.requireNonNull(endpointName, "endpointName");
        Objects.requireNonNull(message, "message");
        if (partition < 0) {
            throw new IllegalArgumentException("partition must be >= 0, got " + partition);
        }
    }
}
