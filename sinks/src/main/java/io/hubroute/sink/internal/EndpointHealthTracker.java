package io.hubroute.sink.internal;

import io.hubroute.sink.EndpointHealth;
import io.hubroute.sink.RetryPolicy;
import io.hubroute.sink.SinkMetrics;
import java.util.Objects;
import org.apache.flink.metrics.MetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns an endpoint's consecutive failures and successes into IoT Hub's {@link EndpointHealth}
 * states, exposes the state as the {@link SinkMetrics#HEALTH} gauge and logs every change.
 *
 * <ul>
 *   <li>{@link EndpointHealth#UNKNOWN} until the first attempt;
 *   <li>{@link EndpointHealth#UNHEALTHY} after a failure, {@link EndpointHealth#DEAD} once the
 *       consecutive failures reach {@code deadAfterFailures} (the retry budget);
 *   <li>{@link EndpointHealth#DEGRADED} on the first success after failures, {@link
 *       EndpointHealth#HEALTHY} after {@code healthyAfterSuccesses} consecutive successes.
 * </ul>
 *
 * <p>Only {@link Retrier} reports to it, so every transition comes from one place. Not thread-safe:
 * use it from the writer's (or committer's) thread.
 */
final class EndpointHealthTracker {
    private static final Logger LOG = LoggerFactory.getLogger(EndpointHealthTracker.class);

    private final String endpointName;
    private final int deadAfterFailures;
    private final int healthyAfterSuccesses;
    private volatile EndpointHealth health = EndpointHealth.UNKNOWN;
    private int consecutiveFailures;
    private int consecutiveSuccesses;

    /**
     * @param endpointName the endpoint, for logs
     * @param endpointGroup the endpoint's metric group (see {@link SinkMetrics#ENDPOINT_GROUP}), or
     *     null for no metrics
     * @param deadAfterFailures consecutive failures after which the endpoint is dead
     * @param healthyAfterSuccesses consecutive successes after failures before it is healthy again
     */
    EndpointHealthTracker(
            String endpointName,
            MetricGroup endpointGroup,
            int deadAfterFailures,
            int healthyAfterSuccesses) {
        this.endpointName = Objects.requireNonNull(endpointName, "endpointName");
        if (deadAfterFailures < 1) {
            throw new IllegalArgumentException(
                    "deadAfterFailures must be >= 1, got " + deadAfterFailures);
        }
        if (healthyAfterSuccesses < 1) {
            throw new IllegalArgumentException(
                    "healthyAfterSuccesses must be >= 1, got " + healthyAfterSuccesses);
        }
        this.deadAfterFailures = deadAfterFailures;
        this.healthyAfterSuccesses = healthyAfterSuccesses;
        if (endpointGroup != null) {
            endpointGroup.gauge(SinkMetrics.HEALTH, () -> health.code());
        }
    }

    /** A tracker whose endpoint is dead once a whole retry budget has failed. */
    static EndpointHealthTracker forRetryPolicy(
            String endpointName, MetricGroup endpointGroup, RetryPolicy retryPolicy) {
        return new EndpointHealthTracker(endpointName, endpointGroup, retryPolicy.maxAttempts(), 3);
    }

    EndpointHealth health() {
        return health;
    }

    /** An attempt succeeded. */
    void recordSuccess() {
        consecutiveSuccesses++;
        EndpointHealth next;
        if (consecutiveFailures > 0) {
            consecutiveFailures = 0;
            consecutiveSuccesses = 1;
            next = healthyAfterSuccesses == 1 ? EndpointHealth.HEALTHY : EndpointHealth.DEGRADED;
        } else if (health == EndpointHealth.DEGRADED
                && consecutiveSuccesses < healthyAfterSuccesses) {
            next = EndpointHealth.DEGRADED;
        } else {
            next = EndpointHealth.HEALTHY;
        }
        transition(next, null);
    }

    /** An attempt failed. */
    void recordFailure(Throwable failure) {
        consecutiveSuccesses = 0;
        consecutiveFailures++;
        transition(
                consecutiveFailures >= deadAfterFailures
                        ? EndpointHealth.DEAD
                        : EndpointHealth.UNHEALTHY,
                failure);
    }

    /**
     * The caller's retry budget is spent: the endpoint is dead until an attempt succeeds. (A whole
     * budget of consecutive failures has made it so already when the tracker was made {@link
     * #forRetryPolicy for the policy}; this keeps the two from ever disagreeing.)
     */
    void recordRetriesExhausted(Throwable lastFailure) {
        transition(EndpointHealth.DEAD, lastFailure);
    }

    private void transition(EndpointHealth next, Throwable failure) {
        EndpointHealth previous = health;
        if (previous == next) {
            return;
        }
        health = next;
        if (next == EndpointHealth.UNHEALTHY || next == EndpointHealth.DEAD) {
            LOG.warn(
                    "Endpoint '{}' is {} (was {}) after {} consecutive failures; last: {}",
                    endpointName,
                    next,
                    previous,
                    consecutiveFailures,
                    Redaction.describe(failure));
        } else {
            LOG.info("Endpoint '{}' is {} (was {})", endpointName, next, previous);
        }
    }
}
