package io.hubroute.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Checkpointing of the routing job.
 *
 * @param enabled whether the job checkpoints at all (on by default)
 * @param interval time between checkpoints
 * @param exactlyOnce exactly-once barriers (true) or at-least-once
 * @param timeout a checkpoint that takes longer is abandoned
 * @param tolerableFailures how many checkpoints in a row may fail (time out while an endpoint is
 *     down and its writer holds the barrier, say) before the job restarts; {@link #UNLIMITED} by
 *     default, so an outage holds the job back instead of restarting it in a loop
 * @param directory where checkpoints are kept (a URI such as {@code
 *     file:///var/hubroute/checkpoints} or {@code s3://...}), or null for the cluster's {@code
 *     execution.checkpointing.dir}
 */
public record CheckpointOptions(
        boolean enabled,
        Duration interval,
        boolean exactlyOnce,
        Duration timeout,
        String directory,
        int tolerableFailures) {
    /** No limit on checkpoints failing in a row: an endpoint outage never restarts the job. */
    public static final int UNLIMITED = Integer.MAX_VALUE;

    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);

    public CheckpointOptions {
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(timeout, "timeout");
        if (tolerableFailures < 0) {
            throw new IllegalArgumentException(
                    "tolerableFailures must be 0 or more, got " + tolerableFailures);
        }
        if (interval.toMillis() < 10) {
            throw new IllegalArgumentException(
                    "checkpoint interval must be at least 10 ms, got " + interval);
        }
    }

    public static CheckpointOptions defaults() {
        return new CheckpointOptions(
                true, DEFAULT_INTERVAL, true, DEFAULT_TIMEOUT, null, UNLIMITED);
    }

    public CheckpointOptions withDirectory(String newDirectory) {
        return new CheckpointOptions(
                enabled, interval, exactlyOnce, timeout, newDirectory, tolerableFailures);
    }

    /**
     * What these settings cannot do for {@code routes}: a storage endpoint writes exactly once only
     * with exactly-once checkpoints (its blobs become visible when a checkpoint completes, and
     * at-least-once barriers can commit a record twice). One line per conflict, naming the
     * endpoint, the setting and the fix; empty when there is none.
     */
    public List<String> conflictsWith(RoutingConfig routes) {
        List<String> conflicts = new ArrayList<>();
        for (Endpoint endpoint : routes.allEndpoints()) {
            boolean transactional = endpoint.deliveryGuarantee() == DeliveryGuarantee.EXACTLY_ONCE;
            if (endpoint.kind() != EndpointKind.STORAGE_CONTAINER && !transactional) {
                continue;
            }
            if (transactional) {
                if (!enabled || !exactlyOnce) {
                    conflicts.add(
                            "endpoint '"
                                    + endpoint.name()
                                    + "' is exactlyOnce (Kafka transactions committed with each checkpoint), but checkpointing "
                                    + (enabled ? "mode is at-least-once" : "is off")
                                    + "; fix: keep exactly-once checkpoints in job.yaml, or make the endpoint atLeastOnce");
                }
                continue;
            }
            if (!enabled) {
                conflicts.add(
                        "storage endpoint '"
                                + endpoint.name()
                                + "' needs checkpoints (its blobs are committed when one completes), but checkpointing.enabled is false;"
                                + " fix: remove checkpointing.enabled: false from job.yaml, or route elsewhere");
            } else if (!exactlyOnce) {
                conflicts.add(
                        "storage endpoint '"
                                + endpoint.name()
                                + "' writes exactly once only with exactly-once checkpoints, but checkpointing.mode is at-least-once;"
                                + " fix: set checkpointing.mode: exactly-once (the default) in job.yaml");
            }
        }
        return conflicts;
    }

    public CheckpointOptions withInterval(Duration newInterval) {
        return new CheckpointOptions(
                enabled, newInterval, exactlyOnce, timeout, directory, tolerableFailures);
    }
}
