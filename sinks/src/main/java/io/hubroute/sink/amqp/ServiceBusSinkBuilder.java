package io.hubroute.sink.amqp;

import io.hubroute.sink.DeadLetterEndpoint;
import io.hubroute.sink.FailurePolicy;
import io.hubroute.sink.RetryPolicy;
import io.hubroute.sink.amqp.internal.ServiceBusConnectionString;
import io.hubroute.sink.internal.Redaction;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import org.apache.flink.api.connector.sink2.Sink;

/**
 * Builds a {@link ServiceBusSink}. Either {@link #setConnectionString} (Azure Service Bus) or
 * {@link #setAmqpUri} with optional {@link #setCredentials} (any AMQP 1.0 broker); the entity comes
 * from {@link #setEntityPath} or the connection string's {@code EntityPath}.
 *
 * <pre>{@code
 * // Azure Service Bus topic
 * ServiceBusSink.builder()
 *     .setEndpointName("orders")
 *     .setConnectionString("Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=...")
 *     .setEntityPath("orders")
 *     .setKind(ServiceBusEntityKind.TOPIC)
 *     .setRetryPolicy(RetryPolicy.builder().setMaxAttempts(5).build())
 *     .setFailurePolicy(FailurePolicy.DEAD_LETTER)
 *     .setDeadLetterEndpoint(DeadLetterEndpoint.of("deadletters", deadLetterSink))
 *     .build();
 *
 * // any AMQP 1.0 broker (ActiveMQ Artemis, Qpid Broker-J, ...)
 * ServiceBusSink.builder()
 *     .setEndpointName("alerts")
 *     .setAmqpUri("amqp://127.0.0.1:5672")
 *     .setEntityPath("alerts")
 *     .build();
 * }</pre>
 */
public final class ServiceBusSinkBuilder {
    private String endpointName;
    private String amqpUri;
    private String username;
    private String password;
    private boolean connectionString;
    private String connectionStringEntityPath;
    private String entityPath;
    private ServiceBusEntityKind kind = ServiceBusEntityKind.QUEUE;
    private RetryPolicy retryPolicy = RetryPolicy.defaults();
    private FailurePolicy failurePolicy = FailurePolicy.BACKPRESSURE;
    private DeadLetterEndpoint deadLetterEndpoint;
    private Sink<String> undeliverableSink;
    private int maxInFlight = 1000;
    private Duration sendTimeout = Duration.ofSeconds(60);

    ServiceBusSinkBuilder() {}

    /** The endpoint name from the route configuration; required. */
    public ServiceBusSinkBuilder setEndpointName(String endpointName) {
        Objects.requireNonNull(endpointName, "endpointName");
        if (endpointName.isBlank()) {
            throw new IllegalArgumentException("endpoint name must not be blank");
        }
        this.endpointName = endpointName;
        return this;
    }

    /**
     * An Azure Service Bus connection string of a shared access policy with Send rights: {@code
     * Endpoint=sb://<ns>.servicebus.windows.net/;SharedAccessKeyName=<policy>;SharedAccessKey=<key>}
     * and optionally {@code ;EntityPath=<queue or topic>}. Connects with {@code amqps://<ns>} and
     * SASL PLAIN. Replaces an earlier {@link #setAmqpUri} and {@link #setCredentials}.
     */
    public ServiceBusSinkBuilder setConnectionString(String connectionString) {
        ServiceBusConnectionString parsed = ServiceBusConnectionString.parse(connectionString);
        this.amqpUri = parsed.amqpUri();
        this.username = parsed.keyName();
        this.password = parsed.key();
        this.connectionString = true;
        this.connectionStringEntityPath = parsed.entityPath();
        return this;
    }

    /**
     * The URI of any AMQP 1.0 broker, {@code amqp://host:port} or {@code amqps://host:port}, with
     * optional Qpid JMS transport options ({@code ?transport.trustStoreLocation=...}). Replaces an
     * earlier connection string.
     */
    public ServiceBusSinkBuilder setAmqpUri(String amqpUri) {
        Objects.requireNonNull(amqpUri, "amqpUri");
        URI uri;
        try {
            uri = new URI(amqpUri);
        } catch (URISyntaxException e) {
            // no cause: its message quotes the whole URI, which may carry a password option
            throw new IllegalArgumentException(
                    "AMQP URI is not a valid URI: "
                            + e.getReason()
                            + (e.getIndex() >= 0 ? " at index " + e.getIndex() : "")
                            + ": expected amqp://host:port or amqps://host:port");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("amqp")
                && !scheme.equals("amqps")
                && !scheme.equals("amqpws")
                && !scheme.equals("amqpwss")) {
            throw new IllegalArgumentException(
                    "AMQP URI must start with amqp://, amqps://, amqpws:// or amqpwss://, got '"
                            + scheme
                            + "://'");
        }
        if (uri.getUserInfo() != null) {
            throw new IllegalArgumentException(
                    "AMQP URI must not carry credentials: pass them with setCredentials(username, password)");
        }
        this.amqpUri = amqpUri;
        this.username = null;
        this.password = null;
        this.connectionString = false;
        this.connectionStringEntityPath = null;
        return this;
    }

    /** SASL PLAIN user name and password for {@link #setAmqpUri}; both required. */
    public ServiceBusSinkBuilder setCredentials(String username, String password) {
        this.username = Objects.requireNonNull(username, "username");
        this.password = Objects.requireNonNull(password, "password");
        this.connectionString = false;
        return this;
    }

    /**
     * The queue or topic name. Required unless the connection string has an {@code EntityPath};
     * when both are given they must agree.
     */
    public ServiceBusSinkBuilder setEntityPath(String entityPath) {
        Objects.requireNonNull(entityPath, "entityPath");
        if (entityPath.isBlank()) {
            throw new IllegalArgumentException("entity path must not be blank");
        }
        this.entityPath = entityPath;
        return this;
    }

    /** Queue (default) or topic. */
    public ServiceBusSinkBuilder setKind(ServiceBusEntityKind kind) {
        this.kind = Objects.requireNonNull(kind, "kind");
        return this;
    }

    /** Backoff and budget for failed sends; {@link RetryPolicy#defaults()} when not set. */
    public ServiceBusSinkBuilder setRetryPolicy(RetryPolicy retryPolicy) {
        this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
        return this;
    }

    /** What happens after the retry budget: BACKPRESSURE (default) or DEAD_LETTER. */
    public ServiceBusSinkBuilder setFailurePolicy(FailurePolicy failurePolicy) {
        this.failurePolicy = Objects.requireNonNull(failurePolicy, "failurePolicy");
        return this;
    }

    /** The dead-letter endpoint, required with {@link FailurePolicy#DEAD_LETTER}. */
    public ServiceBusSinkBuilder setDeadLetterEndpoint(DeadLetterEndpoint deadLetterEndpoint) {
        this.deadLetterEndpoint = Objects.requireNonNull(deadLetterEndpoint, "deadLetterEndpoint");
        return this;
    }

    /**
     * Where a message this endpoint can never take goes: too large for the queue or topic (256 KB
     * on Service Bus Standard), a mapping error, a value the broker refuses. Retrying cannot
     * deliver such a message, so under every failure policy it is diverted alone, without retries,
     * counted in {@code d2c.endpoints.undeliverable} and logged (at most once a second), and the
     * messages behind it keep flowing. Under {@link FailurePolicy#DEAD_LETTER} the dead-letter
     * endpoint takes them; otherwise this sink does, one JSON line per message:
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
    public ServiceBusSinkBuilder setUndeliverableSink(Sink<String> undeliverableSink) {
        this.undeliverableSink = Objects.requireNonNull(undeliverableSink, "undeliverableSink");
        return this;
    }

    /** Unacknowledged sends per writer before {@code write} waits (default 1000); at least 1. */
    public ServiceBusSinkBuilder setMaxInFlight(int maxInFlight) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be >= 1, got " + maxInFlight);
        }
        this.maxInFlight = maxInFlight;
        return this;
    }

    /**
     * How long a send waits for the broker before it counts as failed (default 60 s); at least 1 s.
     */
    public ServiceBusSinkBuilder setSendTimeout(Duration sendTimeout) {
        Objects.requireNonNull(sendTimeout, "sendTimeout");
        if (sendTimeout.toMillis() < 1000) {
            throw new IllegalArgumentException(
                    "sendTimeout must be at least 1 s, got " + sendTimeout.toMillis() + " ms");
        }
        this.sendTimeout = sendTimeout;
        return this;
    }

    /**
     * @throws IllegalStateException when a required setting is missing or settings disagree
     */
    public ServiceBusSink build() {
        if (endpointName == null) {
            throw new IllegalStateException(
                    "Service Bus sink needs an endpoint name: call setEndpointName(...)");
        }
        if (amqpUri == null) {
            throw new IllegalStateException(
                    "Service Bus endpoint '"
                            + endpointName
                            + "' needs a broker: call setConnectionString(...) or setAmqpUri(...)");
        }
        String entity = entityPath != null ? entityPath : connectionStringEntityPath;
        if (entity == null) {
            throw new IllegalStateException(
                    "Service Bus endpoint '"
                            + endpointName
                            + "' needs a queue or topic: call setEntityPath(...) or put EntityPath=... in the connection string");
        }
        if (entityPath != null
                && connectionStringEntityPath != null
                && !entityPath.equals(connectionStringEntityPath)) {
            throw new IllegalStateException(
                    "Service Bus endpoint '"
                            + endpointName
                            + "': setEntityPath('"
                            + entityPath
                            + "') disagrees with the connection string's EntityPath '"
                            + connectionStringEntityPath
                            + "': drop one of them");
        }
        if (failurePolicy == FailurePolicy.DEAD_LETTER && deadLetterEndpoint == null) {
            throw new IllegalStateException(
                    "Service Bus endpoint '"
                            + endpointName
                            + "' uses DEAD_LETTER but has no dead-letter endpoint: call setDeadLetterEndpoint(...)");
        }
        if (failurePolicy == FailurePolicy.BACKPRESSURE && deadLetterEndpoint != null) {
            throw new IllegalStateException(
                    "Service Bus endpoint '"
                            + endpointName
                            + "' has a dead-letter endpoint but uses BACKPRESSURE: call setFailurePolicy(FailurePolicy.DEAD_LETTER)");
        }
        if ((username == null) != (password == null)) {
            throw new IllegalStateException(
                    "Service Bus endpoint '"
                            + endpointName
                            + "' has only half of its credentials: call setCredentials(username, password)");
        }
        return new ServiceBusSink(
                new ServiceBusSinkOptions(
                        endpointName,
                        amqpUri,
                        username,
                        password,
                        connectionString,
                        entity,
                        kind,
                        retryPolicy,
                        failurePolicy,
                        deadLetterEndpoint,
                        undeliverableSink,
                        maxInFlight,
                        sendTimeout));
    }

    @Override
    public String toString() {
        return "ServiceBusSinkBuilder{endpointName="
                + endpointName
                + ", amqpUri="
                + Redaction.redact(amqpUri)
                + ", username="
                + username
                + ", password="
                + (password == null ? "null" : "***")
                + ", entityPath="
                + (entityPath != null ? entityPath : connectionStringEntityPath)
                + ", kind="
                + kind
                + "}";
    }
}
