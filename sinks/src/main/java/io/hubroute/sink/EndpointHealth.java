package io.hubroute.sink;

/**
 * IoT Hub's endpoint health states, as {@code az iot hub get-endpoint-health} reports them. Each
 * sink logs every change of its endpoint's state and exposes it as the {@link SinkMetrics#HEALTH}
 * gauge, whose value is the state's {@link #code()}.
 */
public enum EndpointHealth {
    /** Accepting messages as expected. */
    HEALTHY(0),
    /** Failing, being retried; messages are not lost but are delayed. */
    UNHEALTHY(1),
    /** Accepting messages, slower than expected or after retries. */
    DEGRADED(2),
    /** Failing for longer than the retry budget; see the endpoint's failure policy. */
    DEAD(3),
    /** No message has been sent yet. */
    UNKNOWN(4);

    private final int code;

    EndpointHealth(int code) {
        this.code = code;
    }

    /** A stable number for gauges and dashboards. */
    public int code() {
        return code;
    }
}
