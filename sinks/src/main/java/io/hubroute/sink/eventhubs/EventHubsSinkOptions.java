package io.hubroute.sink.eventhubs;

import io.hubroute.sink.DeadLetterEndpoint;
import io.hubroute.sink.FailurePolicy;
import io.hubroute.sink.RetryPolicy;
import io.hubroute.sink.SinkMetrics;
import java.io.Serializable;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The settings of one at-least-once {@link EventHubsSink}, as {@link EventHubsSinkBuilder} checked
 * them. Immutable and serializable; {@link #toString()} shows producer property names, never their
 * values (the SASL JAAS line holds the connection string).
 */
public final class EventHubsSinkOptions implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String endpointName;
    private final SinkMetrics.EndpointKind kind;
    private final String bootstrapServers;
    private final String topic;
    private final LinkedHashMap<String, String> producerProperties;
    private final RetryPolicy retryPolicy;
    private final FailurePolicy failurePolicy;
    private final DeadLetterEndpoint deadLetterEndpoint;
    private final Sink<String> undeliverableSink;
    private final int maxInFlight;
    private final long deliveryTimeoutMillis;

    EventHubsSinkOptions(
            String endpointName,
            SinkMetrics.EndpointKind kind,
            String bootstrapServers,
            String topic,
            Map<String, String> producerProperties,
            RetryPolicy retryPolicy,
            FailurePolicy failurePolicy,
            DeadLetterEndpoint deadLetterEndpoint,
            Sink<String> undeliverableSink,
            int maxInFlight,
            Duration deliveryTimeout) {
        this.endpointName = Objects.requireNonNull(endpointName, "endpointName");
        this.kind = Objects.requireNonNull(kind, "kind");
        this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        this.topic = Objects.requireNonNull(topic, "topic");
        this.producerProperties = new LinkedHashMap<>(producerProperties);
        this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
        this.failurePolicy = Objects.requireNonNull(failurePolicy, "failurePolicy");
        this.deadLetterEndpoint = deadLetterEndpoint;
        this.undeliverableSink = undeliverableSink;
        this.maxInFlight = maxInFlight;
        this.deliveryTimeoutMillis = deliveryTimeout.toMillis();
    }

    /** The endpoint, as the route configuration names it; metric group and logs use it. */
    public String endpointName() {
        return endpointName;
    }

    /** Event Hubs or the built-in events endpoint: the {@code <kind>} of the metric names. */
    public SinkMetrics.EndpointKind kind() {
        return kind;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The event hub (Kafka topic). */
    public String topic() {
        return topic;
    }

    /**
     * A fresh copy of the Kafka producer's settings, bootstrap servers included. May hold the
     * connection string (SASL JAAS line): never log it.
     */
    public Properties producerProperties() {
        Properties properties = new Properties();
        properties.putAll(producerProperties);
        properties.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return properties;
    }

    public RetryPolicy retryPolicy() {
        return retryPolicy;
    }

    public FailurePolicy failurePolicy() {
        return failurePolicy;
    }

    /** Where messages go after the retry budget, when the failure policy is DEAD_LETTER. */
    public Optional<DeadLetterEndpoint> deadLetterEndpoint() {
        return Optional.ofNullable(deadLetterEndpoint);
    }

    /**
     * Where a record the endpoint can never take (too large for the entity, a mapping error, a
     * value the broker refuses) goes when there is no dead-letter endpoint: one JSON line per
     * record; empty when not set.
     */
    public Optional<Sink<String>> undeliverableSink() {
        return Optional.ofNullable(undeliverableSink);
    }

    /** Records sent but not yet acknowledged by the broker, at most, per writer. */
    public int maxInFlight() {
        return maxInFlight;
    }

    /**
     * How long one attempt may take (the producer's own retries and its wait for metadata or buffer
     * space included) before it counts as failed.
     */
    public Duration deliveryTimeout() {
        return Duration.ofMillis(deliveryTimeoutMillis);
    }

    @Override
    public String toString() {
        return "EventHubsSinkOptions{endpointName="
                + endpointName
                + ", kind="
                + kind.metricName()
                + ", bootstrapServers="
                + bootstrapServers
                + ", topic="
                + topic
                + ", producerProperties="
                + producerProperties.keySet()
                + ", retryPolicy="
                + retryPolicy
                + ", failurePolicy="
                + failurePolicy
                + ", deadLetterEndpoint="
                + deadLetterEndpoint
                + ", undeliverableSink="
                + (undeliverableSink == null
                        ? "none"
                        : undeliverableSink.getClass().getSimpleName())
                + ", maxInFlight="
                + maxInFlight
                + ", deliveryTimeout="
                + deliveryTimeoutMillis
                + "ms}";
    }
}
