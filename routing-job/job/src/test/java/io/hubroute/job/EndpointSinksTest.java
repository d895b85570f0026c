package io.hubroute.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hubroute.config.Endpoint;
import io.hubroute.config.RoutingConfig;
import io.hubroute.config.RoutingConfigLoader;
import io.hubroute.config.SecretLookup;
import io.hubroute.sink.RoutedMessage;
import io.hubroute.sink.amqp.ServiceBusEntityKind;
import io.hubroute.sink.amqp.ServiceBusSink;
import io.hubroute.sink.amqp.ServiceBusSinkOptions;
import io.hubroute.sink.blob.BlobAuthentication;
import io.hubroute.sink.blob.BlobEncoding;
import io.hubroute.sink.blob.BlobStorageSink;
import io.hubroute.sink.blob.BlobStorageSinkOptions;
import io.hubroute.sink.eventhubs.EventHubsSink;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.junit.jupiter.api.Test;

class EndpointSinksTest {
    private static final String STORAGE_KEY = "c3RvcmFnZS1rZXktdGhhdC1tdXN0LW5vdC1sZWFr";
    private static final String SB_KEY = "c2VydmljZWJ1cy1rZXktc2VjcmV0";
    private static final String EH_KEY = "ZXZlbnRodWJzLWtleS1zZWNyZXQ";
    private static final String AMQP_PASSWORD = "amqp-p4ss";
    private static final Map<String, String> ENVIRONMENT =
            Map.of(
                    "STORAGE",
                            "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey="
                                    + STORAGE_KEY
                                    + ";EndpointSuffix=core.windows.net",
                    "SAS",
                            "https://acct.blob.core.windows.net/cold?sv=2024-01-01&sig="
                                    + STORAGE_KEY,
                    "SB",
                            "Endpoint=sb://ns1.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey="
                                    + SB_KEY,
                    "AMQP", "amqp://sender:" + AMQP_PASSWORD + "@127.0.0.1:5672",
                    "EH",
                            "Endpoint=sb://ns2.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey="
                                    + EH_KEY
                                    + ";EntityPath=hub-a",
                    "EVENTS", "kafka://127.0.0.1:9092,127.0.0.1:9093");

    private static final String ROUTES =
            String.join(
                    "\n",
                    "hubName: my-hub",
                    "builtInEndpoint: {connectionString: '${env:EVENTS}', entityPath: events-topic}",
                    "endpoints:",
                    "  storageContainers:",
                    "    - {name: archive, connectionString: '${env:STORAGE}', containerName: archive, encoding: avrodeflate,",
                    "       fileNameFormat: '{iothub}/{YYYY}/{MM}/{DD}/{HH}/{mm}/{partition}', batchFrequencyInSeconds: 60, maxChunkSizeInBytes: 10485760}",
                    "    - {name: cold, connectionString: '${env:SAS}', containerName: cold, encoding: json}",
                    "    - {name: managed, endpointUri: 'https://acct2.blob.core.windows.net', containerName: managed}",
                    "  serviceBusQueues:",
                    "    - {name: alerts, connectionString: '${env:SB}', entityPath: alerts}",
                    "  serviceBusTopics:",
                    "    - {name: local-topic, connectionString: '${env:AMQP}', entityPath: orders}",
                    "  eventHubs:",
                    "    - {name: hub, connectionString: '${env:EH}'}",
                    "routes:",
                    "  - {name: all, source: DeviceMessages, condition: 'true', endpointNames: [archive, cold, managed, alerts, local-topic, hub]}",
                    "");

    private static RoutingConfig routing() {
        SecretLookup lookup =
                new SecretLookup() {
                    @Override
                    public String environment(String name) {
                        return ENVIRONMENT.get(name);
                    }

                    @Override
                    public String file(Path path) {
                        return null;
                    }
                };
        return RoutingConfigLoader.resolvingSecrets(lookup)
                .parse(ROUTES, "routes.yaml", Path.of("."))
                .orThrow();
    }

    private static Endpoint endpoint(String name) {
        return routing().endpoint(name).orElseThrow();
    }

    @Test
    void buildsOneSinkPerEndpointOfTheRightKind() {
        Map<String, Sink<RoutedMessage>> sinks = EndpointSinks.forAllEndpoints(routing());

        assertThat(sinks)
                .containsOnlyKeys(
                        "events", "archive", "cold", "managed", "alerts", "local-topic", "hub");
        assertThat(sinks.keySet()).first().isEqualTo("events");
        assertThat(sinks.get("events")).isInstanceOf(EventHubsSink.class);
        assertThat(sinks.get("hub")).isInstanceOf(EventHubsSink.class);
        assertThat(sinks.get("archive")).isInstanceOf(BlobStorageSink.class);
        assertThat(sinks.get("alerts")).isInstanceOf(ServiceBusSink.class);
    }

    @Test
    void messagesAnEndpointCanNeverTakeGoToTheUndeliverableSinkOfThatEndpoint() {
        Map<String, Sink<RoutedMessage>> sinks =
                EndpointSinks.forAllEndpoints(
                        routing(),
                        endpoint ->
                                new DiagnosticsFileSink(
                                        Path.of("diagnostics"),
                                        "undeliverable-" + endpoint + "-part-"));

        assertThat(((ServiceBusSink) sinks.get("alerts")).options().undeliverableSink())
                .isPresent();
        assertThat(((EventHubsSink) sinks.get("hub")).options().undeliverableSink()).isPresent();
        assertThat(
                        ((EventHubsSink) EndpointSinks.forAllEndpoints(routing()).get("hub"))
                                .options()
                                .undeliverableSink())
                .isEmpty();
    }

    @Test
    void anExactlyOnceEventHubsEndpointWritesInKafkaTransactions() {
        String routes =
                String.join(
                        "\n",
                        "hubName: my-hub",
                        "builtInEndpoint: {connectionString: 'kafka://127.0.0.1:9092', entityPath: events, deliveryGuarantee: exactlyOnce}",
                        "endpoints:",
                        "  eventHubs:",
                        "    - {name: ledger, connectionString: 'kafka://127.0.0.1:9092', entityPath: ledger, deliveryGuarantee: exactlyOnce}",
                        "routes: []",
                        "");
        RoutingConfig config =
                RoutingConfigLoader.withoutSecrets()
                        .parse(routes, "routes.yaml", Path.of("."))
                        .orThrow();

        Map<String, Sink<RoutedMessage>> sinks = EndpointSinks.forAllEndpoints(config);

        // Flink's KafkaSink with transactions; the at-least-once sink is hubroute's own
        assertThat(sinks.get("ledger")).isInstanceOf(KafkaSink.class);
        assertThat(sinks.get("events")).isInstanceOf(KafkaSink.class);
    }

    @Test
    void storageSettingsComeFromTheRoutesFile() {
        BlobStorageSinkOptions archive =
                ((BlobStorageSink) EndpointSinks.forEndpoint(endpoint("archive"), "my-hub"))
                        .options();
        assertThat(archive.endpointName()).isEqualTo("archive");
        assertThat(archive.hubName()).isEqualTo("my-hub");
        assertThat(archive.containerName()).contains("archive");
        assertThat(archive.encoding()).isEqualTo(BlobEncoding.AVRO_DEFLATE);
        assertThat(archive.fileNameFormat())
                .isEqualTo("{iothub}/{YYYY}/{MM}/{DD}/{HH}/{mm}/{partition}");
        assertThat(archive.batchFrequency()).isEqualTo(Duration.ofSeconds(60));
        assertThat(archive.maxChunkSizeBytes()).isEqualTo(10_485_760L);
        assertThat(archive.authentication().kind())
                .isEqualTo(BlobAuthentication.Kind.CONNECTION_STRING);
        assertThat(archive.createContainerIfMissing()).isFalse();

        BlobStorageSinkOptions cold =
                ((BlobStorageSink) EndpointSinks.forEndpoint(endpoint("cold"), "my-hub")).options();
        assertThat(cold.encoding()).isEqualTo(BlobEncoding.JSON);
        assertThat(cold.authentication().kind()).isEqualTo(BlobAuthentication.Kind.SAS_URL);
        assertThat(cold.batchFrequency()).isEqualTo(Duration.ofSeconds(300));
        assertThat(cold.maxChunkSizeBytes()).isEqualTo(314_572_800L);
        assertThat(cold.fileNameFormat())
                .isEqualTo("{iothub}/{partition}/{YYYY}/{MM}/{DD}/{HH}/{mm}");

        BlobStorageSinkOptions managed =
                ((BlobStorageSink) EndpointSinks.forEndpoint(endpoint("managed"), "my-hub"))
                        .options();
        assertThat(managed.authentication().kind())
                .isEqualTo(BlobAuthentication.Kind.DEFAULT_CREDENTIAL);
        assertThat(managed.encoding()).isEqualTo(BlobEncoding.AVRO);
    }

    @Test
    void serviceBusTakesAConnectionStringOrAnAmqpUriWithCredentials() {
        ServiceBusSinkOptions alerts =
                ((ServiceBusSink) EndpointSinks.forEndpoint(endpoint("alerts"), "my-hub"))
                        .options();
        assertThat(alerts.amqpUri()).startsWith("amqps://ns1.servicebus.windows.net");
        assertThat(alerts.username()).contains("send");
        assertThat(alerts.password()).contains(SB_KEY);
        assertThat(alerts.entityPath()).isEqualTo("alerts");
        assertThat(alerts.kind()).isEqualTo(ServiceBusEntityKind.QUEUE);

        ServiceBusSinkOptions topic =
                ((ServiceBusSink) EndpointSinks.forEndpoint(endpoint("local-topic"), "my-hub"))
                        .options();
        assertThat(topic.amqpUri()).isEqualTo("amqp://127.0.0.1:5672");
        assertThat(topic.username()).contains("sender");
        assertThat(topic.password()).contains(AMQP_PASSWORD);
        assertThat(topic.entityPath()).isEqualTo("orders");
        assertThat(topic.kind()).isEqualTo(ServiceBusEntityKind.TOPIC);
    }

    @Test
    void eventHubsTakesAConnectionStringOrPlainKafka() {
        String events = EndpointSinks.eventHubsBuilder(endpoint("events"), "my-hub").toString();
        assertThat(events)
                .contains(
                        "kind=builtIn.events",
                        "bootstrapServers=127.0.0.1:9092,127.0.0.1:9093",
                        "connectionString=null",
                        "topic=events-topic");

        String hub = EndpointSinks.eventHubsBuilder(endpoint("hub"), "my-hub").toString();
        assertThat(hub)
                .contains(
                        "kind=eventHubs",
                        "bootstrapServers=ns2.servicebus.windows.net:9093",
                        "connectionString=***");
    }

    @Test
    void aFileSystemUriWritesTheSameFilesThroughFlinksFileSystems() {
        String routes =
                String.join(
                        "\n",
                        "hubName: my-hub",
                        "endpoints:",
                        "  storageContainers:",
                        "    - {name: local, connectionString: 'file:///data/archive', containerName: lake, encoding: json}",
                        "    - {name: bucket, connectionString: 's3://reader:"
                                + STORAGE_KEY
                                + "@bucket/prefix', containerName: telemetry}",
                        "routes:",
                        "  - {name: all, source: DeviceMessages, condition: 'true', endpointNames: [local, bucket]}",
                        "");
        RoutingConfig routing =
                RoutingConfigLoader.withoutSecrets()
                        .parse(routes, "r.yaml", Path.of("."))
                        .orThrow();

        BlobStorageSink local =
                (BlobStorageSink)
                        EndpointSinks.forEndpoint(routing.endpoint("local").orElseThrow(), "h");
        assertThat(local.options().fileSystemUri()).contains("file:///data/archive");
        assertThat(local.options().encoding()).isEqualTo(BlobEncoding.JSON);
        assertThat(EndpointSinks.describe(routing.endpoint("local").orElseThrow()))
                .isEqualTo("files file:///data/archive/lake (json)");
        String bucket = EndpointSinks.describe(routing.endpoint("bucket").orElseThrow());
        assertThat(bucket).isEqualTo("files s3://bucket/prefix/telemetry (avro)");
        assertThat(
                        EndpointSinks.forEndpoint(routing.endpoint("bucket").orElseThrow(), "h")
                                .toString())
                .doesNotContain(STORAGE_KEY);
    }

    @Test
    void descriptionsAndToStringsNeverShowSecrets() {
        RoutingConfig routing = routing();
        StringBuilder shown = new StringBuilder();
        for (Endpoint endpoint : routing.allEndpoints()) {
            shown.append(EndpointSinks.describe(endpoint)).append('\n');
            shown.append(endpoint).append('\n');
            Sink<RoutedMessage> sink = EndpointSinks.forEndpoint(endpoint, routing.hubName());
            if (!(sink instanceof KafkaSink)) {
                shown.append(sink).append('\n');
            }
        }
        shown.append(EndpointSinks.serviceBusBuilder(endpoint("alerts"))).append('\n');
        shown.append(EndpointSinks.serviceBusBuilder(endpoint("local-topic"))).append('\n');
        shown.append(EndpointSinks.eventHubsBuilder(endpoint("hub"), "my-hub")).append('\n');

        assertThat(shown.toString())
                .doesNotContain(STORAGE_KEY, SB_KEY, EH_KEY, AMQP_PASSWORD, "sig=");
        assertThat(EndpointSinks.describe(endpoint("archive")))
                .isEqualTo("blob container archive (avrodeflate) at account acct");
        assertThat(EndpointSinks.describe(endpoint("cold")))
                .isEqualTo("blob container cold (json) at https://acct.blob.core.windows.net/cold");
        assertThat(EndpointSinks.describe(endpoint("alerts")))
                .isEqualTo("AMQP queue alerts at ns1.servicebus.windows.net");
        assertThat(EndpointSinks.describe(endpoint("local-topic")))
                .isEqualTo("AMQP topic orders at 127.0.0.1:5672");
        assertThat(EndpointSinks.describe(endpoint("hub")))
                .isEqualTo("event hub hub-a at ns2.servicebus.windows.net");
        assertThat(EndpointSinks.describe(endpoint("events")))
                .isEqualTo("kafka 127.0.0.1:9092,127.0.0.1:9093 topic events-topic");
    }

    @Test
    void errorsNameTheEndpointAndTheFixButNoSecret() {
        String noTopic =
                String.join(
                        "\n",
                        "hubName: h",
                        "builtInEndpoint: {connectionString: 'kafka://127.0.0.1:9092'}",
                        "");
        RoutingConfig kafkaWithoutTopic =
                RoutingConfigLoader.withoutSecrets()
                        .parse(noTopic, "r.yaml", Path.of("."))
                        .orThrow();
        assertThatThrownBy(() -> EndpointSinks.forAllEndpoints(kafkaWithoutTopic))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "endpoint 'events' writes to plain Kafka but has no topic: add entityPath: <topic>");

        RoutingConfig noEvents =
                RoutingConfigLoader.withoutSecrets()
                        .parse("hubName: h\n", "r.yaml", Path.of("."))
                        .orThrow();
        assertThatThrownBy(() -> EndpointSinks.forAllEndpoints(noEvents))
                .hasMessageStartingWith(
                        "endpoint 'events' has no connection string: set builtInEndpoint.connectionString to");

        RoutingConfig unresolved =
                RoutingConfigLoader.withoutSecrets()
                        .parse(ROUTES, "routes.yaml", Path.of("."))
                        .orThrow();
        assertThatThrownBy(
                        () ->
                                EndpointSinks.forEndpoint(
                                        unresolved.endpoint("alerts").orElseThrow(), "h"))
                .hasMessageStartingWith(
                        "endpoint 'alerts': its connection string ${env:SB} was not resolved");

        String badUri =
                String.join(
                        "\n",
                        "hubName: h",
                        "endpoints:",
                        "  serviceBusQueues:",
                        "    - {name: q, connectionString: 'amqp://user:"
                                + AMQP_PASSWORD
                                + "@bad host:5672', entityPath: q}",
                        "");
        RoutingConfig bad =
                RoutingConfigLoader.withoutSecrets()
                        .parse(badUri, "r.yaml", Path.of("."))
                        .orThrow();
        assertThatThrownBy(() -> EndpointSinks.forEndpoint(bad.endpoint("q").orElseThrow(), "h"))
                .hasMessageContaining("endpoint 'q'")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(AMQP_PASSWORD));
    }
}
