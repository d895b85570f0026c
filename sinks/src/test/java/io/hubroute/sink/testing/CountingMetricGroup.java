package io.hubroute.sink.testing;

import io.hubroute.sink.EndpointHealth;
import io.hubroute.sink.SinkMetrics;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;

/** A metric group for writer tests: counters and gauges by name; the endpoint group is itself. */
public final class CountingMetricGroup extends UnregisteredMetricsGroup {
    private final Map<String, Counter> counters = new HashMap<>();
    private final Map<String, Gauge<?>> gauges = new HashMap<>();

    /** The counter's value; 0 when it is not registered. */
    public long count(String name) {
        Counter counter = counters.get(name);
        return counter == null ? 0 : counter.getCount();
    }

    /** The endpoint's health gauge now; UNKNOWN when it is not registered. */
    public EndpointHealth health() {
        Gauge<?> gauge = gauges.get(SinkMetrics.HEALTH);
        if (gauge == null) {
            return EndpointHealth.UNKNOWN;
        }
        int code = ((Number) gauge.getValue()).intValue();
        for (EndpointHealth health : EndpointHealth.values()) {
            if (health.code() == code) {
                return health;
            }
        }
        throw new IllegalStateException("unknown health code " + code);
    }

    @Override
    public Counter counter(String name) {
        return counter(name, new SimpleCounter());
    }

    @Override
    public <C extends Counter> C counter(String name, C counter) {
        counters.put(name, counter);
        return counter;
    }

    @Override
    public <T, G extends Gauge<T>> G gauge(String name, G gauge) {
        gauges.put(name, gauge);
        return gauge;
    }

    @Override
    public MetricGroup addGroup(String key, String value) {
        return this;
    }
}
