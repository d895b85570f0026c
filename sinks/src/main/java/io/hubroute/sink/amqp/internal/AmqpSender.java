package io.hubroute.sink.amqp.internal;

import io.hubroute.sink.RoutedMessage;
import jakarta.jms.CompletionListener;
import jakarta.jms.JMSException;

/**
 * What {@link ServiceBusWriter} needs of the broker: {@link AmqpChannel} in production, a
 * hand-written fake in tests. Used from the writer's thread only.
 */
interface AmqpSender extends AutoCloseable {
    /**
     * Sends without waiting; {@code listener} hears the broker's acknowledgment or failure.
     *
     * @throws JMSException when the send cannot even start (no connection)
     */
    void sendAsync(RoutedMessage delivery, String messageId, CompletionListener listener)
            throws JMSException;

    /** Sends and waits for the broker's acknowledgment. */
    void sendAndWait(RoutedMessage delivery, String messageId) throws JMSException;

    /** Drops the connection; the next send opens a new one. */
    @Override
    void close();
}
