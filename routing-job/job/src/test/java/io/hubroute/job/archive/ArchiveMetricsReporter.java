package io.hubroute.job.archive;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * Keeps the {@code replay.archive.*} counters of a MiniCluster job (same JVM) readable after the
 * job ends, summed over subtasks.
 */
public final class ArchiveMetricsReporter implements MetricReporter, MetricReporterFactory {
    private static final Map<String, Counter> COUNTERS = new ConcurrentHashMap<>();

    static void enable(Configuration configuration) {
        configuration.setString(
                "metrics.reporter.archive_test.factory.class",
                ArchiveMetricsReporter.class.getName());
        configuration.setString("metrics.reporter.archive_test.interval", "3600 s");
    }

    static void reset() {
        COUNTERS.clear();
    }

    /** The sum over subtasks of {@code replay.archive.<name>}. */
    static long count(String name) {
        long sum = 0;
        for (Map.Entry<String, Counter> entry : COUNTERS.entrySet()) {
            if (entry.getKey().endsWith(".replay.archive." + name)) {
                sum += entry.getValue().getCount();
            }
        }
        return sum;
    }

    @Override
    public MetricReporter createMetricReporter(Properties properties) {
        return new ArchiveMetricsReporter();
    }

    @Override
    public void open(MetricConfig config) {}

    @Override
    public void close() {}

    @Override
    public void notifyOfAddedMetric(Metric metric, String metricName, MetricGroup group) {
        String identifier = group.getMetricIdentifier(metricName);
        if (metric instanceof Counter && identifier.contains(".replay.archive.")) {
            COUNTERS.put(identifier, (Counter) metric);
        }
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String metricName, MetricGroup group) {
        // kept: the test reads the last values after the job ends
    }
}
