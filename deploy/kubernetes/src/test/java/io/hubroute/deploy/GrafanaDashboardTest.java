package io.hubroute.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hubroute.job.JobMetrics;
import io.hubroute.job.PrometheusNames;
import io.hubroute.sink.SinkMetrics;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code deploy/grafana/hubroute-routing.json} queries only what the routing job exports: every
 * metric name in its PromQL is one of {@link PrometheusNames#all()}, built from the job's and the
 * sinks' metric constants, so renaming a metric without the dashboard (or the reverse) fails here.
 */
class GrafanaDashboardTest {
    private static final Path DASHBOARD =
            Fixtures.PROJECT.resolve("deploy/grafana/hubroute-routing.json");
    private static final Pattern METRIC_NAME = Pattern.compile("\\bflink_[A-Za-z0-9_:]+");
    private static final Pattern GROUPING = Pattern.compile("\\bby\\s*\\(([^)]*)\\)");
    private static final String DATASOURCE = "${datasource}";

    private final JsonNode dashboard = read();

    @Test
    void everyMetricTheDashboardQueriesIsOneTheJobExports() {
        Set<String> used = metricNames(queries());

        assertThat(used).isNotEmpty().isSubsetOf(PrometheusNames.all());
    }

    @Test
    void itShowsIotHubsRoutingMetrics() {
        Set<String> used = metricNames(queries());

        for (String name :
                List.of(
                        JobMetrics.INGRESS,
                        JobMetrics.SUCCESS,
                        JobMetrics.DROPPED,
                        JobMetrics.ORPHANED,
                        JobMetrics.INVALID,
                        JobMetrics.FALLBACK)) {
            assertThat(used).contains(PrometheusNames.operator(name));
        }
        for (SinkMetrics.EndpointKind kind : SinkMetrics.EndpointKind.values()) {
            assertThat(used)
                    .contains(PrometheusNames.endpoint(SinkMetrics.egress(kind)))
                    .contains(PrometheusNames.endpoint(SinkMetrics.latency(kind)));
        }
        assertThat(used)
                .contains(PrometheusNames.endpoint(SinkMetrics.HEALTH))
                .contains(PrometheusNames.endpoint(JobMetrics.DELIVERED))
                .contains(PrometheusNames.route(JobMetrics.ROUTE_TRUE))
                .contains(PrometheusNames.route(JobMetrics.ROUTE_FALSE))
                .contains(PrometheusNames.route(JobMetrics.ROUTE_UNDEFINED));
    }

    @Test
    void itGroupsByTheLabelsTheJobExports() {
        Set<String> labels = new TreeSet<>();
        for (String query : queries()) {
            Matcher grouping = GROUPING.matcher(query);
            while (grouping.find()) {
                for (String label : grouping.group(1).split(",")) {
                    labels.add(label.trim());
                }
            }
        }

        assertThat(labels)
                .containsExactlyInAnyOrder(
                        PrometheusNames.ENDPOINT_LABEL, PrometheusNames.ROUTE_LABEL);
    }

    @Test
    void thePrometheusDataSourceIsAVariable() {
        JsonNode variable = null;
        for (JsonNode candidate : dashboard.at("/templating/list")) {
            if (candidate.path("type").asText().equals("datasource")) {
                variable = candidate;
            }
        }
        assertThat(variable).as("a data source variable").isNotNull();
        assertThat(variable.path("query").asText()).isEqualTo("prometheus");
        assertThat("${" + variable.path("name").asText() + "}").isEqualTo(DATASOURCE);

        for (JsonNode panel : panels()) {
            if (panel.path("type").asText().equals("row")) {
                continue;
            }
            String title = panel.path("title").asText();
            assertThat(panel.at("/datasource/uid").asText()).as(title).isEqualTo(DATASOURCE);
            assertThat(panel.path("targets")).as(title).isNotEmpty();
            for (JsonNode target : panel.path("targets")) {
                assertThat(target.at("/datasource/uid").asText()).as(title).isEqualTo(DATASOURCE);
            }
        }
    }

    /** Every PromQL expression: the panels' targets and the query variables. */
    private List<String> queries() {
        List<String> queries = new ArrayList<>();
        for (JsonNode panel : panels()) {
            for (JsonNode target : panel.path("targets")) {
                queries.add(target.path("expr").asText());
            }
        }
        for (JsonNode variable : dashboard.at("/templating/list")) {
            if (variable.path("type").asText().equals("query")) {
                queries.add(variable.at("/query/query").asText());
                queries.add(variable.path("definition").asText());
            }
        }
        return queries;
    }

    /** The panels, those in collapsed rows too. */
    private List<JsonNode> panels() {
        List<JsonNode> panels = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            panels.add(panel);
            panel.path("panels").forEach(panels::add);
        }
        return panels;
    }

    private static Set<String> metricNames(List<String> queries) {
        Set<String> names = new TreeSet<>();
        for (String query : queries) {
            Matcher name = METRIC_NAME.matcher(query);
            while (name.find()) {
                names.add(name.group());
            }
        }
        return names;
    }

    private static JsonNode read() {
        try {
            return new ObjectMapper().readTree(DASHBOARD.toFile());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + DASHBOARD + ": " + e.getMessage(), e);
        }
    }
}
