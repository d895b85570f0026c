package io.hubroute.sink.testing;

import io.hubroute.sink.EndpointHealth;
import io.hubroute.sink.SinkMetrics;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * A metric reporter for sink ITCases in a MiniCluster (same JVM): keeps each endpoint's metrics
 * ({@code endpoint.<name>} group) readable by the test while the job runs and after it ends. For
 * jobs with one subtask per sink: a later registration under the same name replaces an earlier one.
 */
public final class EndpointMetricsReporter implements MetricReporter, MetricReporterFactory {
    private static final Map<String, Metric> METRICS = new ConcurrentHashMap<>();

    /** Turns the reporter on in a MiniCluster's configuration. */
    public static void enable(Configuration configuration) {
        configuration.setString(
                "metrics.reporter.hubroute_test.factory.class",
                EndpointMetricsReporter.class.getName());
        configuration.setString("metrics.reporter.hubroute_test.interval", "3600 s");
    }

    /** Forgets every metric (before a new job). */
    public static void reset() {
        METRICS.clear();
    }

    /** The counter's value, 0 while it is not registered. */
    public static long count(String endpointName, String metricName) {
        Metric metric = METRICS.get(endpointName + "/" + metricName);
        return metric instanceof Counter ? ((Counter) metric).getCount() : 0;
    }

    /** The endpoint's health gauge, UNKNOWN while it is not registered. */
    public static EndpointHealth health(String endpointName) {
        Metric metric = METRICS.get(endpointName + "/" + SinkMetrics.HEALTH);
        if (!(metric instanceof Gauge)) {
            return EndpointHealth.UNKNOWN;
        }
        Object code = ((Gauge<?>) metric).getValue();
        for (EndpointHealth health : EndpointHealth.values()) {
            if (code instanceof Number && health.code() == ((Number) code).intValue()) {
                return health;
            }
        }
        throw new IllegalStateException("unknown health code " + code);
    }

    @Override
    public MetricReporter createMetricReporter(Properties properties) {
        return new EndpointMetricsReporter();
    }

    @Override
    public void open(MetricConfig config) {}

    @Override
    public void close() {}

    @Override
    public void notifyOfAddedMetric(Metric metric, String metricName, MetricGroup group) {
        String endpoint = group.getAllVariables().get("<" + SinkMetrics.ENDPOINT_GROUP + ">");
        if (endpoint != null) {
            METRICS.put(endpoint + "/" + metricName, metric);
        }
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String metricName, MetricGroup group) {
        // kept: tests read the last values after the job ends
    }
}
