package io.hubroute.sink.amqp.internal;

import io.hubroute.sink.RoutedMessage;
import io.hubroute.sink.amqp.ServiceBusEntityKind;
import io.hubroute.sink.amqp.ServiceBusSinkOptions;
import io.hubroute.sink.internal.Redaction;
import jakarta.jms.BytesMessage;
import jakarta.jms.CompletionListener;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageFormatException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import org.apache.qpid.jms.JmsConnectionFactory;

/**
 * One writer's connection, session and producer to the endpoint, opened lazily and dropped on the
 * first error so the next attempt starts over on a fresh connection; maps each delivery to its AMQP
 * message ({@link ServiceBusMessageMapper}). Used from the writer's thread only; the broker's
 * acknowledgments arrive on Qpid's thread through {@link CompletionListener}s.
 */
final class AmqpChannel implements AmqpSender {
    private static final long CLOSE_TIMEOUT_MILLIS = 5_000;

    private final JmsConnectionFactory factory;
    private final String entityPath;
    private final ServiceBusEntityKind kind;
    private final ProvidedMessageIdPolicy messageIds = new ProvidedMessageIdPolicy();
    private final ServiceBusMessageMapper mapper = new ServiceBusMessageMapper();

    private Connection connection;
    private Session session;
    private MessageProducer producer;
    private volatile boolean broken;

    AmqpChannel(ServiceBusSinkOptions options) {
        this.factory = new JmsConnectionFactory(options.amqpUri());
        options.username().ifPresent(factory::setUsername);
        options.password().ifPresent(factory::setPassword);
        // Application properties are written through the AMQP message, whatever their names
        // (iothub-connection-device-id, ...); nothing should check them as JMS identifiers
        factory.setValidatePropertyNames(false);
        factory.setSendTimeout(options.sendTimeout().toMillis());
        factory.setConnectTimeout(options.sendTimeout().toMillis());
        factory.setRequestTimeout(options.sendTimeout().toMillis());
        factory.setCloseTimeout(CLOSE_TIMEOUT_MILLIS);
        factory.setMessageIDPolicy(messageIds);
        this.entityPath = options.entityPath();
        this.kind = options.kind();
    }

    /** The session to build messages in, opening the connection when there is none. */
    private Session open() throws JMSException {
        if (broken) {
            close();
        }
        if (connection == null) {
            Connection opened = factory.createConnection();
            try {
                opened.setExceptionListener(exception -> broken = true);
                Session newSession = opened.createSession(false, Session.AUTO_ACKNOWLEDGE);
                Destination destination =
                        kind == ServiceBusEntityKind.TOPIC
                                ? newSession.createTopic(entityPath)
                                : newSession.createQueue(entityPath);
                MessageProducer newProducer = newSession.createProducer(destination);
                newProducer.setDeliveryMode(DeliveryMode.PERSISTENT);
                opened.start();
                connection = opened;
                session = newSession;
                producer = newProducer;
                broken = false;
            } catch (JMSException | RuntimeException e) {
                closeQuietly(opened);
                throw e;
            }
        }
        return session;
    }

    /**
     * The delivery's AMQP message, in the session. A failure of the mapping itself is the message's
     * own, whatever the connection does: it is thrown as a {@link MessageFormatException}, which
     * the writer diverts rather than retries.
     */
    private Message toMessage(Session session, RoutedMessage delivery) throws JMSException {
        BytesMessage message = session.createBytesMessage();
        try {
            mapper.fill(message, delivery);
        } catch (JMSException | RuntimeException e) {
            MessageFormatException unmappable =
                    new MessageFormatException(
                            "cannot map the message to AMQP: " + Redaction.describe(e));
            unmappable.initCause(e);
            throw unmappable;
        }
        return message;
    }

    @Override
    public void sendAsync(RoutedMessage delivery, String messageId, CompletionListener listener)
            throws JMSException {
        Message message = toMessage(open(), delivery);
        messageIds.setNext(messageId);
        producer.send(message, listener);
    }

    @Override
    public void sendAndWait(RoutedMessage delivery, String messageId) throws JMSException {
        Message message = toMessage(open(), delivery);
        messageIds.setNext(messageId);
        producer.send(message);
    }

    /** Drops the connection; the next {@link #open()} makes a new one. */
    @Override
    public void close() {
        Connection toClose = connection;
        connection = null;
        session = null;
        producer = null;
        if (toClose != null) {
            closeQuietly(toClose);
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (JMSException | RuntimeException e) {
            // the connection is being dropped because it failed; a failing close adds nothing
        }
    }
}
