package io.hubroute.sink.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import io.hubroute.embedded.EmbeddedAmqpBroker;
import io.hubroute.embedded.ReceivedAmqpMessage;
import io.hubroute.sink.DeadLetterEndpoint;
import io.hubroute.sink.FailurePolicy;
import io.hubroute.sink.RoutedMessageTypeInfo;
import io.hubroute.sink.internal.EndpointAuthenticationException;
import io.hubroute.sink.testing.CapturedLogs;
import io.hubroute.sink.testing.TestDeliveries.ToDelivery;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Service Bus sink against a broker that takes one user name and password only (embedded
 * Artemis, SASL PLAIN, as Service Bus takes a policy name and key), in a Flink MiniCluster: the
 * right password delivers every message; a wrong one (or none) fails the job at once, under either
 * failure policy, with an {@link EndpointAuthenticationException} that names the endpoint and says
 * what to check, diverting nothing. The password is never shown: not in the error, its causes or
 * suppressed exceptions, their {@code toString}s, the sink's {@code toString} or the logs.
 */
class ServiceBusAuthenticationITCase {
    private static final String USER = "sender";
    private static final String PASSWORD = randomPassword();
    private static final String WRONG_PASSWORD = randomPassword();
    private static final int RECORDS = 20;

    /** Far longer than a refused login takes to report; far shorter than the send timeout. */
    private static final long FAILS_WITHIN_SECONDS = 30;

    private static EmbeddedAmqpBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = EmbeddedAmqpBroker.startWithUser(USER, PASSWORD);
    }

    @AfterAll
    static void stopBroker() throws Exception {
        broker.close();
    }

    @Test
    void theRightPasswordDeliversEveryMessage() throws Exception {
        String queue = "secured-" + UUID.randomUUID();
        ServiceBusSink sink = sink("secured", queue, PASSWORD, FailurePolicy.BACKPRESSURE, null);

        try (CapturedLogs logs = CapturedLogs.start()) {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
            env.fromSequence(0, RECORDS - 1)
                    .map(new ToDelivery("secured"), RoutedMessageTypeInfo.of())
                    .sinkTo(sink);
            env.execute("service-bus-right-password");
            assertHoldsNoPassword(logs.text(), "the logs");
        }

        List<String> ids = new ArrayList<>();
        for (ReceivedAmqpMessage message : broker.receive(queue, RECORDS + 1, 2_000)) {
            ids.add(message.messageId());
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            expected.add("m-" + i);
        }
        assertThat(ids).containsExactlyElementsOf(expected);
        assertHoldsNoPassword(sink.toString(), "the sink");
    }

    @ParameterizedTest
    @EnumSource(FailurePolicy.class)
    void aWrongPasswordFailsTheJobAtOnceSayingWhatToCheckAndDivertsNothing(FailurePolicy policy)
            throws Exception {
        String queue = "secured-" + UUID.randomUUID();
        String deadLetterQueue = "deadletters-" + UUID.randomUUID();
        DeadLetterEndpoint deadLetters =
                policy == FailurePolicy.DEAD_LETTER
                        ? DeadLetterEndpoint.of(
                                "deadletters",
                                sink(
                                        "deadletters",
                                        deadLetterQueue,
                                        PASSWORD,
                                        FailurePolicy.BACKPRESSURE,
                                        null))
                        : null;
        ServiceBusSink sink = sink("secured", queue, WRONG_PASSWORD, policy, deadLetters);

        Throwable failure;
        try (CapturedLogs logs = CapturedLogs.start()) {
            failure = runUntilItFails(sink);
            assertThat(logs.text()).contains("JMSSecuritySaslException");
            assertHoldsNoPassword(logs.text(), "the logs");
        }

        EndpointAuthenticationException explained = authenticationFailure(failure);
        assertThat(explained.getMessage())
                .startsWith(
                        "endpoint 'secured': authentication failed: the broker at "
                                + broker.amqpUri()
                                + " refused the SASL credentials (PLAIN): check the user name and"
                                + " password")
                .contains(
                        "Cause: JMSSecuritySaslException: Client failed to authenticate using SASL:"
                                + " PLAIN");
        assertChainHoldsNoPassword(failure);
        assertHoldsNoPassword(sink.toString(), "the sink");
        assertThat(broker.messageCount(queue)).as("delivered").isZero();
        assertThat(broker.messageCount(deadLetterQueue)).as("dead-lettered").isZero();
    }

    @Test
    void noCredentialsFailTheJobAtOnceSayingToGiveThem() throws Exception {
        ServiceBusSink sink =
                ServiceBusSink.builder()
                        .setEndpointName("secured")
                        .setAmqpUri(broker.amqpUri())
                        .setEntityPath("secured-" + UUID.randomUUID())
                        .build();

        Throwable failure = runUntilItFails(sink);

        assertThat(authenticationFailure(failure).getMessage())
                .startsWith(
                        "endpoint 'secured': authentication failed: the broker at "
                                + broker.amqpUri()
                                + " refused a connection without credentials: give it a user name"
                                + " and password")
                .contains("amqp:unauthorized-access");
    }

    private static ServiceBusSink sink(
            String endpointName,
            String queue,
            String password,
            FailurePolicy policy,
            DeadLetterEndpoint deadLetterEndpoint) {
        ServiceBusSinkBuilder builder =
                ServiceBusSink.builder()
                        .setEndpointName(endpointName)
                        .setAmqpUri(broker.amqpUri())
                        .setCredentials(USER, password)
                        .setEntityPath(queue)
                        .setFailurePolicy(policy);
        if (deadLetterEndpoint != null) {
            builder.setDeadLetterEndpoint(deadLetterEndpoint);
        }
        return builder.build();
    }

    /**
     * Runs {@link #RECORDS} messages into {@code sink} without restarts (the sink's retry policy is
     * the default one) and returns why the job failed; fails the test when it runs longer than
     * {@link #FAILS_WITHIN_SECONDS}.
     */
    private static Throwable runUntilItFails(ServiceBusSink sink) throws Exception {
        Configuration configuration = new Configuration();
        configuration.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(1, configuration);
        env.fromSequence(0, RECORDS - 1)
                .map(new ToDelivery("secured"), RoutedMessageTypeInfo.of())
                .sinkTo(sink);
        JobClient job = env.executeAsync("service-bus-refused-credentials");
        try {
            job.getJobExecutionResult().get(FAILS_WITHIN_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e;
        } catch (TimeoutException e) {
            job.cancel().get(30, TimeUnit.SECONDS);
            throw new AssertionError(
                    "the job still ran after "
                            + FAILS_WITHIN_SECONDS
                            + " s with refused credentials",
                    e);
        }
        throw new AssertionError("the job finished with refused credentials");
    }

    private static EndpointAuthenticationException authenticationFailure(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof EndpointAuthenticationException) {
                return (EndpointAuthenticationException) cause;
            }
        }
        throw new AssertionError(
                "no EndpointAuthenticationException in " + chain(failure), failure);
    }

    private static void assertChainHoldsNoPassword(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            assertHoldsNoPassword(cause.toString(), "a cause's toString");
            for (Throwable suppressed : cause.getSuppressed()) {
                assertChainHoldsNoPassword(suppressed);
            }
        }
    }

    /** Neither password, nor a piece of one. */
    private static void assertHoldsNoPassword(String text, String what) {
        assertThat(text)
                .as(what)
                .doesNotContain(PASSWORD.substring(0, 12))
                .doesNotContain(WRONG_PASSWORD.substring(0, 12));
    }

    private static String chain(Throwable failure) {
        StringBuilder text = new StringBuilder();
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            text.append("\n  ").append(cause);
        }
        return text.toString();
    }

    /** A random 32-byte password in base64, as a shared access key is made. */
    private static String randomPassword() {
        byte[] password = new byte[32];
        new SecureRandom().nextBytes(password);
        return Base64.getEncoder().encodeToString(password);
    }
}
