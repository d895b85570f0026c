package io.hubroute.sink.amqp.internal;

import io.hubroute.message.Message;
import io.hubroute.message.MessageProperties;
import io.hubroute.message.SystemPropertyNames;
import io.hubroute.sink.RoutedMessage;
import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.Session;
import java.lang.reflect.Method;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import org.apache.qpid.jms.message.JmsMessage;
import org.apache.qpid.jms.provider.amqp.message.AmqpJmsMessageFacade;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps a delivery to the AMQP message IoT Hub sends to Service Bus: a data section with the body
 * bytes; application properties in wire order, whatever their names (written into the AMQP
 * application-properties section, never with JMS property semantics, so no device property can set
 * the group, type or time to live), then the system properties Service Bus carries as application
 * properties under their {@code iothub-*} names; CorrelationId, ContentType and ContentEncoding as
 * AMQP properties fields. UserId goes as the application property {@code user-id}: Qpid JMS always
 * replaces the AMQP user-id field with the connection's own user. MessageId is set at send time
 * (see {@link ProvidedMessageIdPolicy}).
 */
public final class ServiceBusMessageMapper {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceBusMessageMapper.class);

    /** System properties sent as application properties: queryable name, then Service Bus name. */
    static final List<String[]> SYSTEM_APPLICATION_PROPERTIES =
            List.of(
                    new String[] {
                        SystemPropertyNames.CONNECTION_DEVICE_ID, "iothub-connection-device-id"
                    },
                    new String[] {
                        SystemPropertyNames.CONNECTION_MODULE_ID, "iothub-connection-module-id"
                    },
                    new String[] {
                        SystemPropertyNames.CONNECTION_DEVICE_GENERATION_ID,
                        "iothub-connection-auth-generation-id"
                    },
                    new String[] {
                        SystemPropertyNames.CONNECTION_AUTH_METHOD, "iothub-connection-auth-method"
                    },
                    new String[] {
                        SystemPropertyNames.CREATION_TIME_UTC, "iothub-creation-time-utc"
                    },
                    new String[] {SystemPropertyNames.DT_DATASCHEMA, "dt-dataschema"},
                    new String[] {SystemPropertyNames.DT_SUBJECT, "dt-subject"});

    /** The user id's application property name; see {@link #toJmsMessage}. */
    static final String USER_ID_PROPERTY = "user-id";

    /** The enqueued time's Service Bus application property name. */
    static final String ENQUEUED_TIME_PROPERTY = "iothub-enqueuedtime";

    /**
     * Qpid JMS has no public setter for the AMQP content-encoding field; its facade's
     * package-private accessor to the AMQP properties section is the one way to set it.
     */
    private static final Method PROPERTIES_ACCESSOR = findPropertiesAccessor();

    /**
     * The facade's package-private setter of the application-properties section: the one way to
     * give it a map that keeps the properties' order.
     */
    private static final Method APPLICATION_PROPERTIES_SETTER = findApplicationPropertiesSetter();

    private static boolean warnedContentEncoding;

    /** Builds the JMS message for one delivery in {@code session}. */
    public BytesMessage toJmsMessage(Session session, RoutedMessage delivery) throws JMSException {
        BytesMessage jms = session.createBytesMessage();
        fill(jms, delivery);
        return jms;
    }

    /** Writes one delivery into a new, empty Qpid JMS bytes message. */
    void fill(BytesMessage jms, RoutedMessage delivery) throws JMSException {
        Message message = delivery.message();
        jms.writeBytes(message.body());
        AmqpJmsMessageFacade facade = (AmqpJmsMessageFacade) ((JmsMessage) jms).getFacade();

        // Straight into the AMQP application-properties section, never through JMS property
        // semantics: a device property named JMSXGroupID, JMS_AMQP_TTL, JMSType or
        // JMSXDeliveryCount (or with an empty name) is an application property like any other,
        // and changes nothing in how the message is sent.
        keepApplicationPropertyOrder(facade);
        for (MessageProperties.Property property : message.appProperties().entries()) {
            facade.setApplicationProperty(property.name(), property.value());
        }
        for (int i = 0; i < SYSTEM_APPLICATION_PROPERTIES.size(); i++) {
            String[] names = SYSTEM_APPLICATION_PROPERTIES.get(i);
            String value = message.systemProperty(names[0]).orElse(null);
            if (value != null) {
                facade.setApplicationProperty(names[1], value);
            }
        }
        String enqueuedTime =
                message.systemProperty(SystemPropertyNames.ENQUEUED_TIME).orElse(null);
        if (enqueuedTime == null && delivery.enqueuedTimeMillis() > 0) {
            enqueuedTime = Instant.ofEpochMilli(delivery.enqueuedTimeMillis()).toString();
        }
        if (enqueuedTime != null) {
            facade.setApplicationProperty(ENQUEUED_TIME_PROPERTY, enqueuedTime);
        }
        if (delivery.deliveryId() != null) {
            facade.setApplicationProperty(
                    RoutedMessage.DELIVERY_ID_PROPERTY, delivery.deliveryId());
        }

        String correlationId =
                message.systemProperty(SystemPropertyNames.CORRELATION_ID).orElse(null);
        if (correlationId != null) {
            jms.setJMSCorrelationID(correlationId);
        }
        String userId = message.systemProperty(SystemPropertyNames.USER_ID).orElse(null);
        if (userId != null) {
            // Qpid JMS overwrites the AMQP user-id field on every send (with the authenticated
            // user or nothing, so a client cannot claim another identity): carry it as a property
            facade.setApplicationProperty(USER_ID_PROPERTY, userId);
        }
        String contentType = message.systemProperty(SystemPropertyNames.CONTENT_TYPE).orElse(null);
        if (contentType != null) {
            facade.setContentType(Symbol.valueOf(contentType));
        }
        String contentEncoding =
                message.systemProperty(SystemPropertyNames.CONTENT_ENCODING).orElse(null);
        if (contentEncoding != null) {
            setContentEncoding(facade, contentEncoding);
        }
    }

    /**
     * Gives the message an application-properties map that keeps insertion order, so properties go
     * out in wire order (Qpid's own map is a {@code HashMap}). Without the accessor they still all
     * go out, in Qpid's order.
     */
    private static void keepApplicationPropertyOrder(AmqpJmsMessageFacade facade) {
        if (APPLICATION_PROPERTIES_SETTER == null) {
            return;
        }
        try {
            APPLICATION_PROPERTIES_SETTER.invoke(
                    facade, new ApplicationProperties(new LinkedHashMap<>()));
        } catch (ReflectiveOperationException | RuntimeException e) {
            // Qpid's own map then; the order is all that is lost
        }
    }

    private static void setContentEncoding(AmqpJmsMessageFacade facade, String contentEncoding) {
        Properties properties = null;
        if (PROPERTIES_ACCESSOR != null) {
            try {
                properties = (Properties) PROPERTIES_ACCESSOR.invoke(facade);
            } catch (ReflectiveOperationException | RuntimeException e) {
                properties = null;
            }
        }
        if (properties != null) {
            properties.setContentEncoding(Symbol.valueOf(contentEncoding));
        } else if (!warnedContentEncoding) {
            warnedContentEncoding = true;
            LOG.warn(
                    "This Qpid JMS version does not let hubroute set the AMQP content-encoding; messages go without it");
        }
    }

    private static Method findApplicationPropertiesSetter() {
        try {
            Method method =
                    AmqpJmsMessageFacade.class.getDeclaredMethod(
                            "setApplicationProperties", ApplicationProperties.class);
            method.setAccessible(true);
            return method;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static Method findPropertiesAccessor() {
        try {
            Method method = AmqpJmsMessageFacade.class.getDeclaredMethod("getProperties");
            method.setAccessible(true);
            return method;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
