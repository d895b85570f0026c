package io.hubroute.embedded;

import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import java.lang.reflect.Method;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.qpid.jms.message.JmsMessage;
import org.apache.qpid.jms.provider.amqp.message.AmqpJmsMessageFacade;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Properties;

/** What a test receiver saw of one AMQP message: the AMQP fields the Service Bus sink sets. */
public record ReceivedAmqpMessage(
        String messageId,
        String correlationId,
        String userId,
        String contentType,
        String contentEncoding,
        Map<String, Object> applicationProperties,
        byte[] body) {

    private static final String NO_PREFIX = "ID:AMQP_NO_PREFIX:";

    public static ReceivedAmqpMessage of(Message message) throws JMSException {
        AmqpJmsMessageFacade facade = (AmqpJmsMessageFacade) ((JmsMessage) message).getFacade();
        Map<String, Object> properties = new LinkedHashMap<>();
        for (Enumeration<?> names = message.getPropertyNames(); names.hasMoreElements(); ) {
            String name = (String) names.nextElement();
            if (!name.startsWith("JMS")) {
                properties.put(name, message.getObjectProperty(name));
            }
        }
        byte[] body = new byte[0];
        if (message instanceof BytesMessage) {
            BytesMessage bytes = (BytesMessage) message;
            body = new byte[(int) bytes.getBodyLength()];
            bytes.readBytes(body);
        }
        Symbol contentType = facade.getContentType();
        return new ReceivedAmqpMessage(
                stripPrefix(message.getJMSMessageID()),
                message.getJMSCorrelationID(),
                facade.getUserId(),
                contentType == null ? null : contentType.toString(),
                contentEncoding(facade),
                Collections.unmodifiableMap(properties),
                body);
    }

    private static String stripPrefix(String id) {
        return id != null && id.startsWith(NO_PREFIX) ? id.substring(NO_PREFIX.length()) : id;
    }

    private static String contentEncoding(AmqpJmsMessageFacade facade) {
        try {
            Method accessor = AmqpJmsMessageFacade.class.getDeclaredMethod("getProperties");
            accessor.setAccessible(true);
            Properties properties = (Properties) accessor.invoke(facade);
            return properties == null || properties.getContentEncoding() == null
                    ? null
                    : properties.getContentEncoding().toString();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
