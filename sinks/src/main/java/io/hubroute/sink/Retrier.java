package io.hubroute.sink;

import java.io.IOException;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Runs endpoint calls under a {@link RetryPolicy} and {@link FailurePolicy}, and reports every
 * attempt to an {@link EndpointHealthTracker}.
 *
 * <ul>
 *   <li>{@link FailurePolicy#BACKPRESSURE}: transient failures are retried for ever (at the
 *       policy's maximum delay once the budget is spent), blocking the caller; a failure that is
 *       not transient is thrown as an {@link IOException}, which fails the job so it restarts from
 *       its last checkpoint.
 *   <li>{@link FailurePolicy#DEAD_LETTER}: after the budget, or at once for a failure that is not
 *       transient, {@link RetriesExhaustedException} tells the caller to divert.
 * </ul>
 *
 * <pre>{@code
 * Retrier retrier = new Retrier("telemetry", retryPolicy, FailurePolicy.BACKPRESSURE, health,
 *     failure -> !(failure instanceof IllegalArgumentException), Retrier.Sleeper.THREAD);
 * retrier.call(() -> client.send(batch));
 * }</pre>
 */
public final class Retrier {
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
    private final Predicate<Throwable> isTransient;
    private final Sleeper sleeper;

    public Retrier(
            String endpointName,
            RetryPolicy retryPolicy,
            FailurePolicy failurePolicy,
            EndpointHealthTracker health,
            Predicate<Throwable> isTransient,
            Sleeper sleeper) {
        this.endpointName = Objects.requireNonNull(endpointName, "endpointName");
        this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
        this.failurePolicy = Objects.requireNonNull(failurePolicy, "failurePolicy");
        this.health = Objects.requireNonNull(health, "health");
        this.isTransient = Objects.requireNonNull(isTransient, "isTransient");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    }

    /** Runs the attempt until it succeeds, as the failure policy says. */
    public <T> T call(Attempt<T> attempt)
            throws IOException, InterruptedException, RetriesExhaustedException {
        return run(attempt, 0);
    }

    /**
     * Goes on after a first attempt that already failed elsewhere (an asynchronous send): records
     * {@code firstFailure} as failed attempt 1 and applies the policies to it, waits, then runs
     * {@code attempt} until it succeeds, as {@link #call} does.
     */
    public <T> T retryAfter(Exception firstFailure, Attempt<T> attempt)
            throws IOException, InterruptedException, RetriesExhaustedException {
        Objects.requireNonNull(firstFailure, "firstFailure");
        failed(firstFailure, 1);
        return run(attempt, 1);
    }

    private <T> T run(Attempt<T> attempt, int failedBefore)
            throws IOException, InterruptedException, RetriesExhaustedException {
        int failedAttempts = failedBefore;
        while (true) {
            try {
                T result = attempt.run();
                health.recordSuccess();
                return result;
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception failure) {
                failedAttempts++;
                failed(failure, failedAttempts);
            }
        }
    }

    /** Records a failed attempt; throws when the policies say stop, else waits before the next. */
    private void failed(Exception failure, int failedAttempts)
            throws IOException, InterruptedException, RetriesExhaustedException {
        health.recordFailure(failure);
        boolean transientFailure = isTransient.test(failure);
        if (failurePolicy == FailurePolicy.DEAD_LETTER
                && (!transientFailure || retryPolicy.isExhausted(failedAttempts))) {
            throw new RetriesExhaustedException(endpointName, failedAttempts, failure);
        }
        if (!transientFailure) {
            throw new IOException(
                    "endpoint '"
                            + endpointName
                            + "' failed with an error that retrying cannot fix: "
                            + Redaction.describe(failure),
                    failure);
        }
        sleeper.sleep(retryPolicy.delayMillisAfter(failedAttempts));
    }
}
