package io.hubroute.job;

import io.hubroute.config.Endpoint;
import io.hubroute.config.EndpointKind;
import io.hubroute.config.RoutingConfig;
import io.hubroute.config.Secret;
import io.hubroute.config.StorageSettings;
import io.hubroute.sink.RoutedMessage;
import io.hubroute.sink.amqp.ServiceBusEntityKind;
import io.hubroute.sink.amqp.ServiceBusSink;
import io.hubroute.sink.amqp.ServiceBusSinkBuilder;
import io.hubroute.sink.blob.BlobEncoding;
import io.hubroute.sink.blob.BlobStorageSink;
import io.hubroute.sink.blob.BlobStorageSinkBuilder;
import io.hubroute.sink.eventhubs.EventHubsSink;
import io.hubroute.sink.eventhubs.EventHubsSinkBuilder;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.api.connector.sink2.Sink;

/**
 * Builds the real sink of every endpoint of a routes file, from its (resolved) connection string:
 *
 * <ul>
 *   <li>{@code storageContainers}: {@link BlobStorageSink}. An account connection string, or an
 *       {@code https://} SAS URL; without a connection string, {@code endpointUri} with {@code
 *       DefaultAzureCredential}; or a Flink file-system URI ({@code file:///data/archive}, {@code
 *       s3://bucket/prefix}, {@code abfss://...}, {@code hdfs://...}): the same files, written
 *       through Flink's file systems into the folder {@code <uri>/<containerName>}. Container,
 *       encoding, file name format, batch frequency, chunk size and the hub name come from the
 *       routes file.
 *   <li>{@code serviceBusQueues} / {@code serviceBusTopics}: {@link ServiceBusSink}. A Service Bus
 *       connection string, or the URI of any AMQP 1.0 broker, {@code amqp://host:port} or {@code
 *       amqps://[user:password@]host:port}; the queue or topic is {@code entityPath} (or the
 *       connection string's {@code EntityPath}).
 *   <li>{@code eventHubs} and the built-in {@code events} endpoint: {@link EventHubsSink} (at least
 *       once). An Event Hubs connection string, or plain Kafka written {@code
 *       kafka://host:port[,host:port]} with the topic in {@code entityPath}.
 * </ul>
 *
 * <pre>{@code
 * RoutingConfig routing = RoutingConfigLoader.resolvingSecrets(SecretLookup.system())
 *     .load(Path.of("routes.yaml")).orThrow();
 * RoutingJob.Builder job = RoutingJob.builder().setJobConfig(config).setRouterFactory(factory);
 * EndpointSinks.forAllEndpoints(routing).forEach(job::addEndpointSink);
 * }</pre>
 *
 * <p>Errors name the endpoint and the fix, never a connection string's value; {@link
 * #describe(Endpoint)} tells where an endpoint writes without its secrets.
 */
public final class EndpointSinks {
    /**
     * The scheme that marks a plain Kafka cluster in an Event Hubs or built-in endpoint's
     * connection string.
     */
    public static final String KAFKA_SCHEME = "kafka://";

    private EndpointSinks() {}

    /** A sink for every endpoint, the built-in {@code events} endpoint first, by endpoint name. */
    public static Map<String, Sink<RoutedMessage>> forAllEndpoints(RoutingConfig routing) {
        return forAllEndpoints(routing, endpoint -> null);
    }

    /**
     * A sink for every endpoint; a Service Bus or at-least-once Event Hubs endpoint sends a message
     * it can never take (too large for the entity, say) to {@code undeliverable}'s sink for that
     * endpoint, one JSON line each, instead of failing the job.
     *
     * @param undeliverable the sink of an endpoint's undeliverable messages, or null for none
     */
    public static Map<String, Sink<RoutedMessage>> forAllEndpoints(
            RoutingConfig routing,
            java.util.function.Function<String, Sink<String>> undeliverable) {
        Map<String, Sink<RoutedMessage>> sinks = new LinkedHashMap<>();
        for (Endpoint endpoint : routing.allEndpoints()) {
            sinks.put(
                    endpoint.name(),
                    forEndpoint(endpoint, routing.hubName(), undeliverable.apply(endpoint.name())));
        }
        return sinks;
    }

    /**
     * The sink of one endpoint.
     *
     * @param hubName the value of {@code {iothub}} in blob names
     * @throws IllegalArgumentException when the endpoint cannot be reached as configured (the
     *     message names the endpoint and the fix)
     */
    public static Sink<RoutedMessage> forEndpoint(Endpoint endpoint, String hubName) {
        return forEndpoint(endpoint, hubName, null);
    }

    private static Sink<RoutedMessage> forEndpoint(
            Endpoint endpoint, String hubName, Sink<String> undeliverable) {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(hubName, "hubName");
        try {
            switch (endpoint.kind()) {
                case STORAGE_CONTAINER:
                    return blobBuilder(endpoint, hubName).build();
                case SERVICE_BUS_QUEUE:
                case SERVICE_BUS_TOPIC:
                    {
                        ServiceBusSinkBuilder builder = serviceBusBuilder(endpoint);
                        if (undeliverable != null) {
                            builder.setUndeliverableSink(undeliverable);
                        }
                        return builder.build();
                    }
                default:
                    {
                        EventHubsSinkBuilder builder = eventHubsBuilder(endpoint, hubName);
                        if (undeliverable != null
                                && endpoint.deliveryGuarantee()
                                        == io.hubroute.config.DeliveryGuarantee.AT_LEAST_ONCE) {
                            builder.setUndeliverableSink(undeliverable);
                        }
                        return builder.build();
                    }
            }
        } catch (IllegalStateException e) {
            // the builders' messages name the endpoint and never a secret
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** Where the endpoint writes, without secrets: for start-up output and summaries. */
    public static String describe(Endpoint endpoint) {
        String value =
                endpoint.connectionString() == null
                        ? null
                        : endpoint.connectionString().value().orElse(null);
        switch (endpoint.kind()) {
            case STORAGE_CONTAINER:
                {
                    StorageSettings storage = endpoint.storage();
                    if (value != null && StorageSettings.isFileSystemUri(value)) {
                        return "files "
                                + fileSystemFolder(value, storage.containerName())
                                + " ("
                                + storage.encoding().configName()
                                + ")";
                    }
                    String account = value == null ? endpoint.endpointUri() : accountOf(value);
                    return "blob container "
                            + storage.containerName()
                            + " ("
                            + storage.encoding().configName()
                            + ")"
                            + (account == null ? "" : " at " + account);
                }
            case SERVICE_BUS_QUEUE:
            case SERVICE_BUS_TOPIC:
                {
                    String kind =
                            endpoint.kind() == EndpointKind.SERVICE_BUS_QUEUE ? "queue " : "topic ";
                    String entity =
                            endpoint.entityPath() != null
                                    ? endpoint.entityPath()
                                    : connectionStringPart(value, "EntityPath");
                    return "AMQP " + kind + entity + (value == null ? "" : " at " + hostOf(value));
                }
            default:
                {
                    String topic =
                            endpoint.entityPath() != null
                                    ? endpoint.entityPath()
                                    : connectionStringPart(value, "EntityPath");
                    if (value != null && isKafka(value)) {
                        return "kafka "
                                + value.substring(KAFKA_SCHEME.length())
                                + " topic "
                                + topic;
                    }
                    return "event hub " + topic + (value == null ? "" : " at " + hostOf(value));
                }
        }
    }

    static BlobStorageSinkBuilder blobBuilder(Endpoint endpoint, String hubName) {
        StorageSettings storage = endpoint.storage();
        BlobStorageSinkBuilder builder =
                BlobStorageSink.builder()
                        .setEndpointName(endpoint.name())
                        .setHubName(hubName)
                        .setEncoding(encoding(storage))
                        .setFileNameFormat(storage.fileNameFormat())
                        .setBatchFrequency(Duration.ofSeconds(storage.batchFrequencyInSeconds()))
                        .setMaxChunkSizeBytes(storage.maxChunkSizeInBytes());
        if (!storage.containerName().isEmpty()) {
            builder.setContainerName(storage.containerName());
        }
        if (endpoint.connectionString() == null) {
            if (endpoint.endpointUri() == null) {
                throw missingConnection(
                        endpoint, "a storage account connection string or a SAS URL");
            }
            return builder.setAccountUrlWithDefaultCredential(endpoint.endpointUri());
        }
        String value = secretValue(endpoint);
        if (StorageSettings.isFileSystemUri(value)) {
            return builder.setFileSystemUri(value);
        }
        String lower = value.toLowerCase(Locale.ROOT);
        return lower.startsWith("https://") || lower.startsWith("http://")
                ? builder.setSasUrl(value)
                : builder.setConnectionString(value);
    }

    static ServiceBusSinkBuilder serviceBusBuilder(Endpoint endpoint) {
        ServiceBusSinkBuilder builder =
                ServiceBusSink.builder()
                        .setEndpointName(endpoint.name())
                        .setKind(
                                endpoint.kind() == EndpointKind.SERVICE_BUS_QUEUE
                                        ? ServiceBusEntityKind.QUEUE
                                        : ServiceBusEntityKind.TOPIC);
        if (endpoint.connectionString() == null) {
            throw missingConnection(
                    endpoint,
                    "a Service Bus connection string or an AMQP URI (amqp://host:port); identity-based Service Bus endpoints are not supported");
        }
        String value = secretValue(endpoint);
        if (isAmqpUri(value)) {
            applyAmqpUri(builder, endpoint, value);
        } else {
            builder.setConnectionString(value);
        }
        if (endpoint.entityPath() != null) {
            builder.setEntityPath(endpoint.entityPath());
        }
        return builder;
    }

    static EventHubsSinkBuilder eventHubsBuilder(Endpoint endpoint, String hubName) {
        EventHubsSinkBuilder builder =
                endpoint.kind() == EndpointKind.BUILT_IN_EVENTS
                        ? EventHubsSink.builtInEventsBuilder()
                        : EventHubsSink.builder();
        builder.setEndpointName(endpoint.name());
        if (endpoint.connectionString() == null) {
            throw missingConnection(
                    endpoint,
                    "an Event Hubs connection string, or kafka://host:port with entityPath: <topic>");
        }
        String value = secretValue(endpoint);
        if (isKafka(value)) {
            String servers = value.substring(KAFKA_SCHEME.length()).replaceAll("/+$", "");
            if (servers.isBlank()) {
                throw new IllegalArgumentException(
                        "endpoint '"
                                + endpoint.name()
                                + "': the kafka:// connection string names no broker: write kafka://host:port[,host:port]");
            }
            if (endpoint.entityPath() == null) {
                throw new IllegalArgumentException(
                        "endpoint '"
                                + endpoint.name()
                                + "' writes to plain Kafka but has no topic: add entityPath: <topic>");
            }
            builder.setBootstrapServers(servers);
        } else {
            builder.setEventHubsConnectionString(value);
        }
        if (endpoint.entityPath() != null) {
            builder.setTopic(endpoint.entityPath());
        }
        if (endpoint.deliveryGuarantee() == io.hubroute.config.DeliveryGuarantee.EXACTLY_ONCE) {
            // Kafka transactions committed with each checkpoint; the prefix is unique per hub and
            // endpoint, so two jobs of different hubs never fence each other
            builder.setDeliveryGuarantee(
                            org.apache.flink.connector.base.DeliveryGuarantee.EXACTLY_ONCE)
                    .setTransactionalIdPrefix("hubroute-" + hubName + "-" + endpoint.name());
        }
        return builder;
    }

    private static BlobEncoding encoding(StorageSettings storage) {
        switch (storage.encoding()) {
            case AVRO_DEFLATE:
                return BlobEncoding.AVRO_DEFLATE;
            case JSON:
                return BlobEncoding.JSON;
            default:
                return BlobEncoding.AVRO;
        }
    }

    private static void applyAmqpUri(
            ServiceBusSinkBuilder builder, Endpoint endpoint, String value) {
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            // the input would print the password: say where, not what
            throw new IllegalArgumentException(
                    "endpoint '"
                            + endpoint.name()
                            + "': the AMQP URI in its connection string is not a valid URI: write amqp[s]://[user:password@]host:port");
        }
        String userInfo = uri.getRawUserInfo();
        if (userInfo == null) {
            builder.setAmqpUri(value);
            return;
        }
        int colon = userInfo.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException(
                    "endpoint '"
                            + endpoint.name()
                            + "': the AMQP URI names a user without a password: write amqp[s]://user:password@host:port");
        }
        try {
            URI withoutUser =
                    new URI(
                            uri.getScheme(),
                            null,
                            uri.getHost(),
                            uri.getPort(),
                            uri.getPath(),
                            uri.getQuery(),
                            null);
            builder.setAmqpUri(withoutUser.toString());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(
                    "endpoint '"
                            + endpoint.name()
                            + "': the AMQP URI is not valid: write amqp[s]://[user:password@]host:port");
        }
        builder.setCredentials(
                URLDecoder.decode(userInfo.substring(0, colon), StandardCharsets.UTF_8),
                URLDecoder.decode(userInfo.substring(colon + 1), StandardCharsets.UTF_8));
    }

    private static String secretValue(Endpoint endpoint) {
        Secret secret = endpoint.connectionString();
        return secret.value()
                .orElseThrow(
                        () ->
                                new IllegalArgumentException(
                                        "endpoint '"
                                                + endpoint.name()
                                                + "': its connection string "
                                                + secret
                                                + " was not resolved: load the routes file with"
                                                + " RoutingConfigLoader.resolvingSecrets(...) and set what it refers to"));
    }

    private static IllegalArgumentException missingConnection(Endpoint endpoint, String what) {
        String where =
                endpoint.kind() == EndpointKind.BUILT_IN_EVENTS
                        ? "builtInEndpoint.connectionString"
                        : "connectionString under endpoints." + endpoint.kind().listName();
        return new IllegalArgumentException(
                "endpoint '"
                        + endpoint.name()
                        + "' has no connection string: set "
                        + where
                        + " to "
                        + what);
    }

    private static boolean isKafka(String value) {
        return value.regionMatches(true, 0, KAFKA_SCHEME, 0, KAFKA_SCHEME.length());
    }

    private static boolean isAmqpUri(String value) {
        String lower = value.toLowerCase(Locale.ROOT);
        return lower.startsWith("amqp://")
                || lower.startsWith("amqps://")
                || lower.startsWith("amqpws://")
                || lower.startsWith("amqpwss://");
    }

    /**
     * The host of a URI or of a connection string's Endpoint / BlobEndpoint, never user info or
     * keys.
     */
    private static String hostOf(String value) {
        String endpointPart = connectionStringPart(value, "Endpoint");
        String target = value.contains("://") && endpointPart == null ? value : endpointPart;
        if (target == null) {
            return "(connection string)";
        }
        try {
            URI uri = new URI(target.trim());
            return uri.getHost() == null
                    ? "(connection string)"
                    : uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
        } catch (URISyntaxException e) {
            return "(connection string)";
        }
    }

    private static String accountOf(String value) {
        String blobEndpoint = connectionStringPart(value, "BlobEndpoint");
        if (blobEndpoint != null) {
            return stripQuery(blobEndpoint);
        }
        String account = connectionStringPart(value, "AccountName");
        if (account != null) {
            return "account " + account;
        }
        return value.contains("://") ? stripQuery(value) : null;
    }

    /** The folder a file-system storage endpoint writes to, without user info or a query. */
    private static String fileSystemFolder(String uri, String containerName) {
        String folder = stripQuery(uri.trim());
        try {
            URI parsed = new URI(folder);
            if (parsed.getUserInfo() != null) {
                folder =
                        new URI(
                                        parsed.getScheme(),
                                        null,
                                        parsed.getHost(),
                                        parsed.getPort(),
                                        parsed.getPath(),
                                        null,
                                        null)
                                .toString();
            }
        } catch (URISyntaxException e) {
            folder = folder.substring(0, folder.indexOf(':') + 1) + "//(unparsable URI)";
        }
        if (containerName.isEmpty()) {
            return folder;
        }
        return (folder.endsWith("/") ? folder : folder + "/") + containerName;
    }

    private static String stripQuery(String url) {
        int query = url.indexOf('?');
        return query < 0 ? url : url.substring(0, query);
    }

    private static String connectionStringPart(String connectionString, String key) {
        if (connectionString == null) {
            return null;
        }
        for (String part : connectionString.split(";")) {
            int equals = part.indexOf('=');
            if (equals > 0 && part.substring(0, equals).trim().equalsIgnoreCase(key)) {
                return part.substring(equals + 1).trim();
            }
        }
        return null;
    }
}
