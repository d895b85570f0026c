package io.hubroute.routing;

/**
 * Routing counters with IoT Hub's metric meanings: {@code success} deliveries to endpoints,
 * messages sent to the {@code fallback} route, {@code orphaned} messages that matched no route and
 * no fallback, {@code invalid} deliveries not made because the enriched message is too large for
 * the endpoint, and {@code dropped} messages (kept for dead endpoints).
 */
public record RoutingCounters(
        long success, long fallback, long orphaned, long invalid, long dropped) {
    public static final RoutingCounters ZERO = new RoutingCounters(0, 0, 0, 0, 0);

    public RoutingCounters plus(RoutingCounters other) {
        return new RoutingCounters(
                success + other.success,
                fallback + other.fallback,
                orphaned + other.orphaned,
                invalid + other.invalid,
                dropped + other.dropped);
    }
}
