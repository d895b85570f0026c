package io.hubroute.sink.eventhubs.internal;

import java.util.Locale;
import java.util.Objects;

/**
 * An Event Hubs (or IoT Hub built-in endpoint) connection string, {@code
 * Endpoint=sb://<ns>.servicebus.windows.net/;SharedAccessKeyName=<policy>;SharedAccessKey=<key>[;EntityPath=<hub>]},
 * as Kafka settings: bootstrap {@code <ns>.servicebus.windows.net:9093}, SASL_SSL with PLAIN, user
 * name {@code $ConnectionString} and the whole connection string as password. {@link #toString()}
 * never shows the key.
 */
public final class EventHubsConnectionString {
    /** The Event Hubs Kafka endpoint's port. */
    public static final int KAFKA_PORT = 9093;

    private final String connectionString;
    private final String host;
    private final String entityPath;

    private EventHubsConnectionString(String connectionString, String host, String entityPath) {
        this.connectionString = connectionString;
        this.host = host;
        this.entityPath = entityPath;
    }

    /**
     * @throws IllegalArgumentException when Endpoint, SharedAccessKeyName or SharedAccessKey is
     *     missing; the message never contains the key
     */
    public static EventHubsConnectionString parse(String connectionString) {
        Objects.requireNonNull(connectionString, "connectionString");
        String endpoint = null;
        boolean hasKeyName = false;
        boolean hasKey = false;
        String entityPath = null;
        for (String part : connectionString.split(";")) {
            int equals = part.indexOf('=');
            if (equals <= 0) {
                continue;
            }
            String name = part.substring(0, equals).trim().toLowerCase(Locale.ROOT);
            String value = part.substring(equals + 1).trim();
            if (name.equals("endpoint")) {
                endpoint = value;
            } else if (name.equals("sharedaccesskeyname")) {
                hasKeyName = !value.isEmpty();
            } else if (name.equals("sharedaccesskey")) {
                hasKey = !value.isEmpty();
            } else if (name.equals("entitypath") && !value.isEmpty()) {
                entityPath = value;
            }
        }
        if (endpoint == null || !endpoint.toLowerCase(Locale.ROOT).startsWith("sb://")) {
            throw new IllegalArgumentException(
                    "Event Hubs connection string needs Endpoint=sb://<namespace>.servicebus.windows.net/");
        }
        if (!hasKeyName || !hasKey) {
            throw new IllegalArgumentException(
                    "Event Hubs connection string needs SharedAccessKeyName and SharedAccessKey:"
                            + " copy the whole connection string of a shared access policy");
        }
        String host = endpoint.substring("sb://".length());
        int slash = host.indexOf('/');
        if (slash >= 0) {
            host = host.substring(0, slash);
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("Event Hubs connection string Endpoint has no host");
        }
        return new EventHubsConnectionString(connectionString.trim(), host, entityPath);
    }

    /** {@code <ns>.servicebus.windows.net:9093}. */
    public String bootstrapServers() {
        return host + ":" + KAFKA_PORT;
    }

    /** The event hub named in the connection string, or null. */
    public String entityPath() {
        return entityPath;
    }

    /** The JAAS line for SASL PLAIN; contains the key: never log it. */
    public String jaasConfig() {
        return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"$ConnectionString\" password=\""
                + connectionString.replace("\\", "\\\\").replace("\"", "\\\"")
                + "\";";
    }

    @Override
    public String toString() {
        return "EventHubsConnectionString{bootstrap="
                + bootstrapServers()
                + ", entityPath="
                + entityPath
                + ", key=***}";
    }
}
