package io.hubroute.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.hubroute.sink.SinkMetrics;
import org.junit.jupiter.api.Test;

/** The names Flink's Prometheus reporter gives the job's metrics, as operators see them. */
class PrometheusNamesTest {
    @Test
    void iotHubsNamesFollowTheOperatorsScope() {
        assertThat(PrometheusNames.operator(JobMetrics.SUCCESS))
                .isEqualTo("flink_taskmanager_job_task_operator_d2c_telemetry_egress_success");
        assertThat(PrometheusNames.operator(JobMetrics.INGRESS))
                .isEqualTo("flink_taskmanager_job_task_operator_d2c_telemetry_ingress_allProtocol");
        assertThat(PrometheusNames.endpoint(SinkMetrics.egress(SinkMetrics.EndpointKind.STORAGE)))
                .isEqualTo(
                        "flink_taskmanager_job_task_operator_endpoint_d2c_endpoints_egress_storage");
        assertThat(
                        PrometheusNames.endpoint(
                                SinkMetrics.latency(SinkMetrics.EndpointKind.BUILT_IN_EVENTS)))
                .isEqualTo(
                        "flink_taskmanager_job_task_operator_endpoint_d2c_endpoints_latency_builtIn_events");
        assertThat(PrometheusNames.route(JobMetrics.ROUTE_UNDEFINED))
                .isEqualTo("flink_taskmanager_job_task_operator_route_undefined");
    }

    @Test
    void everyNameIsAValidPrometheusName() {
        assertThat(PrometheusNames.all())
                .hasSizeGreaterThan(30)
                .allMatch(name -> name.matches("[a-zA-Z_:][a-zA-Z0-9_:]*"))
                .allMatch(name -> name.startsWith(PrometheusNames.OPERATOR_PREFIX));
    }

    @Test
    void summariesAreExportedWithTheirCount() {
        assertThat(PrometheusNames.summaries())
                .contains(PrometheusNames.operator(JobMetrics.LATENCY))
                .allMatch(name -> PrometheusNames.all().contains(name))
                .allMatch(
                        name ->
                                PrometheusNames.all()
                                        .contains(name + PrometheusNames.COUNT_SUFFIX));
    }

    @Test
    void theHeaderFallbacksAreCountedInTheSourcesDeserializerGroup() {
        assertThat(PrometheusNames.all())
                .contains(
                        "flink_taskmanager_job_task_operator_deserializer_d2c_telemetry_ingress_headerFallbacks");
    }

    @Test
    void charactersPrometheusDoesNotAllowBecomeUnderscores() {
        assertThat(PrometheusNames.sanitize("d2c.endpoints.egress.builtIn.events"))
                .isEqualTo("d2c_endpoints_egress_builtIn_events");
        assertThat(PrometheusNames.sanitize("a-b c:d_e")).isEqualTo("a_b_c:d_e");
    }
}
