package io.hubroute.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Checkpointing of the routing job.
 *
 * @param enabled whether the job checkpoints at all (on by default)
 * @param interval time between checkpoints
 * @param exactlyOnce exactly-once barriers (true) or at-least-once
 * @param timeout a checkpoint that takes longer is abandoned
 * @param directory where checkpoints are kept (a URI such as {@code
 *     file:///var/hubroute/checkpoints} or {@code s3://...}), or null for the cluster's {@code
 *     execution.checkpointing.dir}
 */
public record CheckpointOptions(
        boolean enabled,
        Duration interval,
        boolean exactlyOnce,
        Duration timeout,
        String directory) {
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);

    public CheckpointOptions {
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(timeout, "timeout");
        if (interval.toMillis() < 10) {
            throw new IllegalArgumentException(
                    "checkpoint interval must be at least 10 ms, got " + interval);
        }
    }

    public static CheckpointOptions defaults() {
        return new CheckpointOptions(true, DEFAULT_INTERVAL, true, DEFAULT_TIMEOUT, null);
    }

    public CheckpointOptions withDirectory(String newDirectory) {
        return new CheckpointOptions(enabled, interval, exactlyOnce, timeout, newDirectory);
    }

    public CheckpointOptions withInterval(Duration newInterval) {
        return new CheckpointOptions(enabled, newInterval, exactlyOnce, timeout, directory);
    }
}
