package io.hubroute.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The device-to-cloud stream the job reads: any Kafka, or the Event Hubs Kafka endpoint of an IoT
 * Hub's built-in endpoint (or of an Event Hub it routes to).
 *
 * @param bootstrapServers {@code host:port,...}; derived from the connection string for Event Hubs
 * @param eventHubsConnectionString the Event Hubs namespace (or hub) connection string, or null for
 *     plain Kafka; never shown by {@link #toString()}
 * @param topics the topics (event hubs) to read, at least one
 * @param groupId the Kafka consumer group
 * @param startingOffsets where to start without a checkpoint
 * @param inputFormat how records are written
 * @param kafkaProperties extra Kafka consumer properties, passed as they are
 * @param kafkaSecretProperties extra Kafka consumer properties that are secrets (Kafka's
 *     password-typed settings such as {@code sasl.jaas.config}); never shown by {@link #toString()}
 */
public record SourceOptions(
        String bootstrapServers,
        Secret eventHubsConnectionString,
        List<String> topics,
        String groupId,
        StartingOffsets startingOffsets,
        InputFormat inputFormat,
        Map<String, String> kafkaProperties,
        Map<String, Secret> kafkaSecretProperties) {
    public static final String DEFAULT_GROUP_ID = "hubroute";

    /** The Event Hubs Kafka endpoint's port, when the connection string's Endpoint names none. */
    public static final int EVENT_HUBS_KAFKA_PORT = 9093;

    public SourceOptions {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        topics = List.copyOf(topics);
        Objects.requireNonNull(groupId, "groupId");
        Objects.requireNonNull(startingOffsets, "startingOffsets");
        Objects.requireNonNull(inputFormat, "inputFormat");
        kafkaProperties = Map.copyOf(kafkaProperties);
        kafkaSecretProperties = Map.copyOf(kafkaSecretProperties);
        if (eventHubsConnectionString != null && !eventHubsConnectionString.isResolved()) {
            throw new IllegalArgumentException(
                    "the Event Hubs connection string "
                            + eventHubsConnectionString
                            + " is not resolved: load job.yaml with JobConfigLoader.resolvingSecrets");
        }
        for (Map.Entry<String, Secret> property : kafkaSecretProperties.entrySet()) {
            if (!property.getValue().isResolved()) {
                throw new IllegalArgumentException(
                        property.getKey()
                                + " "
                                + property.getValue()
                                + " is not resolved: load job.yaml with JobConfigLoader.resolvingSecrets");
            }
        }
        if (topics.isEmpty()) {
            throw new IllegalArgumentException("at least one topic is needed");
        }
    }

    /** Plain Kafka at {@code bootstrapServers}, IoT Hub records, from the earliest offset. */
    public static SourceOptions kafka(String bootstrapServers, List<String> topics) {
        return new SourceOptions(
                bootstrapServers,
                null,
                topics,
                DEFAULT_GROUP_ID,
                StartingOffsets.EARLIEST,
                InputFormat.IOTHUB,
                Map.of(),
                Map.of());
    }

    public SourceOptions withInputFormat(InputFormat format) {
        return new SourceOptions(
                bootstrapServers,
                eventHubsConnectionString,
                topics,
                groupId,
                startingOffsets,
                format,
                kafkaProperties,
                kafkaSecretProperties);
    }

    public SourceOptions withGroupId(String newGroupId) {
        return new SourceOptions(
                bootstrapServers,
                eventHubsConnectionString,
                topics,
                newGroupId,
                startingOffsets,
                inputFormat,
                kafkaProperties,
                kafkaSecretProperties);
    }

    /**
     * The consumer properties: bootstrap servers, Event Hubs' SASL_SSL / PLAIN login when a
     * connection string is set, then {@link #kafkaProperties()} and {@link
     * #kafkaSecretProperties()}. Holds the secrets: do not log.
     */
    public Map<String, String> consumerProperties() {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("bootstrap.servers", bootstrapServers);
        if (eventHubsConnectionString != null) {
            properties.put("security.protocol", "SASL_SSL");
            properties.put("sasl.mechanism", "PLAIN");
            properties.put(
                    "sasl.jaas.config",
                    "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"$ConnectionString\" password=\""
                            + eventHubsConnectionString
                                    .value()
                                    .orElseThrow()
                                    .replace("\\", "\\\\")
                                    .replace("\"", "\\\"")
                            + "\";");
        }
        properties.putAll(kafkaProperties);
        for (Map.Entry<String, Secret> property : kafkaSecretProperties.entrySet()) {
            properties.put(property.getKey(), property.getValue().value().orElseThrow());
        }
        return properties;
    }

    /**
     * What connects to the source's cluster (bootstrap servers, TLS, SASL), not what consumes from
     * it: for producers, admin clients and other consumers on the same cluster (the diagnostics and
     * routes topics). Holds the secrets: do not log.
     */
    public Map<String, String> connectionProperties() {
        Map<String, String> connection = new LinkedHashMap<>();
        for (Map.Entry<String, String> property : consumerProperties().entrySet()) {
            String key = property.getKey();
            if (key.equals("bootstrap.servers")
                    || key.equals("security.protocol")
                    || key.equals("client.dns.lookup")
                    || key.startsWith("sasl.")
                    || key.startsWith("ssl.")) {
                connection.put(key, property.getValue());
            }
        }
        return connection;
    }

    /**
     * The Kafka bootstrap address of an Event Hubs connection string ({@code
     * Endpoint=sb://NAMESPACE.servicebus.windows.net/;...}): {@code
     * NAMESPACE.servicebus.windows.net:9093}, the Event Hubs Kafka endpoint's port; or, when the
     * Endpoint names a port ({@code sb://localhost:5093/}: an Event Hubs emulator, a test broker),
     * that host and port.
     */
    public static String eventHubsBootstrapServers(String connectionString) {
        String endpoint = connectionStringPart(connectionString, "Endpoint");
        if (endpoint == null) {
            throw new IllegalArgumentException(
                    "the Event Hubs connection string has no Endpoint=sb://NAMESPACE.servicebus.windows.net/ part");
        }
        String host = endpoint.replaceFirst("^[a-zA-Z]+://", "");
        int slash = host.indexOf('/');
        if (slash >= 0) {
            host = host.substring(0, slash);
        }
        String port = Integer.toString(EVENT_HUBS_KAFKA_PORT);
        int colon = host.indexOf(':');
        if (colon >= 0) {
            port = host.substring(colon + 1);
            host = host.substring(0, colon);
            if (!isPort(port)) {
                throw new IllegalArgumentException(
                        "the Event Hubs connection string's Endpoint has a port that is not a"
                                + " number from 1 to 65535: write sb://HOST:PORT/, or sb://HOST/"
                                + " for Event Hubs' own port "
                                + EVENT_HUBS_KAFKA_PORT);
            }
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException(
                    "the Event Hubs connection string's Endpoint has no host");
        }
        return host + ":" + port;
    }

    private static boolean isPort(String text) {
        if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(Character::isDigit)) {
            return false;
        }
        int port = Integer.parseInt(text);
        return port >= 1 && port <= 65535;
    }

    /** A {@code Key=value} part of a connection string (key in any case), or null. */
    public static String connectionStringPart(String connectionString, String key) {
        for (String part : connectionString.split(";")) {
            int equals = part.indexOf('=');
            if (equals > 0 && part.substring(0, equals).trim().equalsIgnoreCase(key)) {
                return part.substring(equals + 1).trim();
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "SourceOptions{bootstrapServers="
                + bootstrapServers
                + ", eventHubs="
                + (eventHubsConnectionString != null)
                + ", topics="
                + topics
                + ", groupId="
                + groupId
                + ", startingOffsets="
                + startingOffsets
                + ", inputFormat="
                + inputFormat.configName()
                + ", kafkaProperties="
                + kafkaProperties.keySet()
                + ", kafkaSecretProperties="
                + kafkaSecretProperties
                + "}";
    }
}
