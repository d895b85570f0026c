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
        return new Retrier(
                "ep",
                policy,
                failurePolicy,
                health,
                failure -> failure instanceof IOException,
                sleeps::add);
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
    void retryAfterCountsTheFailureThatHappenedElsewhereAsTheFirstAttempt() {
        EndpointHealthTracker health = EndpointHealthTracker.forRetryPolicy("ep", null, policy);
        int[] calls = {0};
        assertThatThrownBy(
                        () ->
                                retrier(FailurePolicy.DEAD_LETTER, health)
                                        .retryAfter(
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
    void retryAfterWaitsBeforeTheSecondAttemptAndReportsRecovery() throws Exception {
        EndpointHealthTracker health = EndpointHealthTracker.forRetryPolicy("ep", null, policy);
        String result =
                retrier(FailurePolicy.BACKPRESSURE, health)
                        .retryAfter(new IOException("blip"), () -> "ok");
        assertThat(result).isEqualTo("ok");
        assertThat(sleeps).containsExactly(10L);
        assertThat(health.health()).isEqualTo(EndpointHealth.DEGRADED);
    }

    @Test
    void retryAfterUnderDeadLetterGivesUpAtOnceWhileTheEndpointIsDead() {
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
                                retrier.retryAfter(
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
}
