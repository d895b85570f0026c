package io.hubroute.sink.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hubroute.sink.FailurePolicy;
import org.junit.jupiter.api.Test;

class ServiceBusSinkBuilderTest {
    private static final String KEY = "c2VjcmV0LWtleS1kby1ub3QtbG9n";
    private static final String CONNECTION_STRING =
            "Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey="
                    + KEY
                    + ";EntityPath=alerts";

    @Test
    void connectionStringBecomesAmqpsUriWithSaslPlainCredentialsAndEntity() {
        ServiceBusSinkOptions options =
                ServiceBusSink.builder()
                        .setEndpointName("alerts")
                        .setConnectionString(CONNECTION_STRING)
                        .build()
                        .options();

        assertThat(options.amqpUri())
                .isEqualTo("amqps://contoso.servicebus.windows.net?amqp.idleTimeout=120000");
        assertThat(options.username()).contains("send");
        assertThat(options.password()).contains(KEY);
        assertThat(options.entityPath()).isEqualTo("alerts");
        assertThat(options.kind()).isEqualTo(ServiceBusEntityKind.QUEUE);
        assertThat(options.failurePolicy()).isEqualTo(FailurePolicy.BACKPRESSURE);
    }

    @Test
    void toStringNeverShowsTheKey() {
        ServiceBusSinkBuilder builder =
                ServiceBusSink.builder()
                        .setEndpointName("alerts")
                        .setConnectionString(CONNECTION_STRING);
        ServiceBusSink sink = builder.build();

        assertThat(builder.toString()).doesNotContain(KEY).contains("***");
        assertThat(sink.toString()).doesNotContain(KEY).contains("password=***");
        assertThat(sink.options().toString()).doesNotContain(KEY);
    }

    @Test
    void badConnectionStringsSayWhatIsMissingWithoutTheKey() {
        assertThatThrownBy(
                        () ->
                                ServiceBusSink.builder()
                                        .setConnectionString(
                                                "SharedAccessKeyName=send;SharedAccessKey=" + KEY))
                .hasMessageContaining("has no Endpoint")
                .hasMessageNotContaining(KEY);
        assertThatThrownBy(
                        () ->
                                ServiceBusSink.builder()
                                        .setConnectionString(
                                                "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKey="
                                                        + KEY))
                .hasMessageContaining("has no SharedAccessKeyName")
                .hasMessageNotContaining(KEY);
        assertThatThrownBy(
                        () ->
                                ServiceBusSink.builder()
                                        .setConnectionString(
                                                "Endpoint=https://ns/;SharedAccessKeyName=a;SharedAccessKey="
                                                        + KEY))
                .hasMessageContaining("must start with sb://")
                .hasMessageNotContaining(KEY);
    }

    @Test
    void buildNamesTheMissingOrConflictingSetting() {
        assertThatThrownBy(
                        () ->
                                ServiceBusSink.builder()
                                        .setAmqpUri("amqp://127.0.0.1:5672")
                                        .setEntityPath("q")
                                        .build())
                .hasMessage("Service Bus sink needs an endpoint name: call setEndpointName(...)");
        assertThatThrownBy(
                        () ->
                                ServiceBusSink.builder()
                                        .setEndpointName("e")
                                        .setEntityPath("q")
                                        .build())
                .hasMessage(
                        "Service Bus endpoint 'e' needs a broker: call setConnectionString(...) or setAmqpUri(...)");
        assertThatThrownBy(
                        () ->
                                ServiceBusSink.builder()
                                        .setEndpointName("e")
                                        .setAmqpUri("amqp://127.0.0.1:5672")
                                        .build())
                .hasMessageContaining("needs a queue or topic: call setEntityPath(...)");
        assertThatThrownBy(
                        () ->
                                ServiceBusSink.builder()
                                        .setEndpointName("e")
                                        .setConnectionString(CONNECTION_STRING)
                                        .setEntityPath("other")
                                        .build())
                .hasMessageContaining(
                        "setEntityPath('other') disagrees with the connection string's EntityPath 'alerts'");
        assertThatThrownBy(
                        () ->
                                ServiceBusSink.builder()
                                        .setEndpointName("e")
                                        .setAmqpUri("amqp://127.0.0.1:5672")
                                        .setEntityPath("q")
                                        .setFailurePolicy(FailurePolicy.DEAD_LETTER)
                                        .build())
                .hasMessage(
                        "Service Bus endpoint 'e' uses DEAD_LETTER but has no dead-letter endpoint: call setDeadLetterEndpoint(...)");
    }

    @Test
    void amqpUriMustBeAmqpAndCarryNoCredentials() {
        assertThatThrownBy(() -> ServiceBusSink.builder().setAmqpUri("http://127.0.0.1:5672"))
                .hasMessageContaining("must start with amqp://");
        assertThatThrownBy(
                        () -> ServiceBusSink.builder().setAmqpUri("amqp://user:pw@127.0.0.1:5672"))
                .hasMessageContaining("setCredentials(username, password)")
                .hasMessageNotContaining("pw@");
    }

    @Test
    void anAmqpUriWithAPasswordOptionIsNeverShown() {
        assertThatThrownBy(
                        () ->
                                ServiceBusSink.builder()
                                        .setAmqpUri("amqps://host:5671?jms.password=se cret"))
                .hasMessage(
                        "AMQP URI is not a valid URI: Illegal character in query at index 33:"
                                + " expected amqp://host:port or amqps://host:port")
                .hasNoCause();

        ServiceBusSinkBuilder builder =
                ServiceBusSink.builder()
                        .setEndpointName("alerts")
                        .setAmqpUri("amqps://host:5671?jms.password=secret")
                        .setEntityPath("alerts");
        assertThat(builder.toString()).doesNotContain("secret");
        assertThat(builder.build().options().toString()).doesNotContain("secret");
    }
}
