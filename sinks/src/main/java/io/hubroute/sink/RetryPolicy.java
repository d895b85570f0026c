package io.hubroute.sink;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * Exponential backoff for transient endpoint failures: the first retry waits {@code initialDelay},
 * each next one {@code multiplier} times longer, never more than {@code maxDelay}. After {@code
 * maxAttempts} failed attempts the retry budget is spent and the endpoint's {@link FailurePolicy}
 * decides what happens. Immutable and serializable.
 *
 * <pre>{@code
 * RetryPolicy retry = RetryPolicy.builder()
 *     .setInitialDelay(Duration.ofMillis(200))
 *     .setMaxDelay(Duration.ofSeconds(30))
 *     .setMaxAttempts(10)
 *     .build();
 * }</pre>
 */
public final class RetryPolicy implements Serializable {
    private static final long serialVersionUID = 1L;

    private static final RetryPolicy DEFAULT = builder().build();

    private final long initialDelayMillis;
    private final long maxDelayMillis;
    private final double multiplier;
    private final int maxAttempts;

    private RetryPolicy(
            long initialDelayMillis, long maxDelayMillis, double multiplier, int maxAttempts) {
        this.initialDelayMillis = initialDelayMillis;
        this.maxDelayMillis = maxDelayMillis;
        this.multiplier = multiplier;
        this.maxAttempts = maxAttempts;
    }

    /** 1 s initial delay, doubling up to 60 s, 10 attempts. */
    public static RetryPolicy defaults() {
        return DEFAULT;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Duration initialDelay() {
        return Duration.ofMillis(initialDelayMillis);
    }

    public Duration maxDelay() {
        return Duration.ofMillis(maxDelayMillis);
    }

    public double multiplier() {
        return multiplier;
    }

    /** Attempts (the first one included) before the budget is spent. */
    public int maxAttempts() {
        return maxAttempts;
    }

    /**
     * How long to wait after the {@code failedAttempts}-th failed attempt (1-based) before the next
     * one.
     */
    public long delayMillisAfter(int failedAttempts) {
        if (failedAttempts < 1) {
            throw new IllegalArgumentException(
                    "failedAttempts must be >= 1, got " + failedAttempts);
        }
        double delay = initialDelayMillis;
        for (int i = 1; i < failedAttempts && delay < maxDelayMillis; i++) {
            delay *= multiplier;
        }
        return (long) Math.min(delay, maxDelayMillis);
    }

    /** Whether {@code failedAttempts} failed attempts have spent the budget. */
    public boolean isExhausted(int failedAttempts) {
        return failedAttempts >= maxAttempts;
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof RetryPolicy)) {
            return false;
        }
        RetryPolicy that = (RetryPolicy) other;
        return initialDelayMillis == that.initialDelayMillis
                && maxDelayMillis == that.maxDelayMillis
                && multiplier == that.multiplier
                && maxAttempts == that.maxAttempts;
    }

    @Override
    public int hashCode() {
        return Objects.hash(initialDelayMillis, maxDelayMillis, multiplier, maxAttempts);
    }

    @Override
    public String toString() {
        return "RetryPolicy{initialDelay="
                + initialDelayMillis
                + "ms, maxDelay="
                + maxDelayMillis
                + "ms, multiplier="
                + multiplier
                + ", maxAttempts="
                + maxAttempts
                + "}";
    }

    /** Builds a {@link RetryPolicy}; every setter checks its argument at once. */
    public static final class Builder {
        private Duration initialDelay = Duration.ofSeconds(1);
        private Duration maxDelay = Duration.ofSeconds(60);
        private double multiplier = 2.0;
        private int maxAttempts = 10;

        private Builder() {}

        /** The wait before the first retry; at least 1 ms. */
        public Builder setInitialDelay(Duration initialDelay) {
            Objects.requireNonNull(initialDelay, "initialDelay");
            if (initialDelay.toMillis() < 1) {
                throw new IllegalArgumentException(
                        "initialDelay must be at least 1 ms, got "
                                + initialDelay.toMillis()
                                + " ms");
            }
            this.initialDelay = initialDelay;
            return this;
        }

        /** The longest wait between two attempts; at least the initial delay. */
        public Builder setMaxDelay(Duration maxDelay) {
            Objects.requireNonNull(maxDelay, "maxDelay");
            if (maxDelay.toMillis() < 1) {
                throw new IllegalArgumentException(
                        "maxDelay must be at least 1 ms, got " + maxDelay.toMillis() + " ms");
            }
            this.maxDelay = maxDelay;
            return this;
        }

        /** How much longer each wait is than the previous one; at least 1.0. */
        public Builder setMultiplier(double multiplier) {
            if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
                throw new IllegalArgumentException(
                        "multiplier must be a finite number >= 1.0, got " + multiplier);
            }
            this.multiplier = multiplier;
            return this;
        }

        /** Attempts, the first one included, before the failure policy applies; at least 1. */
        public Builder setMaxAttempts(int maxAttempts) {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        public RetryPolicy build() {
            if (maxDelay.compareTo(initialDelay) < 0) {
                throw new IllegalArgumentException(
                        "maxDelay ("
                                + maxDelay.toMillis()
                                + " ms) is shorter than initialDelay ("
                                + initialDelay.toMillis()
                                + " ms): raise maxDelay or lower initialDelay");
            }
            return new RetryPolicy(
                    initialDelay.toMillis(), maxDelay.toMillis(), multiplier, maxAttempts);
        }
    }
}
