package io.hubroute.sink.eventhubs.internal;

import io.hubroute.sink.internal.SharedAccessConnectionString;

/**
 * An Event Hubs (or IoT Hub built-in endpoint) connection string, {@code
 * Endpoint=sb://<ns>.servicebus.windows.net/;SharedAccessKeyName=<policy>;SharedAccessKey=<key>[;EntityPath=<hub>]},
 * as Kafka settings: bootstrap {@code <ns>.servicebus.windows.net:9093} (or the Endpoint's own
 * port, {@code sb://localhost:5093/}, for an emulator or another broker), SASL_SSL with PLAIN, user
 * name {@code $ConnectionString} and the whole connection string as password. {@link #toString()}
 * never shows the key.
 */
public final class EventHubsConnectionString {
    /** The Event Hubs Kafka endpoint's port, when the Endpoint names none. */
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
     *     missing or malformed; the message names the part, never a value of the string
     */
    public static EventHubsConnectionString parse(String connectionString) {
        SharedAccessConnectionString parts =
                SharedAccessConnectionString.parse("Event Hubs", connectionString);
        return new EventHubsConnectionString(
                connectionString.trim(), parts.host(), parts.entityPath());
    }

    /**
     * {@code <ns>.servicebus.windows.net:9093}; or the Endpoint's host and port as they are when it
     * names a port ({@code sb://localhost:5093/}: an Event Hubs emulator, a test broker).
     */
    public String bootstrapServers() {
        return host.indexOf(':') >= 0 ? host : host + ":" + KAFKA_PORT;
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
