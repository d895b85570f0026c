package io.hubroute.sink.amqp.internal;

import io.hubroute.sink.amqp.ServiceBusSinkOptions;
import io.hubroute.sink.internal.FailureClassifier;
import io.hubroute.sink.internal.FailureKind;
import io.hubroute.sink.internal.Redaction;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.MessageFormatException;
import jakarta.jms.ResourceAllocationException;
import java.net.URI;
import java.net.URISyntaxException;
import org.apache.qpid.jms.exceptions.JMSSecuritySaslException;
import org.apache.qpid.jms.provider.exceptions.ProviderConnectionSecurityException;

/**
 * The Service Bus writer's {@link FailureClassifier}: what a Qpid JMS failure means. Only the
 * exception itself is read, never the failures it was caused by: a producer closed because of
 * another message's refusal carries that refusal as its cause. (Its cause is read for one thing
 * only: whether Qpid's provider raised a {@link JMSSecurityException} for the connection or for a
 * link; that cause is the same refusal, not another message's.)
 *
 * <ul>
 *   <li>{@link FailureKind#MESSAGE}: the message cannot be mapped to AMQP ({@link
 *       MessageFormatException}, see {@link AmqpChannel}), or the broker refuses its size ({@code
 *       amqp:link:message-size-exceeded}: over 256 KB on Service Bus Standard, 100 MB on Premium).
 *       An asynchronous refusal may be the link's rather than the message's, so the writer confirms
 *       it with an attempt of the message's own on a new connection before it diverts.
 *   <li>{@link FailureKind#AUTHENTICATION}: the broker refused the credentials while the connection
 *       opened. SASL failed ({@link JMSSecuritySaslException}, "Client failed to authenticate using
 *       SASL: PLAIN", thrown by {@code createConnection()}: a wrong key or key name, a key
 *       regenerated since, the wrong namespace), unless the broker said its failure was temporary
 *       ({@code sys-temp}, {@link FailureKind#TRANSIENT}); or the broker closed the connection it
 *       was opening with {@code amqp:unauthorized-access} (a {@link JMSSecurityException} from
 *       {@link ProviderConnectionSecurityException}: Artemis does so to a client without
 *       credentials). The writer fails at once, with {@link #authenticationAdvice what to check}.
 *   <li>{@link FailureKind#ENDPOINT}: authorization failed on an established connection (any other
 *       {@link JMSSecurityException}: {@code amqp:unauthorized-access} on a link or a send, as a
 *       policy without the Send claim, or a role assignment still propagating, gets), the queue or
 *       topic does not exist ({@link InvalidDestinationException}, {@code amqp:not-found}), or it
 *       is full ({@link ResourceAllocationException}, {@code amqp:resource-limit-exceeded}).
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

    /** The classifier of an endpoint's writer: {@link #classify}, and advice naming its broker. */
    static FailureClassifier forEndpoint(ServiceBusSinkOptions options) {
        String broker = brokerOf(options.amqpUri());
        boolean connectionString = options.usesConnectionString();
        boolean credentials = options.username().isPresent();
        return FailureClassifier.withAdvice(
                AmqpFailures::classify,
                failure -> authenticationAdvice(broker, connectionString, credentials));
    }

    /**
     * What to check when {@code broker} refused the credentials; names settings, never values.
     *
     * @param connectionString whether the writer logs in with a Service Bus connection string
     * @param credentials whether it gives the broker a user name and password at all
     */
    static String authenticationAdvice(
            String broker, boolean connectionString, boolean credentials) {
        if (connectionString) {
            return "the Service Bus namespace at "
                    + broker
                    + " refused the connection string (SASL PLAIN, user = its"
                    + " SharedAccessKeyName): check its SharedAccessKeyName (a shared access policy"
                    + " of this namespace, or of the queue or topic, with the Send claim), its"
                    + " SharedAccessKey (that policy's current primary or secondary key;"
                    + " regenerating a key revokes the old one) and its Endpoint (the namespace the"
                    + " policy belongs to, sb://<namespace>.servicebus.windows.net/)";
        }
        if (!credentials) {
            return "the broker at "
                    + broker
                    + " refused a connection without credentials: give it a user name and"
                    + " password (amqp[s]://user:password@host:port as the endpoint's connection"
                    + " string, or setCredentials(username, password))";
        }
        return "the broker at "
                + broker
                + " refused the SASL credentials (PLAIN): check the user name and password (the"
                + " user:password in the endpoint's amqp[s]://user:password@host:port connection"
                + " string, or setCredentials(username, password))";
    }

    /**
     * {@code scheme://host:port} of the broker URI: no user info, path or options (which may hold a
     * trust store password).
     */
    static String brokerOf(String amqpUri) {
        try {
            URI uri = new URI(amqpUri);
            if (uri.getHost() != null) {
                return uri.getScheme()
                        + "://"
                        + uri.getHost()
                        + (uri.getPort() >= 0 ? ":" + uri.getPort() : "");
            }
        } catch (URISyntaxException e) {
            // the builder accepted it; show what can be shown safely
        }
        return Redaction.redactUri(amqpUri);
    }

    static FailureKind classify(Throwable failure) {
        if (failure instanceof MessageFormatException) {
            return FailureKind.MESSAGE;
        }
        String message = failure.getMessage();
        if (message != null && message.contains(MESSAGE_SIZE_EXCEEDED)) {
            return FailureKind.MESSAGE;
        }
        if (failure instanceof JMSSecuritySaslException) {
            return ((JMSSecuritySaslException) failure).isSysTempFailure()
                    ? FailureKind.TRANSIENT
                    : FailureKind.AUTHENTICATION;
        }
        if (failure instanceof JMSSecurityException
                && failure.getCause() instanceof ProviderConnectionSecurityException) {
            return FailureKind.AUTHENTICATION;
        }
        if (failure instanceof JMSSecurityException
                || failure instanceof InvalidDestinationException
                || failure instanceof ResourceAllocationException) {
            return FailureKind.ENDPOINT;
        }
        return FailureKind.TRANSIENT;
    }
}
