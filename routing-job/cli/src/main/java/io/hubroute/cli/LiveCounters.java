package io.hubroute.cli;

import io.hubroute.job.JobMetrics;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * A metric reporter that keeps the job's counters readable in this JVM, for the live progress and
 * summary of {@code hubroute run} (a MiniCluster runs in the same JVM). Counters are summed over
 * subtasks by name: {@code d2c.telemetry.egress.success}, {@code route.<name>.true}, {@code
 * endpoint.<name>.delivered}. A counter keeps its last value when its task ends.
 */
public final class LiveCounters implements MetricReporter, MetricReporterFactory {
    private static final Map<Counter, String> COUNTERS = new ConcurrentHashMap<>();
    private static final Map<String, Long> FINISHED = new ConcurrentHashMap<>();

    /** Turns the reporter on in a MiniCluster's configuration. */
    public static void enable(Configuration configuration) {
        configuration.setString(
                "metrics.reporter.hubroute_live.factory.class", LiveCounters.class.getName());
        configuration.setString("metrics.reporter.hubroute_live.interval", "3600 s");
    }

    /** Forgets every counter (before a new run in the same JVM). */
    public static void reset() {
        COUNTERS.clear();
        FINISHED.clear();
    }

    /** Every counter by name, summed over subtasks. */
    public static Map<String, Long> snapshot() {
        Map<String, Long> totals = new TreeMap<>(FINISHED);
        for (Map.Entry<Counter, String> entry : COUNTERS.entrySet()) {
            totals.merge(entry.getValue(), entry.getKey().getCount(), Long::sum);
        }
        return totals;
    }

    public static long get(String name) {
        return snapshot().getOrDefault(name, 0L);
    }

    @Override
    public MetricReporter createMetricReporter(java.util.Properties properties) {
        return new LiveCounters();
    }

    @Override
    public void open(MetricConfig config) {}

    @Override
    public void close() {}

    @Override
    public void notifyOfAddedMetric(Metric metric, String metricName, MetricGroup group) {
        if (!(metric instanceof Counter)) {
            return;
        }
        String name = metricName;
        Map<String, String> variables = group.getAllVariables();
        String route = findUserVariable(group, JobMetrics.ROUTE_GROUP);
        String endpoint = findUserVariable(group, JobMetrics.ENDPOINT_GROUP);
        if (route != null) {
            name = JobMetrics.ROUTE_GROUP + "." + route + "." + metricName;
        } else if (endpoint != null) {
            name = JobMetrics.ENDPOINT_GROUP + "." + endpoint + "." + metricName;
        } else if (!metricName.startsWith("d2c.")
                && !metricName.startsWith("twin.")
                && !metricName.startsWith("hubroute.")
                && !metricName.startsWith("replay.")) {
            return;
        }
        if (variables.containsKey("<task_name>") || variables.containsKey("<operator_name>")) {
            COUNTERS.put((Counter) metric, name);
        }
    }

    private static String findUserVariable(MetricGroup group, String key) {
        return group.getAllVariables().get("<" + key + ">");
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String metricName, MetricGroup group) {
        if (metric instanceof Counter) {
            String name = COUNTERS.remove(metric);
            if (name != null) {
                FINISHED.merge(name, ((Counter) metric).getCount(), Long::sum);
            }
        }
    }
}
