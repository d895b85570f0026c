package io.hubroute.sink.eventhubs;

import io.hubroute.sink.DeadLetterEndpoint;
import io.hubroute.sink.FailurePolicy;
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
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.KafkaSinkBuilder;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.SaslConfigs;

/**
 * Builds the sink of an Event Hubs or built-in events endpoint; see {@link EventHubsSink} for
 * records, guarantees, failures and an example. Either {@link #setEventHubsConnectionString} or
 * {@link #setBootstrapServers}; the topic comes from {@link #setTopic} or the connection string's
 * {@code EntityPath}. {@link #build()} returns an {@link EventHubsSink} for AT_LEAST_ONCE (and
 * NONE, which it treats alike) and Flink's {@link KafkaSink} for EXACTLY_ONCE; the failure policy,
 * dead-letter endpoint and in-flight limit apply to the former only.
 */
public final class EventHubsSinkBuilder {
    /** Below Kafka's default {@code transaction.max.timeout.ms} (15 min), as KafkaSink needs. */
    private static final Duration DEFAULT_TRANSACTION_TIMEOUT = Duration.ofMinutes(10);

    /** The most requests in flight with which an idempotent producer keeps order (Kafka's). */
    private static final int MAX_IN_FLIGHT_REQUESTS = 5;

    /**
     * How long a producer waits to fill a batch: Kafka's own default since 4.0 (KIP-1030). At 0
     * every endpoint's producer sent batches of one to three records, and the broker spent three
     * times the CPU per record that full batches cost it; 5 ms adds at most that to a delivery.
     * {@code producerProperties} may set another.
     */
    public static final String LINGER_MS = "5";

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
    private FailurePolicy failurePolicy = FailurePolicy.BACKPRESSURE;
    private DeadLetterEndpoint deadLetterEndpoint;
    private Sink<String> undeliverableSink;
    private int maxInFlight = 1000;
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

    /**
     * Bootstrap servers of a plain Kafka broker, {@code host:port[,host:port]}; replaces a
     * connection string.
     */
    public EventHubsSinkBuilder setBootstrapServers(String bootstrapServers) {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        if (bootstrapServers.isBlank()) {
            throw new IllegalArgumentException(
                    "bootstrap servers must not be blank: give host:port");
        }
        this.bootstrapServers = bootstrapServers;
        this.connectionString = null;
        return this;
    }

    /**
     * An Event Hubs namespace or event hub connection string ({@code
     * Endpoint=sb://<ns>.servicebus.windows.net/;SharedAccessKeyName=...;SharedAccessKey=...[;EntityPath=<hub>]}),
     * or the built-in endpoint's "Event Hub-compatible endpoint": connects to {@code <ns>:9093}
     * with SASL_SSL and PLAIN; to the Endpoint's own port when it names one ({@code
     * sb://localhost:5093/}: an emulator or a test broker, whose certificate {@link
     * #setProducerProperty} can trust with {@code ssl.truststore.location}). Replaces {@link
     * #setBootstrapServers}.
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

    /**
     * The prefix of the sink's Kafka transactional ids, unique per sink and job; required for
     * EXACTLY_ONCE.
     */
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
     * checkpoint takes, and no longer than the broker's {@code transaction.max.timeout.ms} (15 min
     * by default), or the first transaction fails.
     */
    public EventHubsSinkBuilder setTransactionTimeout(Duration transactionTimeout) {
        Objects.requireNonNull(transactionTimeout, "transactionTimeout");
        if (transactionTimeout.toMillis() < 1000) {
            throw new IllegalArgumentException(
                    "transaction timeout must be at least 1 s, got "
                            + transactionTimeout.toMillis()
                            + " ms");
        }
        this.transactionTimeout = transactionTimeout;
        return this;
    }

    /**
     * Backoff and budget for failed attempts; {@link RetryPolicy#defaults()} when not set. With
     * EXACTLY_ONCE there is no budget: the producer's {@code retry.backoff.ms} is the initial delay
     * and {@code retry.backoff.max.ms} the maximum delay (Kafka backs off exponentially between
     * them).
     */
    public EventHubsSinkBuilder setRetryPolicy(RetryPolicy retryPolicy) {
        this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
        return this;
    }

    /**
     * How long one attempt may take ({@code delivery.timeout.ms} and {@code max.block.ms}, default
     * 2 min): the producer retries within it, and a record not acknowledged by then is a failed
     * attempt (AT_LEAST_ONCE: the retry and failure policies take over; EXACTLY_ONCE: the job fails
     * and restarts from its last checkpoint).
     */
    public EventHubsSinkBuilder setDeliveryTimeout(Duration deliveryTimeout) {
        Objects.requireNonNull(deliveryTimeout, "deliveryTimeout");
        if (deliveryTimeout.toMillis() < 1000) {
            throw new IllegalArgumentException(
                    "delivery timeout must be at least 1 s, got "
                            + deliveryTimeout.toMillis()
                            + " ms");
        }
        this.deliveryTimeout = deliveryTimeout;
        return this;
    }

    /**
     * What happens after the retry budget: BACKPRESSURE (default) or DEAD_LETTER; AT_LEAST_ONCE
     * only.
     */
    public EventHubsSinkBuilder setFailurePolicy(FailurePolicy failurePolicy) {
        this.failurePolicy = Objects.requireNonNull(failurePolicy, "failurePolicy");
        return this;
    }

    /** The dead-letter endpoint, required with {@link FailurePolicy#DEAD_LETTER}. */
    public EventHubsSinkBuilder setDeadLetterEndpoint(DeadLetterEndpoint deadLetterEndpoint) {
        this.deadLetterEndpoint = Objects.requireNonNull(deadLetterEndpoint, "deadLetterEndpoint");
        return this;
    }

    /**
     * Where a message this endpoint can never take goes: too large for the event hub or topic (its
     * {@code max.message.bytes}) or the producer's {@code max.request.size}, a mapping error, a
     * value the broker refuses. AT_LEAST_ONCE only. Retrying cannot deliver such a message, so
     * under every failure policy it is diverted alone, without retries, counted in {@code
     * d2c.endpoints.undeliverable} and logged (at most once a second), and the messages behind it
     * keep flowing. Under {@link FailurePolicy#DEAD_LETTER} the dead-letter endpoint takes them;
     * otherwise this sink does, one JSON line per message:
     *
     * <pre>{@code
     * {"endpoint":"alerts","reason":"<exception: redacted message>","attempts":1,"messageId":"m-1",
     *  "deviceId":"thermostat-1","deliveryId":"<topic>/<partition>/<offset>/alerts","partition":0,
     *  "enqueuedTimeMillis":1714558530123}
     * }</pre>
     *
     * <p>Not the message body: the delivery id says where to read it again. Its writer is opened
     * inside this sink's writer and flushed on every checkpoint; a committer, if the sink has one,
     * never runs, so use a sink that delivers on flush (a file sink, Flink's {@code KafkaSink} with
     * {@code AT_LEAST_ONCE}). Without it (and without a dead-letter endpoint) such a message fails
     * the job, which restarts from its last checkpoint and meets the message again. An endpoint
     * refusing every message (authentication, authorization, a missing entity) is never diverted
     * message by message: the failure policy applies.
     */
    public EventHubsSinkBuilder setUndeliverableSink(Sink<String> undeliverableSink) {
        this.undeliverableSink = Objects.requireNonNull(undeliverableSink, "undeliverableSink");
        return this;
    }

    /** Unacknowledged records per writer before {@code write} waits (default 1000); at least 1. */
    public EventHubsSinkBuilder setMaxInFlight(int maxInFlight) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be >= 1, got " + maxInFlight);
        }
        this.maxInFlight = maxInFlight;
        return this;
    }

    /**
     * Any other Kafka producer property (TLS trust store, compression, ...); applied last. The
     * producer stays idempotent, which keeps each device's records in order across the producer's
     * own retries: {@code enable.idempotence} other than {@code true}, {@code
     * max.in.flight.requests.per.connection} above 5, {@code acks} other than {@code all} and
     * {@code retries} of 0 are refused.
     */
    public EventHubsSinkBuilder setProducerProperty(String key, String value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        checkKeepsDeviceOrder(key.trim(), value.trim());
        producerProperties.put(key, value);
        return this;
    }

    private static void checkKeepsDeviceOrder(String key, String value) {
        String problem;
        if (key.equals(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG)) {
            problem = value.equalsIgnoreCase("true") ? null : "the producer must stay idempotent";
        } else if (key.equals(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION)) {
            problem =
                    isIntegerBetween(value, 1, MAX_IN_FLIGHT_REQUESTS)
                            ? null
                            : "an idempotent producer keeps order with 1 to "
                                    + MAX_IN_FLIGHT_REQUESTS
                                    + " requests in flight";
        } else if (key.equals(ProducerConfig.ACKS_CONFIG)) {
            problem =
                    value.equalsIgnoreCase("all") || value.equals("-1")
                            ? null
                            : "an idempotent producer needs acks=all";
        } else if (key.equals(ProducerConfig.RETRIES_CONFIG)) {
            problem =
                    isIntegerBetween(value, 1, Integer.MAX_VALUE)
                            ? null
                            : "an idempotent producer needs retries above 0 (the delivery timeout"
                                    + " bounds them)";
        } else {
            problem = null;
        }
        if (problem != null) {
            throw new IllegalArgumentException(
                    "setProducerProperty(\""
                            + key
                            + "\", \""
                            + value
                            + "\") would let one device's records change order after a retry: "
                            + problem
                            + "; drop this setting (the sink sets enable.idempotence=true,"
                            + " acks=all, max.in.flight.requests.per.connection="
                            + MAX_IN_FLIGHT_REQUESTS
                            + ")");
        }
    }

    /**
     * A request may take the delivery timeout less the linger (Kafka refuses a delivery timeout
     * shorter than the two), at most 30 s.
     */
    private static long requestTimeoutMillis(long deliveryMillis) {
        return Math.max(1, Math.min(30_000L, deliveryMillis - Long.parseLong(LINGER_MS)));
    }

    private static boolean isIntegerBetween(String value, int min, int max) {
        try {
            int number = Integer.parseInt(value);
            return number >= min && number <= max;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Properties that keep each device's records in order: an idempotent producer. */
    private static void putIdempotence(Map<String, String> properties) {
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
                Integer.toString(MAX_IN_FLIGHT_REQUESTS));
    }

    /**
     * @throws IllegalStateException when a required setting is missing or settings disagree
     */
    public Sink<RoutedMessage> build() {
        if (endpointName == null) {
            throw new IllegalStateException(
                    "Event Hubs sink needs an endpoint name: call setEndpointName(...)");
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
        if (transactionTimeout.compareTo(deliveryTimeout) < 0
                && deliveryGuarantee == DeliveryGuarantee.EXACTLY_ONCE) {
            throw new IllegalStateException(
                    "Event Hubs endpoint '"
                            + endpointName
                            + "': the transaction timeout must not be shorter than the delivery timeout: raise setTransactionTimeout(...)");
        }

        if (failurePolicy == FailurePolicy.DEAD_LETTER && deadLetterEndpoint == null) {
            throw new IllegalStateException(
                    "Event Hubs endpoint '"
                            + endpointName
                            + "' uses DEAD_LETTER but has no dead-letter endpoint: call setDeadLetterEndpoint(...)");
        }
        if (failurePolicy == FailurePolicy.BACKPRESSURE && deadLetterEndpoint != null) {
            throw new IllegalStateException(
                    "Event Hubs endpoint '"
                            + endpointName
                            + "' has a dead-letter endpoint but uses BACKPRESSURE: call setFailurePolicy(FailurePolicy.DEAD_LETTER)");
        }
        if (deliveryGuarantee == DeliveryGuarantee.EXACTLY_ONCE
                && failurePolicy == FailurePolicy.DEAD_LETTER) {
            throw new IllegalStateException(
                    "Event Hubs endpoint '"
                            + endpointName
                            + "': DEAD_LETTER applies to AT_LEAST_ONCE only (EXACTLY_ONCE fails the job and restarts it"
                            + " from its last checkpoint): drop the dead-letter endpoint or use AT_LEAST_ONCE");
        }
        if (deliveryGuarantee == DeliveryGuarantee.EXACTLY_ONCE && undeliverableSink != null) {
            throw new IllegalStateException(
                    "Event Hubs endpoint '"
                            + endpointName
                            + "': setUndeliverableSink applies to AT_LEAST_ONCE only (EXACTLY_ONCE"
                            + " fails the job on a record the broker refuses): drop the undeliverable"
                            + " sink or use AT_LEAST_ONCE");
        }
        String servers =
                connectionString != null ? connectionString.bootstrapServers() : bootstrapServers;
        if (deliveryGuarantee != DeliveryGuarantee.EXACTLY_ONCE) {
            return new EventHubsSink(
                    new EventHubsSinkOptions(
                            endpointName,
                            kind,
                            servers,
                            resolvedTopic,
                            atLeastOnceProperties(),
                            retryPolicy,
                            failurePolicy,
                            deadLetterEndpoint,
                            undeliverableSink,
                            maxInFlight,
                            deliveryTimeout));
        }

        Properties properties = new Properties();
        properties.setProperty(
                ProducerConfig.RETRY_BACKOFF_MS_CONFIG,
                Long.toString(retryPolicy.initialDelay().toMillis()));
        properties.setProperty(
                ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG,
                Long.toString(retryPolicy.maxDelay().toMillis()));
        properties.setProperty(
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                Long.toString(deliveryTimeout.toMillis()));
        properties.setProperty(
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                Long.toString(requestTimeoutMillis(deliveryTimeout.toMillis())));
        properties.setProperty(ProducerConfig.LINGER_MS_CONFIG, LINGER_MS);
        Map<String, String> idempotence = new LinkedHashMap<>();
        putIdempotence(idempotence);
        idempotence.forEach(properties::setProperty);
        properties.setProperty(
                ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                Long.toString(transactionTimeout.toMillis()));
        if (connectionString != null) {
            properties.setProperty(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL");
            properties.setProperty(SaslConfigs.SASL_MECHANISM, "PLAIN");
            properties.setProperty(SaslConfigs.SASL_JAAS_CONFIG, connectionString.jaasConfig());
        }
        producerProperties.forEach(properties::setProperty);

        KafkaSinkBuilder<RoutedMessage> builder =
                KafkaSink.<RoutedMessage>builder()
                        .setBootstrapServers(servers)
                        .setKafkaProducerConfig(properties)
                        .setDeliveryGuarantee(deliveryGuarantee)
                        .setRecordSerializer(
                                new RoutedMessageRecordSerializer(
                                        resolvedTopic, endpointName, kind));
        if (transactionalIdPrefix != null) {
            builder.setTransactionalIdPrefix(transactionalIdPrefix);
        }
        return builder.build();
    }

    /**
     * The producer settings of an at-least-once writer: the retry policy paces hubroute's attempts,
     * so the producer keeps Kafka's own short backoff within one attempt.
     */
    private Map<String, String> atLeastOnceProperties() {
        Map<String, String> properties = new LinkedHashMap<>();
        long deliveryMillis = deliveryTimeout.toMillis();
        properties.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(deliveryMillis));
        properties.put(
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                Long.toString(requestTimeoutMillis(deliveryMillis)));
        // waiting for metadata or buffer space is part of the attempt, and bounded like it
        properties.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(deliveryMillis));
        properties.put(ProducerConfig.LINGER_MS_CONFIG, LINGER_MS);
        // a record acknowledged after an earlier one of its device failed would invert their order
        putIdempotence(properties);
        if (connectionString != null) {
            properties.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL");
            properties.put(SaslConfigs.SASL_MECHANISM, "PLAIN");
            properties.put(SaslConfigs.SASL_JAAS_CONFIG, connectionString.jaasConfig());
        }
        properties.putAll(producerProperties);
        return properties;
    }

    @Override
    public String toString() {
        return "EventHubsSinkBuilder{kind="
                + kind.metricName()
                + ", endpointName="
                + endpointName
                + ", bootstrapServers="
                + (connectionString != null
                        ? connectionString.bootstrapServers()
                        : bootstrapServers)
                + ", connectionString="
                + (connectionString == null ? "null" : "***")
                + ", topic="
                + topic
                + ", deliveryGuarantee="
                + deliveryGuarantee
                + ", failurePolicy="
                + failurePolicy
                + "}";
    }
}
