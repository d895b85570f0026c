package io.hubroute.sink.eventhubs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hubroute.sink.DeadLetterEndpoint;
import io.hubroute.sink.FailurePolicy;
import io.hubroute.sink.RoutedMessage;
import io.hubroute.sink.eventhubs.internal.EventHubsConnectionString;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EventHubsSinkBuilderTest {
    private static final String KEY = "c2VjcmV0LWtleS1kby1ub3QtbG9n";
    private static final String CONNECTION_STRING =
            "Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey="
                    + KEY
                    + ";EntityPath=telemetry";

    @Test
    void connectionStringBecomesKafkaEndpointOnPort9093WithConnectionStringAsPassword() {
        EventHubsConnectionString parsed = EventHubsConnectionString.parse(CONNECTION_STRING);

        assertThat(parsed.bootstrapServers()).isEqualTo("contoso.servicebus.windows.net:9093");
        assertThat(parsed.entityPath()).isEqualTo("telemetry");
        assertThat(parsed.jaasConfig())
                .isEqualTo(
                        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"$ConnectionString\" password=\""
                                + CONNECTION_STRING
                                + "\";");
        assertThat(parsed.toString()).doesNotContain(KEY);
    }

    @Test
    void anEndpointWithAPortIsReachedOnThatPort() {
        String emulator =
                "Endpoint=sb://localhost:5093/;SharedAccessKeyName=RootManageSharedAccessKey;"
                        + "SharedAccessKey="
                        + KEY
                        + ";EntityPath=telemetry";

        assertThat(EventHubsConnectionString.parse(emulator).bootstrapServers())
                .isEqualTo("localhost:5093");
        EventHubsSinkOptions options =
                ((EventHubsSink)
                                EventHubsSink.builder()
                                        .setEndpointName("hub")
                                        .setEventHubsConnectionString(emulator)
                                        .build())
                        .options();
        assertThat(options.bootstrapServers()).isEqualTo("localhost:5093");
        assertThat(options.producerProperties())
                .containsEntry("bootstrap.servers", "localhost:5093")
                .containsEntry("security.protocol", "SASL_SSL");
    }

    @Test
    void buildsWithTheConnectionStringsEntityPathAsTopic() {
        EventHubsSinkBuilder builder =
                EventHubsSink.builder()
                        .setEndpointName("hub")
                        .setEventHubsConnectionString(CONNECTION_STRING);

        assertThat(builder.build()).isNotNull();
        assertThat(builder.toString()).doesNotContain(KEY).contains("connectionString=***");
    }

    @Test
    void buildNamesTheMissingOrConflictingSetting() {
        assertThatThrownBy(
                        () ->
                                EventHubsSink.builder()
                                        .setBootstrapServers("k:9092")
                                        .setTopic("t")
                                        .build())
                .hasMessage("Event Hubs sink needs an endpoint name: call setEndpointName(...)");
        assertThatThrownBy(() -> EventHubsSink.builder().setEndpointName("e").setTopic("t").build())
                .hasMessage(
                        "Event Hubs endpoint 'e' needs a broker: call setEventHubsConnectionString(...) or setBootstrapServers(...)");
        assertThatThrownBy(
                        () ->
                                EventHubsSink.builder()
                                        .setEndpointName("e")
                                        .setBootstrapServers("k:9092")
                                        .build())
                .hasMessage(
                        "Event Hubs endpoint 'e' needs an event hub: call setTopic(...) or put EntityPath=... in the connection string");
        assertThatThrownBy(
                        () ->
                                EventHubsSink.builder()
                                        .setEndpointName("e")
                                        .setBootstrapServers("k:9092")
                                        .setTopic("t")
                                        .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                                        .build())
                .hasMessage(
                        "Event Hubs endpoint 'e': EXACTLY_ONCE needs a transactional id prefix: call setTransactionalIdPrefix(...)");
        assertThatThrownBy(
                        () ->
                                EventHubsSink.builder()
                                        .setEndpointName("e")
                                        .setEventHubsConnectionString(CONNECTION_STRING)
                                        .setTopic("other")
                                        .build())
                .hasMessageContaining(
                        "setTopic('other') disagrees with the connection string's EntityPath 'telemetry'");
    }

    @Test
    void badConnectionStringsNeverEchoTheKey() {
        assertThatThrownBy(
                        () ->
                                EventHubsSink.builder()
                                        .setEventHubsConnectionString(
                                                "SharedAccessKeyName=a;SharedAccessKey=" + KEY))
                .hasMessageContaining("has no Endpoint=sb://")
                .hasMessageNotContaining(KEY);
        assertThatThrownBy(
                        () ->
                                EventHubsSink.builder()
                                        .setEventHubsConnectionString(
                                                "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKey="
                                                        + KEY))
                .hasMessageContaining("has no SharedAccessKeyName")
                .hasMessageNotContaining(KEY);
    }

    @Test
    void theProducerIsIdempotentSoADevicesOrderSurvivesItsRetries() {
        EventHubsSinkOptions options =
                ((EventHubsSink)
                                EventHubsSink.builder()
                                        .setEndpointName("hub")
                                        .setBootstrapServers("k:9092")
                                        .setTopic("t")
                                        .setProducerProperty(
                                                "max.in.flight.requests.per.connection", "1")
                                        .setProducerProperty("acks", "-1")
                                        .build())
                        .options();

        assertThat(options.producerProperties())
                .containsEntry("enable.idempotence", "true")
                .containsEntry("acks", "-1")
                .containsEntry("max.in.flight.requests.per.connection", "1");
        assertThat(
                        ((EventHubsSink)
                                        EventHubsSink.builder()
                                                .setEndpointName("hub")
                                                .setBootstrapServers("k:9092")
                                                .setTopic("t")
                                                .build())
                                .options()
                                .producerProperties())
                .containsEntry("enable.idempotence", "true")
                .containsEntry("acks", "all")
                .containsEntry("max.in.flight.requests.per.connection", "5");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
        "enable.idempotence, false, the producer must stay idempotent",
        "max.in.flight.requests.per.connection, 6, an idempotent producer keeps order with 1 to 5"
                + " requests in flight",
        "max.in.flight.requests.per.connection, many, an idempotent producer keeps order with 1"
                + " to 5 requests in flight",
        "acks, 1, an idempotent producer needs acks=all",
        "retries, 0, an idempotent producer needs retries above 0 (the delivery timeout bounds"
                + " them)"
    })
    void aProducerPropertyThatCouldInvertADevicesOrderIsRefused(
            String key, String value, String problem) {
        assertThatThrownBy(() -> EventHubsSink.builder().setProducerProperty(key, value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "setProducerProperty(\""
                                + key
                                + "\", \""
                                + value
                                + "\") would let one device's records change order after a"
                                + " retry: "
                                + problem
                                + "; drop this setting (the sink sets enable.idempotence=true,"
                                + " acks=all, max.in.flight.requests.per.connection=5)");
    }

    @Test
    void atLeastOnceIsHubroutesOwnSinkWithTheConnectionStringOnlyInItsProducerSettings() {
        Sink<RoutedMessage> sink =
                EventHubsSink.builder()
                        .setEndpointName("hub")
                        .setEventHubsConnectionString(CONNECTION_STRING)
                        .build();

        assertThat(sink).isInstanceOf(EventHubsSink.class);
        EventHubsSinkOptions options = ((EventHubsSink) sink).options();
        assertThat(options.bootstrapServers()).isEqualTo("contoso.servicebus.windows.net:9093");
        assertThat(options.topic()).isEqualTo("telemetry");
        assertThat(options.failurePolicy()).isEqualTo(FailurePolicy.BACKPRESSURE);
        assertThat(options.producerProperties())
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "PLAIN")
                .containsEntry("max.block.ms", "120000")
                .containsEntry("bootstrap.servers", "contoso.servicebus.windows.net:9093");
        assertThat(options.producerProperties().getProperty("sasl.jaas.config")).contains(KEY);
        assertThat(sink.toString()).doesNotContain(KEY).contains("sasl.jaas.config");
    }

    @Test
    void exactlyOnceStaysFlinksKafkaSink() {
        Sink<RoutedMessage> sink =
                EventHubsSink.builtInEventsBuilder()
                        .setEndpointName("events")
                        .setBootstrapServers("k:9092")
                        .setTopic("events")
                        .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                        .setTransactionalIdPrefix("hubroute-events")
                        .build();

        assertThat(sink).isInstanceOf(KafkaSink.class);
    }

    @Test
    void failurePolicySettingsMustAgree() {
        Sink<RoutedMessage> deadLetterSink =
                EventHubsSink.builder()
                        .setEndpointName("dl")
                        .setBootstrapServers("k:9092")
                        .setTopic("dl")
                        .build();
        DeadLetterEndpoint deadLetters = DeadLetterEndpoint.of("dl", deadLetterSink);

        assertThatThrownBy(
                        () ->
                                EventHubsSink.builder()
                                        .setEndpointName("e")
                                        .setBootstrapServers("k:9092")
                                        .setTopic("t")
                                        .setFailurePolicy(FailurePolicy.DEAD_LETTER)
                                        .build())
                .hasMessage(
                        "Event Hubs endpoint 'e' uses DEAD_LETTER but has no dead-letter endpoint: call setDeadLetterEndpoint(...)");
        assertThatThrownBy(
                        () ->
                                EventHubsSink.builder()
                                        .setEndpointName("e")
                                        .setBootstrapServers("k:9092")
                                        .setTopic("t")
                                        .setDeadLetterEndpoint(deadLetters)
                                        .build())
                .hasMessage(
                        "Event Hubs endpoint 'e' has a dead-letter endpoint but uses BACKPRESSURE: call setFailurePolicy(FailurePolicy.DEAD_LETTER)");
        assertThatThrownBy(
                        () ->
                                EventHubsSink.builder()
                                        .setEndpointName("e")
                                        .setBootstrapServers("k:9092")
                                        .setTopic("t")
                                        .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                                        .setTransactionalIdPrefix("p")
                                        .setFailurePolicy(FailurePolicy.DEAD_LETTER)
                                        .setDeadLetterEndpoint(deadLetters)
                                        .build())
                .hasMessageStartingWith(
                        "Event Hubs endpoint 'e': DEAD_LETTER applies to AT_LEAST_ONCE only");
        assertThatThrownBy(() -> EventHubsSink.builder().setMaxInFlight(0))
                .hasMessage("maxInFlight must be >= 1, got 0");
    }

    @Test
    void theUndeliverableSinkIsKeptForAtLeastOnceAndRefusedForExactlyOnce() {
        Sink<String> lines =
                context -> {
                    throw new UnsupportedOperationException("not opened here");
                };
        Sink<RoutedMessage> sink =
                EventHubsSink.builder()
                        .setEndpointName("e")
                        .setBootstrapServers("k:9092")
                        .setTopic("t")
                        .setUndeliverableSink(lines)
                        .build();
        assertThat(((EventHubsSink) sink).options().undeliverableSink()).containsSame(lines);

        assertThatThrownBy(
                        () ->
                                EventHubsSink.builder()
                                        .setEndpointName("e")
                                        .setBootstrapServers("k:9092")
                                        .setTopic("t")
                                        .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                                        .setTransactionalIdPrefix("p")
                                        .setUndeliverableSink(lines)
                                        .build())
                .hasMessageStartingWith(
                        "Event Hubs endpoint 'e': setUndeliverableSink applies to AT_LEAST_ONCE only");
        assertThatThrownBy(() -> EventHubsSink.builder().setUndeliverableSink(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("undeliverableSink");
    }
}
