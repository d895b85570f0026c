package io.hubroute.sink.eventhubs;

import io.hubroute.sink.SinkMetrics;

/**
 * Sinks for Event Hubs endpoints and IoT Hub's built-in {@code events} endpoint, over the Kafka
 * protocol: each builder makes a Flink {@link org.apache.flink.connector.kafka.sink.KafkaSink} that
 * talks to the Event Hubs Kafka endpoint (SASL_SSL, PLAIN, user {@code $ConnectionString}) or to
 * any Kafka broker.
 *
 * <p>Records: key the device id (one device's messages stay in order, on one partition), value the
 * body bytes, timestamp the enqueued time, UTF-8 headers the application properties and then the
 * system properties under their Event Hubs names ({@code iothub-connection-device-id}, {@code
 * iothub-connection-module-id}, {@code iothub-connection-auth-generation-id}, {@code
 * iothub-connection-auth-method}, {@code iothub-enqueuedtime}, {@code content-type}, {@code
 * content-encoding}, {@code message-id}, {@code correlation-id}, {@code user-id}).
 *
 * <p><b>Guarantees.</b> {@code AT_LEAST_ONCE} (the default): the Kafka producer is flushed before
 * every checkpoint completes, so nothing is lost; after a restore, records since the last
 * checkpoint are written again. {@code EXACTLY_ONCE}: records are written in Kafka transactions
 * committed with the checkpoint; readers with {@code isolation.level=read_committed} see each
 * record once. Event Hubs supports Kafka transactions only in preview on Premium and Dedicated:
 * keep AT_LEAST_ONCE there.
 *
 * <p><b>Failures.</b> The Kafka producer retries transient errors with exponential backoff between
 * the retry policy's initial and maximum delay, for up to {@code delivery.timeout.ms}; after that
 * the job fails and restarts from its last checkpoint, so nothing is lost (back-pressure).
 * Dead-lettering is not available for these endpoints.
 *
 * <pre>{@code
 * KafkaSink<RoutedMessage> sink = EventHubsSink.builder()
 *     .setEndpointName("telemetry-hub")
 *     .setEventHubsConnectionString(System.getenv("TELEMETRY_HUB"))  // ...;EntityPath=telemetry
 *     .build();
 * routed.sinkTo(sink).uid("sink-telemetry-hub");
 *
 * KafkaSink<RoutedMessage> events = EventHubsSink.builtInEventsBuilder()
 *     .setEndpointName("events")
 *     .setBootstrapServers("127.0.0.1:9092")
 *     .setTopic("events")
 *     .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
 *     .setTransactionalIdPrefix("hubroute-events")
 *     .build();
 * }</pre>
 */
public final class EventHubsSink {
    private EventHubsSink() {}

    /** A sink for a custom Event Hubs endpoint; metrics {@code d2c.endpoints.*.eventHubs}. */
    public static EventHubsSinkBuilder builder() {
        return new EventHubsSinkBuilder(SinkMetrics.EndpointKind.EVENT_HUBS);
    }

    /** A sink for the built-in {@code events} endpoint; metrics {@code d2c.endpoints.*.builtInEvents}. */
    public static EventHubsSinkBuilder builtInEventsBuilder() {
        return new EventHubsSinkBuilder(SinkMetrics.EndpointKind.BUILT_IN_EVENTS);
    }
}
