package io.hubroute.sink.amqp.internal;

import io.hubroute.sink.internal.FailureKind;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.MessageFormatException;
import jakarta.jms.ResourceAllocationException;

/**
 * The Service Bus writer's {@link io.hubroute.sink.internal.FailureClassifier}: what a Qpid JMS
 * failure means. Only the exception itself is read, never its causes: a producer closed because of
 * another message's refusal carries that refusal as its cause.
 *
 * <ul>
 *   <li>{@link FailureKind#MESSAGE}: the message cannot be mapped to AMQP ({@link
 *       MessageFormatException}, see {@link AmqpChannel}), or the broker refuses its size ({@code
 *       amqp:link:message-size-exceeded}: over 256 KB on Service Bus Standard, 100 MB on Premium).
 *       An asynchronous refusal may be the link's rather than the message's, so the writer confirms
 *       it with an attempt of the message's own on a new connection before it diverts.
 *   <li>{@link FailureKind#ENDPOINT}: authentication or authorization failed ({@link
 *       JMSSecurityException}, {@code amqp:unauthorized-access}), the queue or topic does not exist
 *       ({@link InvalidDestinationException}, {@code amqp:not-found}), or it is full ({@link
 *       ResourceAllocationException}, {@code amqp:resource-limit-exceeded}).
 *   <li>{@link FailureKind#TRANSIENT}: everything else (lost connections, timeouts, a broker
 *       restarting): a broker that refuses a message for another reason is not told apart from one
 *       that is down, so it is retried.
 * </ul>
 */
final class AmqpFailures {
    /** How Qpid JMS names the remote error condition in an exception's message. */
    private static final String MESSAGE_SIZE_EXCEEDED =
            "[condition = amqp:link:message-size-exceeded]";

    private AmqpFailures() {}

    static FailureKind classify(Throwable failure) {
        if (failure instanceof MessageFormatException) {
            return FailureKind.MESSAGE;
        }
        String message = failure.getMessage();
        if (message != null && message.contains(MESSAGE_SIZE_EXCEEDED)) {
            return FailureKind.MESSAGE;
        }
        if (failure instanceof JMSSecurityException
                || failure instanceof InvalidDestinationException
                || failure instanceof ResourceAllocationException) {
            return FailureKind.ENDPOINT;
        }
        return FailureKind.TRANSIENT;
    }
}
