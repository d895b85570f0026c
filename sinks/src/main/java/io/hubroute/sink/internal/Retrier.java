package io.hubroute.sink.internal;

import io.hubroute.sink.EndpointHealth;
import io.hubroute.sink.FailurePolicy;
import io.hubroute.sink.RetryPolicy;
import java.io.IOException;
import java.util.Objects;
import org.apache.flink.metrics.MetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sinks' one retry component: runs endpoint calls under a {@link RetryPolicy} and {@link
 * FailurePolicy}, and is the only thing that reports attempts to the endpoint's {@link
 * EndpointHealthTracker} (attempt failed, retries exhausted, attempt succeeded), so every health
 * transition comes from here.
 *
 * <p>The endpoint's {@link FailureClassifier} sorts each failure into a {@link FailureKind}:
 *
 * <ul>
 *   <li>{@link FailureKind#TRANSIENT} and {@link FailureKind#ENDPOINT} (every message would fail
 *       alike: authentication, a missing entity) are retried. {@link FailurePolicy#BACKPRESSURE}
 *       retries for ever (at the policy's maximum delay once the budget is spent, which is logged
 *       once per call), blocking the caller; {@link FailurePolicy#DEAD_LETTER} gives up after the
 *       budget with {@link RetriesExhaustedException}, which tells the caller to divert.
 *   <li>{@link FailureKind#MESSAGE} (this one message can never be delivered) is never retried,
 *       under either policy: {@link #retryMessage} throws {@link UndeliverableMessageException} at
 *       once, and the caller diverts that message alone. It says nothing about the endpoint, so the
 *       health is left as it is.
 *   <li>{@link FailureKind#UNFIXABLE}: BACKPRESSURE throws an {@link IOException}, which fails the
 *       job so it restarts from its last checkpoint; DEAD_LETTER gives up at once.
 *   <li>{@link FailureKind#AUTHENTICATION} (the endpoint refused the credentials) is never retried
 *       nor diverted, under either policy: an {@link EndpointAuthenticationException} saying what
 *       to check ({@link FailureClassifier#authenticationAdvice}) fails the job at once.
 * </ul>
 *
 * <p>Writers use {@link #call} for a synchronous call, {@link #retryMessage} to go on with one
 * message whose own earlier attempts (an asynchronous send) failed, and {@link #attemptSucceeded}
 * for each acknowledgment that arrives asynchronously. Committers do not retry here: Flink retries
 * a commit request that asks for it ({@code CommitRequest.retryLater()}), so they only report the
 * outcome of each attempt ({@link #attemptFailed}, {@link #attemptSucceeded}) and ask {@link
 * #isTransient} whether to ask for a retry.
 *
 * <pre>{@code
 * Retrier retrier = Retrier.forEndpoint("telemetry", metrics.group(), retryPolicy,
 *     FailurePolicy.BACKPRESSURE, KafkaFailures::classify);
 * retrier.call(() -> client.send(batch));
 * }</pre>
 *
 * <p>Not thread-safe: use it from the writer's (or committer's) thread.
 */
public final class Retrier {
    private static final Logger LOG = LoggerFactory.getLogger(Retrier.class);

    /** One attempt of an endpoint call. */
    @FunctionalInterface
    public interface Attempt<T> {
        T run() throws Exception;
    }

    /** Waits between attempts; tests pass a fake. */
    @FunctionalInterface
    public interface Sleeper {
        Sleeper THREAD = Thread::sleep;

        void sleep(long millis) throws InterruptedException;
    }

    private final String endpointName;
    private final RetryPolicy retryPolicy;
    private final FailurePolicy failurePolicy;
    private final EndpointHealthTracker health;
    private final FailureClassifier classifier;
    private final Sleeper sleeper;

    Retrier(
            String endpointName,
            RetryPolicy retryPolicy,
            FailurePolicy failurePolicy,
            EndpointHealthTracker health,
            FailureClassifier classifier,
            Sleeper sleeper) {
        this.endpointName = Objects.requireNonNull(endpointName, "endpointName");
        this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
        this.failurePolicy = Objects.requireNonNull(failurePolicy, "failurePolicy");
        this.health = Objects.requireNonNull(health, "health");
        this.classifier = Objects.requireNonNull(classifier, "classifier");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    }

    /**
     * An endpoint's retrier, with a health tracker that is dead once a whole retry budget has
     * failed and exposes the {@code d2c.endpoints.health} gauge in {@code endpointGroup} (none when
     * null), waiting on the calling thread.
     */
    public static Retrier forEndpoint(
            String endpointName,
            MetricGroup endpointGroup,
            RetryPolicy retryPolicy,
            FailurePolicy failurePolicy,
            FailureClassifier classifier) {
        return new Retrier(
                endpointName,
                retryPolicy,
                failurePolicy,
                EndpointHealthTracker.forRetryPolicy(endpointName, endpointGroup, retryPolicy),
                classifier,
                Sleeper.THREAD);
    }

    /**
     * Runs the attempt until it succeeds, as the failure policy says. A call that carries no single
     * message has none to divert: a {@link FailureKind#MESSAGE} failure is thrown as an {@link
     * IOException}, as an unfixable one is.
     */
    public <T> T call(Attempt<T> attempt)
            throws IOException, InterruptedException, RetriesExhaustedException {
        try {
            return run(attempt, 0, false);
        } catch (UndeliverableMessageException e) {
            throw unfixable(e.getCause());
        }
    }

    /**
     * Runs {@code attempt} for one message until it succeeds, as the policies say, counting the
     * message's own attempts only: {@code failedAttempts} of them already failed elsewhere (an
     * asynchronous send, or a round that also carried other messages), the last with {@code
     * lastFailure}, which this call reports to the endpoint's health; 0 when none of its attempts
     * is known to have failed (then {@code lastFailure} is ignored). Every message gets at least
     * one attempt of its own: another message's failures never count against it.
     *
     * <p>Under every policy, a failure of {@link FailureKind#MESSAGE} (the last one already, or an
     * attempt's) ends it at once with {@link UndeliverableMessageException}: the message is
     * diverted, never retried. Under {@link FailurePolicy#DEAD_LETTER} it gives up ({@link
     * RetriesExhaustedException}, with the message's own attempt count and last failure) when the
     * message's failed attempts reach the budget, at once on an {@link FailureKind#UNFIXABLE}
     * failure, and, while the endpoint is already dead, after one failed attempt of the message's
     * own: while an endpoint stays dead, each message gets one attempt, not a whole budget. Under
     * {@link FailurePolicy#BACKPRESSURE} it goes on for ever, as {@link #call} does.
     */
    public <T> T retryMessage(int failedAttempts, Exception lastFailure, Attempt<T> attempt)
            throws IOException,
                    InterruptedException,
                    RetriesExhaustedException,
                    UndeliverableMessageException {
        if (failedAttempts < 0) {
            throw new IllegalArgumentException(
                    "failedAttempts must be >= 0, got " + failedAttempts);
        }
        if (failedAttempts > 0) {
            Objects.requireNonNull(lastFailure, "lastFailure");
            FailureKind kind = classifier.classify(lastFailure);
            if (kind == FailureKind.MESSAGE) {
                throw new UndeliverableMessageException(endpointName, failedAttempts, lastFailure);
            }
            if (kind != FailureKind.AUTHENTICATION
                    && failurePolicy == FailurePolicy.DEAD_LETTER
                    && health.health() == EndpointHealth.DEAD) {
                health.recordFailure(lastFailure);
                throw exhausted(lastFailure, failedAttempts);
            }
            failed(lastFailure, failedAttempts);
        }
        return run(attempt, failedAttempts, true);
    }

    /** An attempt made elsewhere succeeded: an acknowledgment that arrived asynchronously. */
    public void attemptSucceeded() {
        health.recordSuccess();
    }

    /**
     * An attempt made elsewhere failed and will not be retried here: a commit, which Flink retries
     * when asked to.
     */
    public void attemptFailed(Throwable failure) {
        health.recordFailure(failure);
    }

    /**
     * Whether retrying may help with {@code failure}: {@link FailureKind#TRANSIENT} or {@link
     * FailureKind#ENDPOINT}.
     */
    public boolean isTransient(Throwable failure) {
        return classifier.classify(failure).retryable();
    }

    /** What {@code failure} says about what to do next, as the endpoint classifies it. */
    public FailureKind classify(Throwable failure) {
        return classifier.classify(failure);
    }

    /** The exception for a failure that retrying cannot fix; its message is redacted. */
    public IOException unfixable(Throwable failure) {
        return new IOException(
                "endpoint '"
                        + endpointName
                        + "' failed with an error that retrying cannot fix: "
                        + Redaction.describe(failure),
                failure);
    }

    /** The exception for credentials the endpoint refused: names the endpoint and what to check. */
    private EndpointAuthenticationException authenticationFailed(Throwable failure) {
        return new EndpointAuthenticationException(
                endpointName, classifier.authenticationAdvice(failure), failure);
    }

    /** The endpoint's health, as the attempts so far have set it. */
    public EndpointHealth health() {
        return health.health();
    }

    /**
     * @param oneAttemptWhileDead under DEAD_LETTER, give up after a failed attempt made while the
     *     endpoint was already dead
     */
    private <T> T run(Attempt<T> attempt, int failedBefore, boolean oneAttemptWhileDead)
            throws IOException,
                    InterruptedException,
                    RetriesExhaustedException,
                    UndeliverableMessageException {
        int failedAttempts = failedBefore;
        while (true) {
            boolean wasDead = health.health() == EndpointHealth.DEAD;
            try {
                T result = attempt.run();
                health.recordSuccess();
                return result;
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception failure) {
                failedAttempts++;
                FailureKind kind = classifier.classify(failure);
                if (kind == FailureKind.MESSAGE) {
                    // the message's own problem: the endpoint's health is what it was
                    throw new UndeliverableMessageException(endpointName, failedAttempts, failure);
                }
                if (kind != FailureKind.AUTHENTICATION
                        && oneAttemptWhileDead
                        && wasDead
                        && failurePolicy == FailurePolicy.DEAD_LETTER) {
                    health.recordFailure(failure);
                    throw exhausted(failure, failedAttempts);
                }
                failed(failure, failedAttempts);
            }
        }
    }

    /** Records a failed attempt; throws when the policies say stop, else waits before the next. */
    private void failed(Exception failure, int failedAttempts)
            throws IOException, InterruptedException, RetriesExhaustedException {
        health.recordFailure(failure);
        FailureKind kind = classifier.classify(failure);
        if (kind == FailureKind.AUTHENTICATION) {
            throw authenticationFailed(failure);
        }
        boolean retryable = kind.retryable();
        if (failurePolicy == FailurePolicy.DEAD_LETTER) {
            if (!retryable) {
                throw new RetriesExhaustedException(endpointName, failedAttempts, failure);
            }
            if (retryPolicy.isExhausted(failedAttempts)) {
                throw exhausted(failure, failedAttempts);
            }
        } else if (!retryable) {
            throw unfixable(failure);
        } else if (failedAttempts == retryPolicy.maxAttempts()) {
            health.recordRetriesExhausted(failure);
            LOG.warn(
                    "Endpoint '{}' still failing after {} attempts; holding the job back and retrying"
                            + " every {} ms at most (failure policy BACKPRESSURE){}. Last failure: {}",
                    endpointName,
                    failedAttempts,
                    retryPolicy.maxDelay().toMillis(),
                    kind == FailureKind.ENDPOINT
                            ? "; the endpoint refuses every message alike (missing rights, a missing or"
                                    + " full entity): fix the endpoint or its settings"
                            : "",
                    Redaction.describe(failure));
        }
        sleeper.sleep(retryPolicy.delayMillisAfter(failedAttempts));
    }

    private RetriesExhaustedException exhausted(Throwable lastFailure, int attempts) {
        health.recordRetriesExhausted(lastFailure);
        return new RetriesExhaustedException(endpointName, attempts, lastFailure);
    }
}
