package io.hubroute.sink.amqp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.hubroute.sink.amqp.ServiceBusSink;
import io.hubroute.sink.internal.FailureClassifier;
import io.hubroute.sink.internal.FailureKind;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.MessageFormatException;
import jakarta.jms.ResourceAllocationException;
import org.apache.qpid.jms.exceptions.JMSSecuritySaslException;
import org.apache.qpid.jms.provider.exceptions.ProviderConnectionSecurityException;
import org.apache.qpid.jms.provider.exceptions.ProviderConnectionSecuritySaslException;
import org.apache.qpid.jms.provider.exceptions.ProviderSecurityException;
import org.junit.jupiter.api.Test;

/**
 * How Qpid JMS's failures are classified, as Qpid throws them (the shapes of the SASL and
 * connection refusals are those seen from embedded Artemis, {@code
 * ServiceBusAuthenticationITCase}), and the advice for refused credentials.
 */
class AmqpFailuresTest {
    /** The SASL outcome code of a temporary failure of the server ({@code sys-temp}). */
    private static final int SASL_SYS_TEMP = 4;

    private static final String KEY = "c2VjcmV0LWtleS10aGF0LW11c3Qtbm90LWxlYWs=";

    @Test
    void refusedCredentialsAreAnAuthenticationFailureAndARefusedSendIsTheEndpoints() {
        assertThat(AmqpFailures.classify(saslFailure()))
                .as("SASL PLAIN refused")
                .isEqualTo(FailureKind.AUTHENTICATION);
        assertThat(
                        AmqpFailures.classify(
                                new JMSSecuritySaslException(
                                        "Client failed to authenticate using SASL: PLAIN",
                                        SASL_SYS_TEMP)))
                .as("SASL sys-temp: the broker failed for now")
                .isEqualTo(FailureKind.TRANSIENT);
        assertThat(AmqpFailures.classify(connectionRefused()))
                .as("connection refused as it opened")
                .isEqualTo(FailureKind.AUTHENTICATION);
        assertThat(AmqpFailures.classify(linkRefused()))
                .as("a link or send refused: authorization")
                .isEqualTo(FailureKind.ENDPOINT);
        assertThat(
                        AmqpFailures.classify(
                                new JMSSecurityException(
                                        "unauthorized access [condition = amqp:unauthorized-access]")))
                .as("a security exception of no known origin")
                .isEqualTo(FailureKind.ENDPOINT);
        assertThat(AmqpFailures.classify(new InvalidDestinationException("no such queue")))
                .isEqualTo(FailureKind.ENDPOINT);
        assertThat(AmqpFailures.classify(new ResourceAllocationException("full")))
                .isEqualTo(FailureKind.ENDPOINT);
        assertThat(AmqpFailures.classify(new MessageFormatException("cannot map")))
                .isEqualTo(FailureKind.MESSAGE);
        assertThat(
                        AmqpFailures.classify(
                                new JMSException(
                                        "too big [condition = amqp:link:message-size-exceeded]")))
                .isEqualTo(FailureKind.MESSAGE);
        assertThat(AmqpFailures.classify(new JMSException("connection lost")))
                .isEqualTo(FailureKind.TRANSIENT);
    }

    @Test
    void adviceForAConnectionStringNamesItsPartsAndTheNamespaceNeverTheKey() {
        FailureClassifier classifier =
                AmqpFailures.forEndpoint(
                        ServiceBusSink.builder()
                                .setEndpointName("alerts")
                                .setConnectionString(
                                        "Endpoint=sb://ns.servicebus.windows.net/;"
                                                + "SharedAccessKeyName=send;SharedAccessKey="
                                                + KEY
                                                + ";EntityPath=alerts")
                                .build()
                                .options());

        assertThat(classifier.classify(saslFailure())).isEqualTo(FailureKind.AUTHENTICATION);
        assertThat(classifier.authenticationAdvice(saslFailure()))
                .startsWith(
                        "the Service Bus namespace at amqps://ns.servicebus.windows.net refused the"
                                + " connection string")
                .contains(
                        "check its SharedAccessKeyName (a shared access policy",
                        "with the Send claim",
                        "its SharedAccessKey (that policy's current primary or secondary key",
                        "its Endpoint (the namespace")
                .doesNotContain(KEY)
                .doesNotContain("send;")
                .doesNotContain("idleTimeout");
    }

    @Test
    void adviceForAnAmqpUriNamesTheUserNameAndPasswordOrTheirAbsence() {
        ServiceBusSink withCredentials =
                ServiceBusSink.builder()
                        .setEndpointName("alerts")
                        .setAmqpUri(
                                "amqps://broker.example:5671?transport.trustStorePassword=" + KEY)
                        .setCredentials("sender", KEY)
                        .setEntityPath("alerts")
                        .build();
        assertThat(
                        AmqpFailures.forEndpoint(withCredentials.options())
                                .authenticationAdvice(saslFailure()))
                .isEqualTo(
                        "the broker at amqps://broker.example:5671 refused the SASL credentials"
                                + " (PLAIN): check the user name and password (the user:password in"
                                + " the endpoint's amqp[s]://user:password@host:port connection"
                                + " string, or setCredentials(username, password))");

        ServiceBusSink withoutCredentials =
                ServiceBusSink.builder()
                        .setEndpointName("alerts")
                        .setAmqpUri("amqp://127.0.0.1:5672")
                        .setEntityPath("alerts")
                        .build();
        assertThat(
                        AmqpFailures.forEndpoint(withoutCredentials.options())
                                .authenticationAdvice(connectionRefused()))
                .startsWith(
                        "the broker at amqp://127.0.0.1:5672 refused a connection without"
                                + " credentials: give it a user name and password");
    }

    @Test
    void credentialsGivenAfterAConnectionStringAreAdvisedAsAUserNameAndPassword() {
        ServiceBusSink sink =
                ServiceBusSink.builder()
                        .setEndpointName("alerts")
                        .setConnectionString(
                                "Endpoint=sb://ns.servicebus.windows.net/;"
                                        + "SharedAccessKeyName=send;SharedAccessKey="
                                        + KEY
                                        + ";EntityPath=alerts")
                        .setCredentials("other", KEY)
                        .build();
        assertThat(sink.options().usesConnectionString()).isFalse();
        assertThat(AmqpFailures.forEndpoint(sink.options()).authenticationAdvice(saslFailure()))
                .contains("check the user name and password");
    }

    /** What {@code createConnection()} throws when the broker refuses SASL PLAIN. */
    private static JMSSecuritySaslException saslFailure() {
        JMSSecuritySaslException failure =
                new JMSSecuritySaslException("Client failed to authenticate using SASL: PLAIN");
        failure.initCause(
                new ProviderConnectionSecuritySaslException(
                        "Client failed to authenticate using SASL: PLAIN"));
        return failure;
    }

    /** What Artemis' refusal of a connection without credentials becomes. */
    private static JMSSecurityException connectionRefused() {
        String text =
                "AMQ229031: Unable to validate user from 127.0.0.1:52210. Username: null; SSL"
                        + " certificate subject DN: unavailable [condition ="
                        + " amqp:unauthorized-access]";
        JMSSecurityException failure = new JMSSecurityException(text);
        failure.initCause(new ProviderConnectionSecurityException(text));
        return failure;
    }

    /** What a link or send refused for want of rights becomes. */
    private static JMSSecurityException linkRefused() {
        String text =
                "Unauthorized access. 'Send' claim(s) are required to perform this operation."
                        + " [condition = amqp:unauthorized-access]";
        JMSSecurityException failure = new JMSSecurityException(text);
        failure.initCause(new ProviderSecurityException(text));
        return failure;
    }
}
