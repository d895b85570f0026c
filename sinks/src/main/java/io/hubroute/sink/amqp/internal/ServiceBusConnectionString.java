package io.hubroute.sink.amqp.internal;

import java.util.Locale;
import java.util.Objects;

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
     * Parses a connection string. Errors name the missing or malformed part, never the key.
     *
     * @throws IllegalArgumentException when Endpoint, SharedAccessKeyName or SharedAccessKey is
     *     missing, or Endpoint is not an {@code sb://} URI
     */
    public static ServiceBusConnectionString parse(String connectionString) {
        Objects.requireNonNull(connectionString, "connectionString");
        String endpoint = null;
        String keyName = null;
        String key = null;
        String entityPath = null;
        for (String part : connectionString.split(";")) {
            String trimmed = part.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            int equals = trimmed.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException(
                        "Service Bus connection string has a part without 'name=value'"
                                + " (expected Endpoint=sb://...;SharedAccessKeyName=...;SharedAccessKey=...)");
            }
            String name = trimmed.substring(0, equals).trim().toLowerCase(Locale.ROOT);
            String value = trimmed.substring(equals + 1).trim();
            switch (name) {
                case "endpoint":
                    endpoint = value;
                    break;
                case "sharedaccesskeyname":
                    keyName = value;
                    break;
                case "sharedaccesskey":
                    key = value;
                    break;
                case "entitypath":
                    entityPath = value.isEmpty() ? null : value;
                    break;
                default:
                    // other settings (TransportType, UseDevelopmentEmulator, ...) do not apply here
                    break;
            }
        }
        if (endpoint == null || endpoint.isEmpty()) {
            throw new IllegalArgumentException(
                    "Service Bus connection string has no Endpoint: expected Endpoint=sb://<namespace>.servicebus.windows.net/");
        }
        if (!endpoint.toLowerCase(Locale.ROOT).startsWith("sb://")) {
            throw new IllegalArgumentException(
                    "Service Bus connection string Endpoint must start with sb://, got '"
                            + endpoint
                            + "'");
        }
        if (keyName == null || keyName.isEmpty()) {
            throw new IllegalArgumentException(
                    "Service Bus connection string has no SharedAccessKeyName: copy the whole connection string of a shared access policy");
        }
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException(
                    "Service Bus connection string has no SharedAccessKey: copy the whole connection string of a shared access policy");
        }
        String host = endpoint.substring("sb://".length());
        int slash = host.indexOf('/');
        if (slash >= 0) {
            host = host.substring(0, slash);
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException(
                    "Service Bus connection string Endpoint has no host: '" + endpoint + "'");
        }
        return new ServiceBusConnectionString(
                "amqps://" + host + URI_OPTIONS, keyName, key, entityPath);
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
