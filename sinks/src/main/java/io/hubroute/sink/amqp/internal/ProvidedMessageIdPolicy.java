package io.hubroute.sink.amqp.internal;

import org.apache.qpid.jms.JmsDestination;
import org.apache.qpid.jms.JmsSession;
import org.apache.qpid.jms.message.JmsMessageIDBuilder;
import org.apache.qpid.jms.policy.JmsMessageIDPolicy;

/**
 * Makes Qpid JMS send the AMQP message-id the writer chose instead of one it generates: JMS gives
 * applications no way to set the id, but Qpid asks this policy's builder for it on the sending
 * thread, during {@code send}, right after the writer called {@link #setNext}. The id goes out as
 * an AMQP string, exactly as given, which is what Service Bus shows as MessageId.
 */
final class ProvidedMessageIdPolicy implements JmsMessageIDPolicy, JmsMessageIDBuilder {
    private String next;

    /** The id of the message about to be sent. */
    void setNext(String messageId) {
        this.next = messageId;
    }

    @Override
    public Object createMessageID(String producerId, long messageSequence) {
        String id = next;
        next = null;
        if (id == null) {
            // a send the writer did not prepare: fall back to Qpid's own kind of id
            return "ID:" + producerId + "-" + messageSequence;
        }
        return id;
    }

    @Override
    public JmsMessageIDPolicy copy() {
        // the connection factory copies its policy into each connection; the writer's one
        // connection must keep talking to this instance
        return this;
    }

    @Override
    public JmsMessageIDBuilder getMessageIDBuilder(JmsSession session, JmsDestination destination) {
        return this;
    }
}
