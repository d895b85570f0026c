package io.hubroute.sink.eventhubs;

import io.hubroute.sink.RoutedMessage;
import io.hubroute.sink.SinkMetrics;
import io.hubroute.sink.eventhubs.internal.EventHubsWriter;
import java.io.IOException;
import java.util.Objects;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Sinks for Event Hubs endpoints and IoT Hub's built-in {@code events} endpoint, over the Kafka
 * protocol: the Event Hubs Kafka endpoint (SASL_SSL, PLAIN, user {@code $ConnectionString}) or any
 * Kafka broker. {@link EventHubsSinkBuilder#build()} returns this sink for {@code AT_LEAST_ONCE}
 * (the default, and what Event Hubs supports), and Flink's {@link
 * org.apache.flink.connector.kafka.sink.KafkaSink} for {@code EXACTLY_ONCE}.
 *
 * <p><b>Connection.</b> A connection string's {@code Endpoint=sb://<ns>.servicebus.windows.net/}
 * becomes bootstrap {@code <ns>.servicebus.windows.net:9093}; an Endpoint with a port ({@code
 * sb://localhost:5093/}: an Event Hubs emulator, a test broker) is reached on that port. A broker
 * whose certificate the JVM does not trust needs {@code
 * setProducerProperty("ssl.truststore.location", ...)} (and {@code ssl.truststore.password}, {@code
 * ssl.truststore.type}); an emulator without TLS, {@code setProducerProperty("security.protocol",
 * "SASL_PLAINTEXT")}.
 *
 * <p>Records: key the device id (one device's messages stay in order, on one partition), value the
 * body bytes, timestamp the enqueued time, UTF-8 headers the application properties and then the
 * system properties under their Event Hubs names ({@code iothub-connection-device-id}, {@code
 * iothub-connection-module-id}, {@code iothub-connection-auth-generation-id}, {@code
 * iothub-connection-auth-method}, {@code iothub-enqueuedtime}, {@code content-type}, {@code
 * content-encoding}, {@code message-id}, {@code correlation-id}, {@code user-id}).
 *
 * <p><b>At least once</b> (this sink). Records are sent asynchronously (at most {@code maxInFlight}
 * unacknowledged per writer); before every checkpoint and at the end of input the writer waits
 * until each record written so far is acknowledged by the broker, so a completed checkpoint never
 * covers a record the endpoint does not have. After a restore, records since the last checkpoint
 * are written again with the same {@code message-id} header.
 *
 * <p><b>Order.</b> One device's records stay in order: the producer is idempotent ({@code
 * enable.idempotence=true}, {@code acks=all}, at most 5 requests in flight; overrides that would
 * break this are refused), and when a record fails while a later record of the same device is
 * acknowledged, that later record is sent again after it.
 *
 * <p><b>Failures</b> (this sink). One attempt is the Kafka producer's own work for up to the
 * delivery timeout. A failed attempt sends every unacknowledged record again, in order, on a new
 * producer, with the {@link io.hubroute.sink.RetryPolicy}'s exponential backoff; each record counts
 * its own attempts; the endpoint is reported unhealthy, then dead once a retry budget has failed
 * (gauge {@code d2c.endpoints.health}, and a log line on every change), then degraded and healthy
 * as the broker acknowledges again. After the budget, {@link
 * io.hubroute.sink.FailurePolicy#BACKPRESSURE} (the default) keeps retrying and holds the job back;
 * {@link io.hubroute.sink.FailurePolicy#DEAD_LETTER} writes a record that spent its budget to the
 * dead-letter endpoint with its own attempt count and last failure in its application properties
 * and goes on with the next, which gets attempts of its own (while the endpoint stays dead, one
 * failed attempt each). A record the endpoint can never take (over the topic's or the producer's
 * size limit, a timestamp the topic refuses, a mapping error) is never retried, under either
 * policy: it is diverted alone to the dead-letter endpoint, or else to the undeliverable sink
 * ({@link EventHubsSinkBuilder#setUndeliverableSink}), and the rest keep flowing; with neither, the
 * job fails. Authorization failures are retried as an outage is, never diverted record by record.
 * Credentials the broker refuses (a wrong SharedAccessKey or SharedAccessKeyName, the wrong
 * namespace, an untrusted certificate) fail the job at once, under either policy, with an error
 * naming the endpoint and what to check, never the key: no retry could fix them. Other errors Kafka
 * does not call retriable fail the job under BACKPRESSURE, which restarts from its last checkpoint,
 * and are dead-lettered at once under DEAD_LETTER.
 *
 * <p><b>Exactly once</b> (KafkaSink): records are written in Kafka transactions committed with the
 * checkpoint; readers with {@code isolation.level=read_committed} see each record once. The
 * producer retries for up to the delivery timeout, then the job fails and restarts from its last
 * checkpoint; failure policy, dead-lettering and the health gauge do not apply, and egress and
 * latency are counted when a record is handed to the producer. Event Hubs supports Kafka
 * transactions only in preview on Premium and Dedicated: keep AT_LEAST_ONCE there.
 *
 * <p><b>Metrics</b>, in group {@code endpoint.<name>}: {@code d2c.endpoints.egress.eventHubs} (or
 * {@code ...builtIn.events}) counting records the broker acknowledged, {@code
 * d2c.endpoints.latency.eventHubs} (ms from enqueued time to the acknowledgment), {@code
 * d2c.endpoints.health}, {@code d2c.endpoints.deadlettered}, {@code d2c.endpoints.undeliverable}.
 *
 * <pre>{@code
 * Sink<RoutedMessage> hub = EventHubsSink.builder()
 *     .setEndpointName("telemetry-hub")
 *     .setEventHubsConnectionString(System.getenv("TELEMETRY_HUB"))  // ...;EntityPath=telemetry
 *     .setFailurePolicy(FailurePolicy.DEAD_LETTER)
 *     .setDeadLetterEndpoint(DeadLetterEndpoint.of("deadletters", deadLetterSink))
 *     .build();
 * routed.sinkTo(hub).uid("sink-telemetry-hub");
 *
 * Sink<RoutedMessage> events = EventHubsSink.builtInEventsBuilder()
 *     .setEndpointName("events")
 *     .setBootstrapServers("127.0.0.1:9092")
 *     .setTopic("events")
 *     .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
 *     .setTransactionalIdPrefix("hubroute-events")
 *     .build();
 * }</pre>
 */
public final class EventHubsSink implements Sink<RoutedMessage> {
    private static final long serialVersionUID = 1L;

    private final EventHubsSinkOptions options;

    EventHubsSink(EventHubsSinkOptions options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    /** A sink for a custom Event Hubs endpoint; metrics {@code d2c.endpoints.*.eventHubs}. */
    public static EventHubsSinkBuilder builder() {
        return new EventHubsSinkBuilder(SinkMetrics.EndpointKind.EVENT_HUBS);
    }

    /**
     * A sink for the built-in {@code events} endpoint; metrics {@code
     * d2c.endpoints.*.builtIn.events}.
     */
    public static EventHubsSinkBuilder builtInEventsBuilder() {
        return new EventHubsSinkBuilder(SinkMetrics.EndpointKind.BUILT_IN_EVENTS);
    }

    public EventHubsSinkOptions options() {
        return options;
    }

    @Override
    public SinkWriter<RoutedMessage> createWriter(WriterInitContext context) throws IOException {
        return EventHubsWriter.open(options, context);
    }

    @Override
    public String toString() {
        return "EventHubsSink{" + options + "}";
    }
}
