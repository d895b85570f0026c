package io.hubroute.sink.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hubroute.sink.EndpointHealth;
import io.hubroute.sink.FailurePolicy;
import io.hubroute.sink.RetryPolicy;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetrierTest {
    private final List<Long> sleeps = new ArrayList<>();
    private final RetryPolicy policy =
            RetryPolicy.builder()
                    .setInitialDelay(Duration.ofMillis(10))
                    .setMaxDelay(Duration.ofMillis(40))
                    .setMaxAttempts(3)
                    .build();

    private Retrier retrier(FailurePolicy failurePolicy, EndpointHealthTracker health) {
        return new Retrier("ep", policy, failurePolicy, health, RetrierTest::classify, sleeps::add);
    }

    /**
     * IOException: transient; a security failure: the endpoint's; refused credentials:
     * authentication; too large: the message's.
     */
    private static FailureKind classify(Throwable failure) {
        if (failure instanceof RefusedCredentials) {
            return FailureKind.AUTHENTICATION;
        }
        if (failure instanceof SecurityException) {
            return FailureKind.ENDPOINT;
        }
        if (failure instanceof TooLarge) {
            return FailureKind.MESSAGE;
        }
        return failure instanceof IOException ? FailureKind.TRANSIENT : FailureKind.UNFIXABLE;
    }

    private static final class RefusedCredentials extends Exception {
        RefusedCredentials(String message) {
            super(message);
        }
    }

    private static final class TooLarge extends Exception {
        TooLarge(String message) {
            super(message);
        }
    }

    @Test
    void aFailureOfTheMessageItselfIsNeverRetriedUnderEitherPolicyNorCountedAgainstTheEndpoint() {
        for (FailurePolicy failurePolicy : FailurePolicy.values()) {
            sleeps.clear();
            EndpointHealthTracker health = EndpointHealthTracker.forRetryPolicy("ep", null, policy);
            Retrier retrier = retrier(failurePolicy, health);
            retrier.attemptSucceeded();
            int[] calls = {0};
            assertThatThrownBy(
                            () ->
                                    retrier.retryMessage(
                                            0,
                                            null,
                                            () -> {
                                                calls[0]++;
                                                throw new TooLarge("300000 bytes sig=abc");
                                            }))
                    .as(failurePolicy.name())
                    .isInstanceOf(UndeliverableMessageException.class)
                    .hasMessage(
                            "endpoint 'ep' cannot take the message (attempt 1): TooLarge: 300000 bytes sig=***")
                    .extracting(e -> ((UndeliverableMessageException) e).attempts())
                    .isEqualTo(1);
            assertThat(calls[0]).isEqualTo(1);
            assertThat(sleeps).isEmpty();
            assertThat(health.health()).isEqualTo(EndpointHealth.HEALTHY);
        }
    }

    @Test
    void aMessageWhoseFailureElsewhereWasItsOwnIsGivenUpWithoutAnotherAttempt() {
        EndpointHealthTracker health = EndpointHealthTracker.forRetryPolicy("ep", null, policy);
        int[] calls = {0};
        assertThatThrownBy(
                        () ->
                                retrier(FailurePolicy.BACKPRESSURE, health)
                                        .retryMessage(
                                                1,
                                                new TooLarge("refused asynchronously"),
                                                () -> {
                                                    calls[0]++;
                                                    return "ok";
                                                }))
                .isInstanceOf(UndeliverableMessageException.class)
                .extracting(e -> ((UndeliverableMessageException) e).attempts())
                .isEqualTo(1);
        assertThat(calls[0]).isZero();
    }

    @Test
    void anEndpointFailureIsRetriedUnderBackpressureBeyondTheBudgetNotThrown() throws Exception {
        EndpointHealthTracker health = EndpointHealthTracker.forRetryPolicy("ep", null, policy);
        int[] calls = {0};
        String result =
                retrier(FailurePolicy.BACKPRESSURE, health)
                        .retryMessage(
                                0,
                                null,
                                () -> {
                                    if (++calls[0] < 5) {
                                        throw new SecurityException("authentication failed");
                                    }
                                    return "ok";
                                });
        assertThat(result).isEqualTo("ok");
        assertThat(sleeps).containsExactly(10L, 20L, 40L, 40L);
        assertThat(health.health()).isEqualTo(EndpointHealth.DEGRADED);
    }

    @Test
    void aCallForNoSingleMessageFailsOnAMessageFailureAsOnAnUnfixableOne() {
        EndpointHealthTracker health = EndpointHealthTracker.forRetryPolicy("ep", null, policy);
        assertThatThrownBy(
                        () ->
                                retrier(FailurePolicy.BACKPRESSURE, health)
                                        .call(
                                                () -> {
                                                    throw new TooLarge("batch");
                                                }))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("retrying cannot fix: TooLarge: batch");
    }

    @Test
    void backpressureRetriesBeyondTheBudgetUntilSuccess() throws Exception {
        EndpointHealthTracker health = EndpointHealthTracker.forRetryPolicy("ep", null, policy);
        int[] calls = {0};
        String result =
                retrier(FailurePolicy.BACKPRESSURE, health)
                        .call(
                                () -> {
                                    if (++calls[0] < 6) {
                                        throw new IOException("down");
                                    }
                                    return "ok";
                                });
        assertThat(result).isEqualTo("ok");
        assertThat(sleeps).containsExactly(10L, 20L, 40L, 40L, 40L);
        assertThat(health.health()).isEqualTo(EndpointHealth.DEGRADED);
    }

    @Test
    void deadLetterGivesUpAfterTheBudget() {
        EndpointHealthTracker health = EndpointHealthTracker.forRetryPolicy("ep", null, policy);
        assertThatThrownBy(
                        () ->
                                retrier(FailurePolicy.DEAD_LETTER, health)
                                        .call(
                                                () -> {
                                                    throw new IOException("down sig=abc123");
                                                }))
                .isInstanceOf(RetriesExhaustedException.class)
                .hasMessage("endpoint 'ep' failed 3 attempt(s); last: IOException: down sig=***");
        assertThat(sleeps).containsExactly(10L, 20L);
        assertThat(health.health()).isEqualTo(EndpointHealth.DEAD);
    }

    @Test
    void backpressureFailsAtOnceOnAnErrorRetryingCannotFix() {
        EndpointHealthTracker health = EndpointHealthTracker.forRetryPolicy("ep", null, policy);
        assertThatThrownBy(
                        () ->
                                retrier(FailurePolicy.BACKPRESSURE, health)
                                        .call(
                                                () -> {
                                                    throw new IllegalStateException("bad");
                                                }))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("retrying cannot fix: IllegalStateException: bad");
        assertThat(sleeps).isEmpty();
    }

    @Test
    void retryMessageCountsTheFailureThatHappenedElsewhereAsTheFirstAttempt() {
        EndpointHealthTracker health = EndpointHealthTracker.forRetryPolicy("ep", null, policy);
        int[] calls = {0};
        assertThatThrownBy(
                        () ->
                                retrier(FailurePolicy.DEAD_LETTER, health)
                                        .retryMessage(
                                                1,
                                                new IOException("async send failed"),
                                                () -> {
                                                    calls[0]++;
                                                    throw new IOException("still down");
                                                }))
                .isInstanceOf(RetriesExhaustedException.class)
                .hasMessage("endpoint 'ep' failed 3 attempt(s); last: IOException: still down");
        assertThat(calls[0]).isEqualTo(2);
        assertThat(sleeps).containsExactly(10L, 20L);
        assertThat(health.health()).isEqualTo(EndpointHealth.DEAD);
    }

    @Test
    void retryMessageWaitsBeforeTheSecondAttemptAndReportsRecovery() throws Exception {
        EndpointHealthTracker health = EndpointHealthTracker.forRetryPolicy("ep", null, policy);
        String result =
                retrier(FailurePolicy.BACKPRESSURE, health)
                        .retryMessage(1, new IOException("blip"), () -> "ok");
        assertThat(result).isEqualTo("ok");
        assertThat(sleeps).containsExactly(10L);
        assertThat(health.health()).isEqualTo(EndpointHealth.DEGRADED);
    }

    @Test
    void retryMessageUnderDeadLetterGivesUpAtOnceWhileTheEndpointIsDead() {
        EndpointHealthTracker health = EndpointHealthTracker.forRetryPolicy("ep", null, policy);
        Retrier retrier = retrier(FailurePolicy.DEAD_LETTER, health);
        assertThatThrownBy(
                        () ->
                                retrier.call(
                                        () -> {
                                            throw new IOException("down");
                                        }))
                .isInstanceOf(RetriesExhaustedException.class);
        assertThat(health.health()).isEqualTo(EndpointHealth.DEAD);
        sleeps.clear();

        int[] calls = {0};
        assertThatThrownBy(
                        () ->
                                retrier.retryMessage(
                                        1,
                                        new IOException("next send failed"),
                                        () -> {
                                            calls[0]++;
                                            return "ok";
                                        }))
                .isInstanceOf(RetriesExhaustedException.class)
                .hasMessage(
                        "endpoint 'ep' failed 1 attempt(s); last: IOException: next send failed")
                .extracting(e -> ((RetriesExhaustedException) e).attempts())
                .isEqualTo(1);
        assertThat(calls[0]).isZero();
        assertThat(sleeps).isEmpty();
        assertThat(health.health()).isEqualTo(EndpointHealth.DEAD);
    }

    @Test
    void underDeadLetterEveryMessageGetsAnAttemptOfItsOwnAfterAnotherSpentTheBudget()
            throws Exception {
        EndpointHealthTracker health = EndpointHealthTracker.forRetryPolicy("ep", null, policy);
        Retrier retrier = retrier(FailurePolicy.DEAD_LETTER, health);
        assertThatThrownBy(
                        () ->
                                retrier.retryMessage(
                                        1,
                                        new IOException("first refused"),
                                        () -> {
                                            throw new IOException("first refused again");
                                        }))
                .isInstanceOf(RetriesExhaustedException.class)
                .extracting(e -> ((RetriesExhaustedException) e).attempts())
                .isEqualTo(3);
        assertThat(health.health()).isEqualTo(EndpointHealth.DEAD);

        // the next message has no failed attempt of its own: it is tried, and it goes through
        int[] calls = {0};
        String result =
                retrier.retryMessage(
                        0,
                        null,
                        () -> {
                            calls[0]++;
                            return "ok";
                        });
        assertThat(result).isEqualTo("ok");
        assertThat(calls[0]).isEqualTo(1);
        assertThat(health.health()).isEqualTo(EndpointHealth.DEGRADED);
    }

    @Test
    void underDeadLetterAMessageThatFailsItsOwnAttemptWhileTheEndpointIsDeadCarriesItsOwnReason() {
        EndpointHealthTracker health = EndpointHealthTracker.forRetryPolicy("ep", null, policy);
        Retrier retrier = retrier(FailurePolicy.DEAD_LETTER, health);
        for (int i = 0; i < 3; i++) {
            retrier.attemptFailed(new IOException("other message refused"));
        }
        assertThat(health.health()).isEqualTo(EndpointHealth.DEAD);
        sleeps.clear();

        assertThatThrownBy(
                        () ->
                                retrier.retryMessage(
                                        0,
                                        null,
                                        () -> {
                                            throw new IOException("this message refused");
                                        }))
                .isInstanceOf(RetriesExhaustedException.class)
                .hasMessage(
                        "endpoint 'ep' failed 1 attempt(s); last: IOException: this message refused")
                .extracting(e -> ((RetriesExhaustedException) e).attempts())
                .isEqualTo(1);
        assertThat(sleeps).isEmpty();
    }

    @Test
    void aMessageWhoseOwnAttemptsSpentTheBudgetElsewhereIsGivenUpWithoutAnotherAttempt() {
        EndpointHealthTracker health = EndpointHealthTracker.forRetryPolicy("ep", null, policy);
        int[] calls = {0};
        assertThatThrownBy(
                        () ->
                                retrier(FailurePolicy.DEAD_LETTER, health)
                                        .retryMessage(
                                                3,
                                                new IOException("refused in three rounds"),
                                                () -> {
                                                    calls[0]++;
                                                    return "ok";
                                                }))
                .isInstanceOf(RetriesExhaustedException.class)
                .extracting(e -> ((RetriesExhaustedException) e).attempts())
                .isEqualTo(3);
        assertThat(calls[0]).isZero();
    }

    @Test
    void backpressureKeepsTheEndpointDeadFromTheSpentBudgetUntilAnAttemptSucceeds()
            throws Exception {
        EndpointHealthTracker health = EndpointHealthTracker.forRetryPolicy("ep", null, policy);
        List<EndpointHealth> seenByAttempts = new ArrayList<>();
        int[] calls = {0};
        retrier(FailurePolicy.BACKPRESSURE, health)
                .call(
                        () -> {
                            seenByAttempts.add(health.health());
                            if (++calls[0] < 5) {
                                throw new IOException("down");
                            }
                            return "ok";
                        });
        assertThat(seenByAttempts)
                .containsExactly(
                        EndpointHealth.UNKNOWN,
                        EndpointHealth.UNHEALTHY,
                        EndpointHealth.UNHEALTHY,
                        EndpointHealth.DEAD,
                        EndpointHealth.DEAD);
        assertThat(health.health()).isEqualTo(EndpointHealth.DEGRADED);
    }

    @Test
    void attemptsMadeElsewhereFeedTheSameHealth() {
        EndpointHealthTracker health = EndpointHealthTracker.forRetryPolicy("ep", null, policy);
        Retrier retrier = retrier(FailurePolicy.BACKPRESSURE, health);
        retrier.attemptSucceeded();
        assertThat(retrier.health()).isEqualTo(EndpointHealth.HEALTHY);
        for (int i = 0; i < 3; i++) {
            retrier.attemptFailed(new IOException("commit failed"));
        }
        assertThat(retrier.health()).isEqualTo(EndpointHealth.DEAD);
        retrier.attemptSucceeded();
        assertThat(retrier.health()).isEqualTo(EndpointHealth.DEGRADED);
        assertThat(sleeps).isEmpty();
    }

    @Test
    void transientOrUnfixableIsTheEndpointsOwnClassification() {
        Retrier retrier =
                retrier(
                        FailurePolicy.BACKPRESSURE,
                        EndpointHealthTracker.forRetryPolicy("ep", null, policy));
        assertThat(retrier.isTransient(new IOException("reset"))).isTrue();
        assertThat(retrier.isTransient(new IllegalStateException("bad"))).isFalse();
        IllegalStateException failure = new IllegalStateException("bad key AccountKey=abc");
        assertThat(retrier.unfixable(failure))
                .hasMessage(
                        "endpoint 'ep' failed with an error that retrying cannot fix:"
                                + " IllegalStateException: bad key AccountKey=***")
                .hasCause(failure);
    }

    @Test
    void refusedCredentialsFailAtOnceUnderEitherPolicyWithoutRetryOrDiversion() {
        for (FailurePolicy failurePolicy : FailurePolicy.values()) {
            sleeps.clear();
            EndpointHealthTracker health = EndpointHealthTracker.forRetryPolicy("ep", null, policy);
            int[] calls = {0};
            assertThatThrownBy(
                            () ->
                                    retrier(failurePolicy, health)
                                            .call(
                                                    () -> {
                                                        calls[0]++;
                                                        throw new RefusedCredentials(
                                                                "invalid SharedAccessKey=abc");
                                                    }))
                    .as(failurePolicy.name())
                    .isInstanceOf(EndpointAuthenticationException.class)
                    .hasMessage(
                            "endpoint 'ep': authentication failed: check the endpoint's connection"
                                    + " string or credentials; retrying cannot fix this, so the job"
                                    + " fails now: correct the setting and start the job again."
                                    + " Cause: RefusedCredentials: invalid SharedAccessKey=***");
            assertThat(calls[0]).isEqualTo(1);
            assertThat(sleeps).isEmpty();
            assertThat(health.health()).isNotEqualTo(EndpointHealth.HEALTHY);
        }
    }

    @Test
    void aMessageWhoseFailureElsewhereWasRefusedCredentialsFailsWithoutAnotherAttempt() {
        for (FailurePolicy failurePolicy : FailurePolicy.values()) {
            EndpointHealthTracker health = EndpointHealthTracker.forRetryPolicy("ep", null, policy);
            Retrier retrier = retrier(failurePolicy, health);
            // even while the endpoint is dead, which under DEAD_LETTER would divert the message
            for (int i = 0; i < policy.maxAttempts(); i++) {
                retrier.attemptFailed(new IOException("down"));
            }
            assertThat(retrier.health()).isEqualTo(EndpointHealth.DEAD);
            int[] calls = {0};
            assertThatThrownBy(
                            () ->
                                    retrier.retryMessage(
                                            1,
                                            new RefusedCredentials("refused"),
                                            () -> {
                                                calls[0]++;
                                                return "sent";
                                            }))
                    .as(failurePolicy.name())
                    .isInstanceOf(EndpointAuthenticationException.class);
            assertThat(calls[0]).isZero();
        }
    }
}
