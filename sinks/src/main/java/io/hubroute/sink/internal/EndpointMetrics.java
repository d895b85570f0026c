package io.hubroute.sink.internal;

import io.hubroute.sink.SinkMetrics;
import java.util.Objects;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * One endpoint's metrics under IoT Hub's names, in the group {@code endpoint.<name>} below the
 * sink's metric group: {@code d2c.endpoints.egress.<kind>} (counter of accepted messages) and
 * {@code d2c.endpoints.latency.<kind>} (histogram of milliseconds from enqueued time to
 * acceptance).
 *
 * <pre>{@code
 * EndpointMetrics metrics = EndpointMetrics.register(context.metricGroup(), "telemetry", EndpointKind.STORAGE);
 * metrics.recordAccepted(message.enqueuedTimeMillis(), System.currentTimeMillis());
 * }</pre>
 */
public final class EndpointMetrics {
    private static final int LATENCY_WINDOW = 1024;

    private final MetricGroup group;
    private final Counter egress;
    private final Histogram latency;
    private final Counter deadLettered;
    private final Counter undeliverable;

    private EndpointMetrics(MetricGroup group, SinkMetrics.EndpointKind kind) {
        this.group = group;
        this.egress = group.counter(SinkMetrics.egress(kind));
        this.latency =
                group.histogram(
                        SinkMetrics.latency(kind),
                        new DescriptiveStatisticsHistogram(LATENCY_WINDOW));
        this.deadLettered = group.counter(SinkMetrics.DEAD_LETTERED);
        this.undeliverable = group.counter(SinkMetrics.UNDELIVERABLE);
    }

    public static EndpointMetrics register(
            MetricGroup parent, String endpointName, SinkMetrics.EndpointKind kind) {
        Objects.requireNonNull(parent, "parent");
        Objects.requireNonNull(endpointName, "endpointName");
        Objects.requireNonNull(kind, "kind");
        return new EndpointMetrics(parent.addGroup(SinkMetrics.ENDPOINT_GROUP, endpointName), kind);
    }

    /** The endpoint's group, for further metrics (health, blobs, bytes). */
    public MetricGroup group() {
        return group;
    }

    /** One message accepted by the endpoint. */
    public void recordAccepted(long enqueuedTimeMillis, long nowMillis) {
        egress.inc();
        recordLatency(enqueuedTimeMillis, nowMillis);
    }

    /**
     * The latency of one message, without counting it as egress: for sinks whose egress is counted
     * where the data becomes visible (the Blob Storage committer).
     */
    public void recordLatency(long enqueuedTimeMillis, long nowMillis) {
        if (enqueuedTimeMillis > 0) {
            latency.update(Math.max(0, nowMillis - enqueuedTimeMillis));
        }
    }

    /** {@code count} messages accepted, latency not known. */
    public void recordEgress(long count) {
        egress.inc(count);
    }

    /** {@code count} messages diverted to the dead-letter endpoint. */
    public void recordDeadLettered(long count) {
        deadLettered.inc(count);
    }

    /** {@code count} messages the endpoint can never take, diverted. */
    public void recordUndeliverable(long count) {
        undeliverable.inc(count);
    }

    public long egressCount() {
        return egress.getCount();
    }
}
