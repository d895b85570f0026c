package io.hubroute.sink.eventhubs;

import io.hubroute.sink.RetryPolicy;
import io.hubroute.sink.RoutedMessage;
import io.hubroute.sink.SinkMetrics;
import io.hubroute.sink.eventhubs.internal.EventHubsConnectionString;
import io.hubroute.sink.eventhubs.internal.RoutedMessageRecordSerializer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.KafkaSinkBuilder;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.SaslConfigs;

/**
 * Builds the {@link KafkaSink} of an Event Hubs or built-in events endpoint; see {@link
 * EventHubsSink} for records, guarantees and an example. Either {@link
 * #setEventHubsConnectionString} or {@link #setBootstrapServers}; the topic comes from {@link
 * #setTopic} or the connection string's {@code EntityPath}.
 */
public final class EventHubsSinkBuilder {
    /** Below Kafka's default {@code transaction.max.timeout.ms} (15 min), as KafkaSink needs. */
    private static final Duration DEFAULT_TRANSACTION_TIMEOUT = Duration.ofMinutes(10);

    private final SinkMetrics.EndpointKind kind;
    private String endpointName;
    private String bootstrapServers;
    private EventHubsConnectionString connectionString;
    private String topic;
    private DeliveryGuarantee deliveryGuarantee = DeliveryGuarantee.AT_LEAST_ONCE;
    private String transactionalIdPrefix;
    private Duration transactionTimeout = DEFAULT_TRANSACTION_TIMEOUT;
    private RetryPolicy retryPolicy = RetryPolicy.defaults();
    private Duration deliveryTimeout = Duration.ofMinutes(2);
    private final Map<String, String> producerProperties = new LinkedHashMap<>();

    EventHubsSinkBuilder(SinkMetrics.EndpointKind kind) {
        this.kind = kind;
    }

    /** The endpoint name from the route configuration; required. */
    public EventHubsSinkBuilder setEndpointName(String endpointName) {
        Objects.requireNonNull(endpointName, "endpointName");
        if (endpointName.isBlank()) {
            throw new IllegalArgumentException("endpoint name must not be blank");
        }
        this.endpointName = endpointName;
        return this;
    }

    /** Bootstrap servers of a plain Kafka broker, {@code host:port[,host:port]}; replaces a connection string. */
    public EventHubsSinkBuilder setBootstrapServers(String bootstrapServers) {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        if (bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("bootstrap servers must not be blank: give host:port");
        }
        this.bootstrapServers = bootstrapServers;
        this.connectionString = null;
        return this;
    }

    /**
     * An Event Hubs namespace or event hub connection string ({@code
     * Endpoint=sb://<ns>.servicebus.windows.net/;SharedAccessKeyName=...;SharedAccessKey=...[;EntityPath=<hub>]}),
     * or the built-in endpoint's "Event Hub-compatible endpoint": connects to {@code <ns>:9093} with
     * SASL_SSL and PLAIN. Replaces {@link #setBootstrapServers}.
     */
    public EventHubsSinkBuilder setEventHubsConnectionString(String connectionString) {
        this.connectionString = EventHubsConnectionString.parse(connectionString);
        this.bootstrapServers = null;
        return this;
    }

    /** The event hub (Kafka topic); required unless the connection string has an EntityPath. */
    public EventHubsSinkBuilder setTopic(String topic) {
        Objects.requireNonNull(topic, "topic");
        if (topic.isBlank()) {
            throw new IllegalArgumentException("topic must not be blank");
        }
        this.topic = topic;
        return this;
    }

    /** AT_LEAST_ONCE (default), EXACTLY_ONCE (needs a transactional id prefix) or NONE. */
    public EventHubsSinkBuilder setDeliveryGuarantee(DeliveryGuarantee deliveryGuarantee) {
        this.deliveryGuarantee = Objects.requireNonNull(deliveryGuarantee, "deliveryGuarantee");
        return this;
    }

    /** The prefix of the sink's Kafka transactional ids, unique per sink and job; required for EXACTLY_ONCE. */
    public EventHubsSinkBuilder setTransactionalIdPrefix(String transactionalIdPrefix) {
        Objects.requireNonNull(transactionalIdPrefix, "transactionalIdPrefix");
        if (transactionalIdPrefix.isBlank()) {
            throw new IllegalArgumentException("transactional id prefix must not be blank");
        }
        this.transactionalIdPrefix = transactionalIdPrefix;
        return this;
    }

    /**
     * Kafka's {@code transaction.timeout.ms} for EXACTLY_ONCE (default 10 min): longer than a
     * checkpoint takes, and no longer than the broker's {@code transaction.max.timeout.ms} (15 min by
     * default), or the first transaction fails.
     */
    public EventHubsSinkBuilder setTransactionTimeout(Duration transactionTimeout) {
        Objects.requireNonNull(transactionTimeout, "transactionTimeout");
        if (transactionTimeout.toMillis() < 1000) {
            throw new IllegalArgumentException("transaction timeout must be at least 1 s, got " + transactionTimeout.toMillis() + " ms");
        }
        this.transactionTimeout = transactionTimeout;
        return this;
    }

    /**
     * Backoff for transient errors: the producer's {@code retry.backoff.ms} is the initial delay and
     * {@code retry.backoff.max.ms} the maximum delay (Kafka backs off exponentially between them).
     */
    public EventHubsSinkBuilder setRetryPolicy(RetryPolicy retryPolicy) {
        this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
        return this;
    }

    /**
     * How long the producer keeps retrying one record ({@code delivery.timeout.ms}, default 2 min)
     * before the job fails and restarts from its last checkpoint.
     */
    public EventHubsSinkBuilder setDeliveryTimeout(Duration deliveryTimeout) {
        Objects.requireNonNull(deliveryTimeout, "deliveryTimeout");
        if (deliveryTimeout.toMillis() < 1000) {
            throw new IllegalArgumentException("delivery timeout must be at least 1 s, got " + deliveryTimeout.toMillis() + " ms");
        }
        this.deliveryTimeout = deliveryTimeout;
        return this;
    }

    /** Any other Kafka producer property (TLS trust store, compression, ...); applied last. */
    public EventHubsSinkBuilder setProducerProperty(String key, String value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        producerProperties.put(key, value);
        return this;
    }

    /**
     * @throws IllegalStateException when a required setting is missing or settings disagree
     */
    public KafkaSink<RoutedMessage> build() {
        if (endpointName == null) {
            throw new IllegalStateException("Event Hubs sink needs an endpoint name: call setEndpointName(...)");
        }
        if (bootstrapServers == null && connectionString == null) {
            throw new IllegalStateException(
                    "Event Hubs endpoint '"
                            + endpointName
                            + "' needs a broker: call setEventHubsConnectionString(...) or setBootstrapServers(...)");
        }
        String entityPath = connectionString == null ? null : connectionString.entityPath();
        String resolvedTopic = topic != null ? topic : entityPath;
        if (resolvedTopic == null) {
            throw new IllegalStateException(
                    "Event Hubs endpoint '"
                            + endpointName
                            + "' needs an event hub: call setTopic(...) or put EntityPath=... in the connection string");
        }
        if (topic != null && entityPath != null && !topic.equals(entityPath)) {
            throw new IllegalStateException(
                    "Event Hubs endpoint '"
                            + endpointName
                            + "': setTopic('"
                            + topic
                            + "') disagrees with the connection string's EntityPath '"
                            + entityPath
                            + "': drop one of them");
        }
        if (deliveryGuarantee == DeliveryGuarantee.EXACTLY_ONCE && transactionalIdPrefix == null) {
            throw new IllegalStateException(
                    "Event Hubs endpoint '"
                            + endpointName
                            + "': EXACTLY_ONCE needs a transactional id prefix: call setTransactionalIdPrefix(...)");
        }
        if (transactionTimeout.compareTo(deliveryTimeout) < 0 && deliveryGuarantee == DeliveryGuarantee.EXACTLY_ONCE) {
            throw new IllegalStateException(
                    "Event Hubs endpoint '"
                            + endpointName
                            + "': the transaction timeout must not be shorter than the delivery timeout: raise setTransactionTimeout(...)");
        }

        Properties properties = new Properties();
        properties.setProperty(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, Long.toString(retryPolicy.initialDelay().toMillis()));
        properties.setProperty(ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, Long.toString(retryPolicy.maxDelay().toMillis()));
        properties.setProperty(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(deliveryTimeout.toMillis()));
        properties.setProperty(
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(Math.min(30_000L, deliveryTimeout.toMillis())));
        properties.setProperty(ProducerConfig.LINGER_MS_CONFIG, "0");
        properties.setProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, Long.toString(transactionTimeout.toMillis()));
        if (connectionString != null) {
            properties.setProperty(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL");
            properties.setProperty(SaslConfigs.SASL_MECHANISM, "PLAIN");
            properties.setProperty(SaslConfigs.SASL_JAAS_CONFIG, connectionString.jaasConfig());
        }
        producerProperties.forEach(properties::setProperty);

        KafkaSinkBuilder<RoutedMessage> builder =
                KafkaSink.<RoutedMessage>builder()
                        .setBootstrapServers(connectionString != null ? connectionString.bootstrapServers() : bootstrapServers)
                        .setKafkaProducerConfig(properties)
                        .setDeliveryGuarantee(deliveryGuarantee)
                        .setRecordSerializer(new RoutedMessageRecordSerializer(resolvedTopic, endpointName, kind));
        if (transactionalIdPrefix != null) {
            builder.setTransactionalIdPrefix(transactionalIdPrefix);
        }
        return builder.build();
    }

    @Override
    public String toString() {
        return "EventHubsSinkBuilder{kind="
                + kind.metricName()
                + ", endpointName="
                + endpointName
                + ", bootstrapServers="
                + (connectionString != null ? connectionString.bootstrapServers() : bootstrapServers)
                + ", connectionString="
                + (connectionString == null ? "null" : "***")
                + ", topic="
                + topic
                + ", deliveryGuarantee="
                + deliveryGuarantee
                + "}";
    }
}
