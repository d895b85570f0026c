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
 * @param deliveryId this delivery's own id, the same every time the delivery is made again (after a
 *     restore, say): {@link #deliveryId(String, int, long, String)}; null when unknown. Service Bus
 *     and Event Hubs deliveries carry it as {@value #DELIVERY_ID_PROPERTY}, so a receiver can
 *     recognise a repeat even when devices reuse message ids
 */
public record RoutedMessage(
        String endpointName,
        Message message,
        int partition,
        long enqueuedTimeMillis,
        String deliveryId) {
    /** The application property (Service Bus) or header (Event Hubs) of the delivery id. */
    public static final String DELIVERY_ID_PROPERTY = "hubroute-delivery-id";

    public RoutedMessage {
        Objects.requireNonNull(endpointName, "endpointName");
        Objects.requireNonNull(message, "message");
        if (partition < 0) {
            throw new IllegalArgumentException("partition must be >= 0, got " + partition);
        }
    }

    /** A delivery whose source record is not known (tests, programmatic use): no delivery id. */
    public RoutedMessage(
            String endpointName, Message message, int partition, long enqueuedTimeMillis) {
        this(endpointName, message, partition, enqueuedTimeMillis, null);
    }

    /**
     * The id of the delivery of the record at {@code offset} of {@code topic}'s {@code partition}
     * to {@code endpointName}: {@code topic/partition/offset/endpoint}. Deterministic, so a
     * delivery made again after a restore has the same id; unique, since a record is delivered to
     * an endpoint at most once.
     */
    public static String deliveryId(String topic, int partition, long offset, String endpointName) {
        return topic + '/' + partition + '/' + offset + '/' + endpointName;
    }
}
