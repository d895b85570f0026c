package io.hubroute.sink.amqp.internal;

import io.hubroute.sink.internal.SharedAccessConnectionString;

/**
 * A Service Bus connection string ({@code Endpoint=sb://<ns>.servicebus.windows.net/;
 * SharedAccessKeyName=<policy>;SharedAccessKey=<key>[;EntityPath=<entity>]}) as AMQP settings: an
 * {@code amqps://} URI and SASL PLAIN credentials (user name the policy, password the key), which
 * is how Service Bus accepts Qpid JMS. {@link #toString()} never shows the key.
 */
public final class ServiceBusConnectionString {
    /** Microsoft's recommended idle timeout for Service Bus AMQP connections. */
    private static final String URI_OPTIONS = "?amqp.idleTimeout=120000";

    private final String amqpUri;
    private final String keyName;
    private final String key;
    private final String entityPath;

    private ServiceBusConnectionString(
            String amqpUri, String keyName, String key, String entityPath) {
        this.amqpUri = amqpUri;
        this.keyName = keyName;
        this.key = key;
        this.entityPath = entityPath;
    }

    /**
     * Parses a connection string. Errors name the missing or malformed part, never a value of the
     * string.
     *
     * @throws IllegalArgumentException when Endpoint, SharedAccessKeyName or SharedAccessKey is
     *     missing or malformed
     */
    public static ServiceBusConnectionString parse(String connectionString) {
        SharedAccessConnectionString parts =
                SharedAccessConnectionString.parse("Service Bus", connectionString);
        return new ServiceBusConnectionString(
                "amqps://" + parts.host() + URI_OPTIONS,
                parts.keyName(),
                parts.key(),
                parts.entityPath());
    }

    /** {@code amqps://<host>?amqp.idleTimeout=120000}. */
    public String amqpUri() {
        return amqpUri;
    }

    /** The shared access policy name: the SASL PLAIN user name. */
    public String keyName() {
        return keyName;
    }

    /** The shared access key: the SASL PLAIN password. Never log it. */
    public String key() {
        return key;
    }

    /** The queue or topic named in the connection string, or null. */
    public String entityPath() {
        return entityPath;
    }

    @Override
    public String toString() {
        return "ServiceBusConnectionString{uri="
                + amqpUri
                + ", keyName="
                + keyName
                + ", key=***, entityPath="
                + entityPath
                + "}";
    }
}
