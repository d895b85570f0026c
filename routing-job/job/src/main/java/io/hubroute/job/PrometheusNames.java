package io.hubroute.job;

import io.hubroute.job.internal.LiveRouteFunction;
import io.hubroute.sink.SinkMetrics;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * The names under which Flink's Prometheus reporter exports the routing job's metrics: IoT Hub's
 * metric names after a fixed prefix, the endpoint and the route as labels.
 *
 * <p>Flink's reporter ({@code flink-metrics-prometheus}) names a metric {@code flink_}, then the
 * logical scope of its group, then its name, joined by {@code _}, every character other than {@code
 * [a-zA-Z0-9:_]} replaced by {@code _}. The logical scope of an operator's metric is {@code
 * taskmanager_job_task_operator}, then the key (never the value) of each key-value group below the
 * operator. The values become labels, as do Flink's scope variables ({@code job_name}, {@code
 * operator_name}, {@code subtask_index}, ...). Scope formats ({@code metrics.scope.*}) do not enter
 * the name: they shape the identifiers other reporters use. So:
 *
 * <pre>
 * d2c.telemetry.egress.success                   flink_taskmanager_job_task_operator_d2c_telemetry_egress_success
 * endpoint.NAME d2c.endpoints.egress.storage     flink_taskmanager_job_task_operator_endpoint_d2c_endpoints_egress_storage{endpoint="NAME"}
 * route.NAME true                                flink_taskmanager_job_task_operator_route_true{route="NAME"}
 * </pre>
 *
 * <p>Counters and gauges are Prometheus gauges, one series per subtask ({@code sum by (endpoint)}
 * adds them up); histograms are summaries: a series per {@code quantile} and {@code NAME_count}.
 * Label values are the routes file's names as they are when the reporter's {@code
 * filterLabelValueCharacters} is {@code false} ({@code hubroute run --metrics-port} and the
 * Kubernetes deployment set it); Flink's default turns every other character into {@code _}.
 */
public final class PrometheusNames {
    /** Before every operator metric: {@code flink_} and the operator's logical scope. */
    public static final String OPERATOR_PREFIX = "flink_taskmanager_job_task_operator_";

    /** The label of per-endpoint metrics: the endpoint's name in the routes file. */
    public static final String ENDPOINT_LABEL = JobMetrics.ENDPOINT_GROUP;

    /** The label of per-route metrics: the route's name in the routes file. */
    public static final String ROUTE_LABEL = JobMetrics.ROUTE_GROUP;

    /**
     * The group the Kafka source gives its deserialization schema, where the header fallbacks are
     * counted.
     */
    static final String DESERIALIZER_GROUP = "deserializer";

    /** The series of a summary (a histogram) that counts its samples. */
    public static final String COUNT_SUFFIX = "_count";

    private static final Set<String> SUMMARIES;
    private static final Set<String> ALL;

    static {
        Set<String> summaries = new TreeSet<>();
        summaries.add(operator(JobMetrics.LATENCY));
        for (SinkMetrics.EndpointKind kind : SinkMetrics.EndpointKind.values()) {
            summaries.add(endpoint(SinkMetrics.latency(kind)));
        }
        Set<String> all = new TreeSet<>();
        for (String name :
                new String[] {
                    JobMetrics.INGRESS,
                    JobMetrics.SUCCESS,
                    JobMetrics.DROPPED,
                    JobMetrics.ORPHANED,
                    JobMetrics.INVALID,
                    JobMetrics.FALLBACK,
                    JobMetrics.INVALID_RATIO,
                    JobMetrics.INVALID_RATIO_WARNINGS,
                    JobMetrics.TWINS_FROM_EXPORT,
                    JobMetrics.TWIN_UPDATE_ERRORS,
                    LiveRouteFunction.VERSION_METRIC,
                    LiveRouteFunction.ACTIVE_SINCE_METRIC,
                    LiveRouteFunction.REJECTED_METRIC
                }) {
            all.add(operator(name));
        }
        all.add(OPERATOR_PREFIX + DESERIALIZER_GROUP + "_" + sanitize(JobMetrics.HEADER_FALLBACKS));
        all.add(route(JobMetrics.ROUTE_TRUE));
        all.add(route(JobMetrics.ROUTE_FALSE));
        all.add(route(JobMetrics.ROUTE_UNDEFINED));
        all.add(endpoint(JobMetrics.DELIVERED));
        for (SinkMetrics.EndpointKind kind : SinkMetrics.EndpointKind.values()) {
            all.add(endpoint(SinkMetrics.egress(kind)));
        }
        for (String name :
                new String[] {
                    SinkMetrics.HEALTH,
                    SinkMetrics.DEAD_LETTERED,
                    SinkMetrics.UNDELIVERABLE,
                    SinkMetrics.STORAGE_BLOBS_WRITTEN,
                    SinkMetrics.STORAGE_BYTES_WRITTEN,
                    SinkMetrics.COMMIT_FAILURES
                }) {
            all.add(endpoint(name));
        }
        for (String summary : summaries) {
            all.add(summary);
            all.add(summary + COUNT_SUFFIX);
        }
        SUMMARIES = Collections.unmodifiableSet(summaries);
        ALL = Collections.unmodifiableSet(all);
    }

    private PrometheusNames() {}

    /**
     * An operator's metric outside any group: {@code d2c.telemetry.egress.success} is {@code
     * flink_taskmanager_job_task_operator_d2c_telemetry_egress_success}.
     */
    public static String operator(String metricName) {
        return OPERATOR_PREFIX + sanitize(metricName);
    }

    /**
     * A metric of an endpoint's group ({@link JobMetrics#ENDPOINT_GROUP}, labelled {@value
     * #ENDPOINT_LABEL}): {@code d2c.endpoints.egress.storage} is {@code
     * flink_taskmanager_job_task_operator_endpoint_d2c_endpoints_egress_storage}.
     */
    public static String endpoint(String metricName) {
        return OPERATOR_PREFIX + JobMetrics.ENDPOINT_GROUP + "_" + sanitize(metricName);
    }

    /**
     * A metric of a route's group ({@link JobMetrics#ROUTE_GROUP}, labelled {@value #ROUTE_LABEL}):
     * {@code true} is {@code flink_taskmanager_job_task_operator_route_true}.
     */
    public static String route(String metricName) {
        return OPERATOR_PREFIX + JobMetrics.ROUTE_GROUP + "_" + sanitize(metricName);
    }

    /**
     * Every series name the routing job exports: its counters and gauges, and each summary's name
     * and {@link #COUNT_SUFFIX} series. (The replay job's metrics are not among them.)
     */
    public static Set<String> all() {
        return ALL;
    }

    /** The summaries (histograms) among {@link #all()}, by name without a suffix. */
    public static Set<String> summaries() {
        return SUMMARIES;
    }

    /** As Flink's reporter filters a name: every character but [a-zA-Z0-9:_] becomes '_'. */
    static String sanitize(String metricName) {
        StringBuilder name = new StringBuilder(metricName.length());
        for (int i = 0; i < metricName.length(); i++) {
            char c = metricName.charAt(i);
            boolean allowed =
                    (c >= 'a' && c <= 'z')
                            || (c >= 'A' && c <= 'Z')
                            || (c >= '0' && c <= '9')
                            || c == ':'
                            || c == '_';
            name.append(allowed ? c : '_');
        }
        return name.toString();
    }
}
