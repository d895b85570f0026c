package io.hubroute.sink.amqp;

import io.hubroute.sink.DeadLetterEndpoint;
import io.hubroute.sink.FailurePolicy;
import io.hubroute.sink.RetryPolicy;
import io.hubroute.sink.internal.Redaction;
import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.apache.flink.api.connector.sink2.Sink;

/**
 * The settings of one {@link ServiceBusSink}, as {@link ServiceBusSinkBuilder} checked them.
 * Immutable and serializable; {@link #toString()} masks the password.
 */
public final class ServiceBusSinkOptions implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String endpointName;
    private final String amqpUri;
    private final String username;
    private final String password;
    private final boolean connectionString;
    private final String entityPath;
    private final ServiceBusEntityKind kind;
    private final RetryPolicy retryPolicy;
    private final FailurePolicy failurePolicy;
    private final DeadLetterEndpoint deadLetterEndpoint;
    private final Sink<String> undeliverableSink;
    private final int maxInFlight;
    private final long sendTimeoutMillis;

    ServiceBusSinkOptions(
            String endpointName,
            String amqpUri,
            String username,
            String password,
            boolean connectionString,
            String entityPath,
            ServiceBusEntityKind kind,
            RetryPolicy retryPolicy,
            FailurePolicy failurePolicy,
            DeadLetterEndpoint deadLetterEndpoint,
            Sink<String> undeliverableSink,
            int maxInFlight,
            Duration sendTimeout) {
        this.endpointName = Objects.requireNonNull(endpointName, "endpointName");
        this.amqpUri = Objects.requireNonNull(amqpUri, "amqpUri");
        this.username = username;
        this.password = password;
        this.connectionString = connectionString;
        this.entityPath = Objects.requireNonNull(entityPath, "entityPath");
        this.kind = Objects.requireNonNull(kind, "kind");
        this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
        this.failurePolicy = Objects.requireNonNull(failurePolicy, "failurePolicy");
        this.deadLetterEndpoint = deadLetterEndpoint;
        this.undeliverableSink = undeliverableSink;
        this.maxInFlight = maxInFlight;
        this.sendTimeoutMillis = sendTimeout.toMillis();
    }

    /** The endpoint, as the route configuration names it; metric group and logs use it. */
    public String endpointName() {
        return endpointName;
    }

    /**
     * The broker URI, such as {@code amqps://ns.servicebus.windows.net?amqp.idleTimeout=120000}.
     */
    public String amqpUri() {
        return amqpUri;
    }

    /** The SASL user name (the shared access policy name for Service Bus), if any. */
    public Optional<String> username() {
        return Optional.ofNullable(username);
    }

    /** The SASL password (the shared access key for Service Bus), if any. Never log it. */
    public Optional<String> password() {
        return Optional.ofNullable(password);
    }

    /**
     * Whether the broker and credentials come from a Service Bus connection string ({@link
     * ServiceBusSinkBuilder#setConnectionString}): user name its SharedAccessKeyName, password its
     * SharedAccessKey. False for an AMQP URI, or credentials given with {@link
     * ServiceBusSinkBuilder#setCredentials}.
     */
    public boolean usesConnectionString() {
        return connectionString;
    }

    /** The queue or topic name. */
    public String entityPath() {
        return entityPath;
    }

    public ServiceBusEntityKind kind() {
        return kind;
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
     * Where a message the endpoint can never take (too large for the entity, a mapping error, a
     * value the broker refuses) goes when there is no dead-letter endpoint: one JSON line per
     * message; empty when not set.
     */
    public Optional<Sink<String>> undeliverableSink() {
        return Optional.ofNullable(undeliverableSink);
    }

    /** Messages sent but not yet acknowledged by the broker, at most, per writer. */
    public int maxInFlight() {
        return maxInFlight;
    }

    /** How long one send may wait for the broker's acknowledgment before it counts as failed. */
    public Duration sendTimeout() {
        return Duration.ofMillis(sendTimeoutMillis);
    }

    @Override
    public String toString() {
        return "ServiceBusSinkOptions{endpointName="
                + endpointName
                + ", amqpUri="
                + Redaction.redact(amqpUri)
                + ", username="
                + username
                + ", password="
                + (password == null ? "null" : "***")
                + ", entityPath="
                + entityPath
                + ", kind="
                + kind
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
                + ", sendTimeout="
                + sendTimeoutMillis
                + "ms}";
    }
}
