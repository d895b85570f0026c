package io.hubroute.sink.amqp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.hubroute.message.Message;
import io.hubroute.message.MessageProperties;
import io.hubroute.message.RoutingSource;
import io.hubroute.sink.RoutedMessage;
import java.util.LinkedHashSet;
import org.apache.qpid.jms.message.JmsBytesMessage;
import org.apache.qpid.jms.provider.amqp.message.AmqpJmsBytesMessageFacade;
import org.junit.jupiter.api.Test;

/**
 * Device property names are data: whatever a property is called, it is written into the AMQP
 * application properties as it is, in wire order, and sets nothing in how the message is sent.
 */
class ServiceBusMessageMapperTest {
    @Test
    void propertiesNamedLikeJmsHeadersAreApplicationPropertiesAndSetNothingElse() throws Exception {
        MessageProperties hostile =
                MessageProperties.of(
                        "JMSXGroupID", "group-7",
                        "JMS_AMQP_TTL", "1",
                        "JMSType", "alert",
                        "JMSXDeliveryCount", "abc",
                        "JMSXUserID", "mallory",
                        "JMSCorrelationID", "not-the-correlation-id",
                        "", "empty name",
                        "level", "critical",
                        "note", null);
        Message message =
                Message.builder(RoutingSource.DEVICE_MESSAGES)
                        .systemProperties(MessageProperties.of("connectionDeviceId", "dev-1"))
                        .appProperties(hostile)
                        .body("{}")
                        .build();
        AmqpJmsBytesMessageFacade facade = new AmqpJmsBytesMessageFacade();

        new ServiceBusMessageMapper()
                .fill(
                        new JmsBytesMessage(facade),
                        new RoutedMessage("alerts", message, 0, 1_714_558_530_123L));

        for (MessageProperties.Property property : hostile.entries()) {
            assertThat(facade.getApplicationProperty(property.name())).isEqualTo(property.value());
        }
        assertThat(facade.getApplicationPropertyNames(new LinkedHashSet<>()))
                .as("application properties in wire order, then the hub's")
                .containsExactly(
                        "JMSXGroupID",
                        "JMS_AMQP_TTL",
                        "JMSType",
                        "JMSXDeliveryCount",
                        "JMSXUserID",
                        "JMSCorrelationID",
                        "",
                        "level",
                        "note",
                        "iothub-connection-device-id",
                        "iothub-enqueuedtime");
        assertThat(facade.getGroupId()).isNull();
        assertThat(facade.getType()).isNull();
        assertThat(facade.getUserId()).isNull();
        assertThat(facade.getCorrelationId()).isNull();
    }

    @Test
    void theDeliveryIdIsAnApplicationPropertyOfItsOwn() throws Exception {
        Message message =
                Message.builder(RoutingSource.DEVICE_MESSAGES)
                        .systemProperties(MessageProperties.of("messageId", "reused-by-the-device"))
                        .body("{}")
                        .build();
        AmqpJmsBytesMessageFacade facade = new AmqpJmsBytesMessageFacade();

        new ServiceBusMessageMapper()
                .fill(
                        new JmsBytesMessage(facade),
                        new RoutedMessage("alerts", message, 1, 5L, "d2c/1/99/alerts"));

        assertThat(facade.getApplicationProperty("hubroute-delivery-id"))
                .isEqualTo("d2c/1/99/alerts");
    }
}
