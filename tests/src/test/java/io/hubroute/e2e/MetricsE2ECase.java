package io.hubroute.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hubroute.cli.Main;
import io.hubroute.job.JobMetrics;
import io.hubroute.job.PrometheusNames;
import io.hubroute.sink.EndpointHealth;
import io.hubroute.sink.SinkMetrics;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hubroute run --metrics-port} on the embedded demo: while the job runs, Flink's Prometheus
 * reporter serves its metrics under IoT Hub's names ({@link PrometheusNames}), the endpoint and the
 * route as labels; and the last scrape before the job stops holds exactly the counts of the run's
 * summary (messages in, every route's true/false/undefined, every endpoint's deliveries, fallback,
 * orphaned, invalid). The demo's input stops at {@code --messages}, and its route operator is
 * chained to the decoder: once the ingress counter reaches it, no count changes until the job stops
 * with a savepoint, which takes far longer than the scrape interval.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class MetricsE2ECase {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final int MESSAGES = 400;
    private static final long SCRAPE_INTERVAL_MILLIS = 20;

    private static final String INGRESS = PrometheusNames.operator(JobMetrics.INGRESS);
    private static final String FALLBACK = PrometheusNames.operator(JobMetrics.FALLBACK);
    private static final String ORPHANED = PrometheusNames.operator(JobMetrics.ORPHANED);
    private static final String INVALID = PrometheusNames.operator(JobMetrics.INVALID);
    private static final String DELIVERED = PrometheusNames.endpoint(JobMetrics.DELIVERED);
    private static final Map<String, String> ROUTE_RESULTS =
            Map.of(
                    "true", PrometheusNames.route(JobMetrics.ROUTE_TRUE),
                    "false", PrometheusNames.route(JobMetrics.ROUTE_FALSE),
                    "undefined", PrometheusNames.route(JobMetrics.ROUTE_UNDEFINED));
    private static final String QUEUE_EGRESS =
            PrometheusNames.endpoint(
                    SinkMetrics.egress(SinkMetrics.EndpointKind.SERVICE_BUS_QUEUES));
    private static final String HEALTH = PrometheusNames.endpoint(SinkMetrics.HEALTH);

    /** The names the summary is compared on. */
    private static final Set<String> COUNTED =
            Set.of(
                    INGRESS,
                    FALLBACK,
                    ORPHANED,
                    INVALID,
                    DELIVERED,
                    ROUTE_RESULTS.get("true"),
                    ROUTE_RESULTS.get("false"),
                    ROUTE_RESULTS.get("undefined"));

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path work;

    /** One line of the Prometheus text format. */
    record Sample(String name, Map<String, String> labels, double value) {
        /** The series: the name and every label. */
        String series() {
            return name + labels;
        }
    }

    @Test
    void prometheusServesTheSummarysCountsUnderIotHubsNames() throws Exception {
        int port = freePort();
        Path summaryFile = work.resolve("summary.json");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] arguments = {
            "run",
            "--routes",
            ROOT.resolve("examples/tutorial/routes.yaml").toString(),
            "--messages",
            Integer.toString(MESSAGES),
            "--metrics-port",
            Integer.toString(port),
            "--summary-json",
            summaryFile.toString(),
            "--work-dir",
            work.resolve("run").toString()
        };
        ExecutorService runner = Executors.newSingleThreadExecutor();
        List<List<Sample>> scrapes = new ArrayList<>();
        int exit;
        try {
            Future<Integer> run =
                    runner.submit(
                            () ->
                                    Main.run(
                                            arguments,
                                            new ByteArrayInputStream(new byte[0]),
                                            new PrintStream(out, true, StandardCharsets.UTF_8),
                                            new PrintStream(err, true, StandardCharsets.UTF_8)));
            while (!run.isDone()) {
                List<Sample> scrape = scrape(port);
                if (scrape.stream().anyMatch(sample -> sample.name().equals(INGRESS))) {
                    scrapes.add(scrape);
                }
                Thread.sleep(SCRAPE_INTERVAL_MILLIS);
            }
            exit = run.get();
        } finally {
            runner.shutdownNow();
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(exit)
                .as("stdout:\n%s\nstderr:\n%s", printed, err.toString(StandardCharsets.UTF_8))
                .isZero();
        assertThat(printed)
                .contains("hubroute run: metrics: http://localhost:" + port + "/metrics");
        assertThat(scrapes).as("scrapes with the job's metrics").isNotEmpty();
        assertThat(scrapes)
                .as("a scrape with messages routed")
                .anyMatch(
                        scrape ->
                                sum(scrape, INGRESS, Map.of()) > 0
                                        && sum(scrape, ROUTE_RESULTS.get("true"), Map.of()) > 0);

        // every hubroute metric the reporter exported is one PrometheusNames lists
        Set<String> hubrouteNames = new TreeSet<>();
        for (List<Sample> scrape : scrapes) {
            for (Sample sample : scrape) {
                if (isHubroutes(sample.name())) {
                    hubrouteNames.add(sample.name());
                }
            }
        }
        assertThat(hubrouteNames).isSubsetOf(PrometheusNames.all()).containsAll(COUNTED);

        JsonNode summary = new ObjectMapper().readTree(summaryFile.toFile());
        Map<String, Long> expected = counts(summary);
        assertThat(expected.get("messagesIn")).isEqualTo(MESSAGES);

        // counts only grow to the summary's...
        for (List<Sample> scrape : scrapes) {
            Map<String, Long> scraped = counts(scrape, summary);
            for (Map.Entry<String, Long> count : scraped.entrySet()) {
                assertThat(count.getValue())
                        .as("%s while the job ran", count.getKey())
                        .isLessThanOrEqualTo(expected.get(count.getKey()));
            }
        }
        // ...which the last scrape with every series of the job (not one taken while its tasks
        // were closing and unregistering their metrics) shows exactly
        List<Sample> last = lastComplete(scrapes);
        assertThat(counts(last, summary))
                .as("the last complete scrape (of %s) against the summary", scrapes.size())
                .isEqualTo(expected);

        // the labels are the routes file's names, the job's name is the hub's
        Set<String> routes = new TreeSet<>();
        summary.path("routes").fieldNames().forEachRemaining(routes::add);
        Set<String> endpoints = new TreeSet<>();
        summary.path("endpoints").fieldNames().forEachRemaining(endpoints::add);
        assertThat(labelValues(last, ROUTE_RESULTS.get("true"), PrometheusNames.ROUTE_LABEL))
                .isEqualTo(routes);
        assertThat(labelValues(last, DELIVERED, PrometheusNames.ENDPOINT_LABEL))
                .isEqualTo(endpoints);
        assertThat(labelValues(last, INGRESS, "job_name")).containsExactly("hubroute demo-hub");

        // the Service Bus sink's own IoT Hub metrics, per endpoint: egress up to the deliveries
        // handed to it, and a healthy endpoint
        Map<String, String> queue = Map.of(PrometheusNames.ENDPOINT_LABEL, "CriticalQueue");
        long queueDelivered = summary.at("/endpoints/CriticalQueue/delivered").asLong();
        assertThat(queueDelivered).isPositive();
        assertThat(scrapes).anyMatch(scrape -> sum(scrape, QUEUE_EGRESS, queue) > 0);
        for (List<Sample> scrape : scrapes) {
            assertThat(sum(scrape, QUEUE_EGRESS, queue)).isLessThanOrEqualTo(queueDelivered);
        }
        assertThat(scrapes)
                .anyMatch(
                        scrape ->
                                values(scrape, HEALTH, queue)
                                        .equals(List.of((double) EndpointHealth.HEALTHY.code())));
    }

    /** The summary's counts, by the summary's names. */
    private static Map<String, Long> counts(JsonNode summary) {
        Map<String, Long> counts = new TreeMap<>();
        counts.put("messagesIn", summary.path("messagesIn").asLong());
        summary.path("routes")
                .fields()
                .forEachRemaining(
                        route ->
                                ROUTE_RESULTS
                                        .keySet()
                                        .forEach(
                                                result ->
                                                        counts.put(
                                                                "routes."
                                                                        + route.getKey()
                                                                        + "."
                                                                        + result,
                                                                route.getValue()
                                                                        .path(result)
                                                                        .asLong())));
        summary.path("endpoints")
                .fields()
                .forEachRemaining(
                        endpoint ->
                                counts.put(
                                        "endpoints." + endpoint.getKey() + ".delivered",
                                        endpoint.getValue().path("delivered").asLong()));
        counts.put("fallback", summary.path("fallback").asLong());
        counts.put("orphaned", summary.path("orphaned").asLong());
        counts.put("invalid", summary.path("invalid").asLong());
        return counts;
    }

    /** The same counts from a scrape: each metric summed over its series (subtasks, operators). */
    private static Map<String, Long> counts(List<Sample> scrape, JsonNode summary) {
        Map<String, Long> counts = new TreeMap<>();
        counts.put("messagesIn", sum(scrape, INGRESS, Map.of()));
        for (Iterator<String> routes = summary.path("routes").fieldNames(); routes.hasNext(); ) {
            String route = routes.next();
            for (Map.Entry<String, String> result : ROUTE_RESULTS.entrySet()) {
                counts.put(
                        "routes." + route + "." + result.getKey(),
                        sum(scrape, result.getValue(), Map.of(PrometheusNames.ROUTE_LABEL, route)));
            }
        }
        for (Iterator<String> endpoints = summary.path("endpoints").fieldNames();
                endpoints.hasNext(); ) {
            String endpoint = endpoints.next();
            counts.put(
                    "endpoints." + endpoint + ".delivered",
                    sum(scrape, DELIVERED, Map.of(PrometheusNames.ENDPOINT_LABEL, endpoint)));
        }
        counts.put("fallback", sum(scrape, FALLBACK, Map.of()));
        counts.put("orphaned", sum(scrape, ORPHANED, Map.of()));
        counts.put("invalid", sum(scrape, INVALID, Map.of()));
        return counts;
    }

    /**
     * The last scrape that has every series of the counted metrics any scrape had: while the job
     * stops, its tasks unregister their metrics one by one.
     */
    private static List<Sample> lastComplete(List<List<Sample>> scrapes) {
        Set<String> all = new TreeSet<>();
        for (List<Sample> scrape : scrapes) {
            all.addAll(countedSeries(scrape));
        }
        for (int i = scrapes.size() - 1; i >= 0; i--) {
            if (countedSeries(scrapes.get(i)).equals(all)) {
                return scrapes.get(i);
            }
        }
        throw new AssertionError("no scrape has every series of " + COUNTED + ": " + all);
    }

    private static Set<String> countedSeries(List<Sample> scrape) {
        Set<String> series = new TreeSet<>();
        for (Sample sample : scrape) {
            if (COUNTED.contains(sample.name())) {
                series.add(sample.series());
            }
        }
        return series;
    }

    private static long sum(List<Sample> scrape, String name, Map<String, String> labels) {
        double total = 0;
        for (double value : values(scrape, name, labels)) {
            total += value;
        }
        return Math.round(total);
    }

    private static List<Double> values(
            List<Sample> scrape, String name, Map<String, String> labels) {
        List<Double> values = new ArrayList<>();
        for (Sample sample : scrape) {
            if (sample.name().equals(name)
                    && sample.labels().entrySet().containsAll(labels.entrySet())) {
                values.add(sample.value());
            }
        }
        return values;
    }

    private static Set<String> labelValues(List<Sample> scrape, String name, String label) {
        Set<String> values = new TreeSet<>();
        for (Sample sample : scrape) {
            if (sample.name().equals(name)) {
                values.add(sample.labels().get(label));
            }
        }
        return values;
    }

    /** A metric of hubroute's own: IoT Hub's names and hubroute's groups below an operator. */
    private static boolean isHubroutes(String name) {
        if (!name.startsWith(PrometheusNames.OPERATOR_PREFIX)) {
            return false;
        }
        String rest = name.substring(PrometheusNames.OPERATOR_PREFIX.length());
        return rest.contains("d2c_")
                || rest.startsWith(PrometheusNames.ROUTE_LABEL + "_")
                || rest.startsWith(PrometheusNames.ENDPOINT_LABEL + "_")
                || rest.startsWith("twin_")
                || rest.startsWith("hubroute_");
    }

    /** GET /metrics, parsed; empty while nothing listens (before the cluster starts, after). */
    private static List<Sample> scrape(int port) {
        String text;
        try {
            HttpURLConnection connection =
                    (HttpURLConnection)
                            URI.create("http://localhost:" + port + "/metrics")
                                    .toURL()
                                    .openConnection();
            connection.setConnectTimeout(1000);
            connection.setReadTimeout(5000);
            try {
                if (connection.getResponseCode() != 200) {
                    return List.of();
                }
                text =
                        new String(
                                connection.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } finally {
                connection.disconnect();
            }
        } catch (IOException e) {
            return List.of();
        }
        return parse(text);
    }

    /** Prometheus's text format: {@code name{label="value",...} value}, comments skipped. */
    static List<Sample> parse(String text) {
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.indexOf(' ');
            String name;
            Map<String, String> labels = new LinkedHashMap<>();
            int valueAt;
            if (brace >= 0 && brace < space) {
                name = line.substring(0, brace);
                int i = brace + 1;
                while (line.charAt(i) != '}') {
                    int equals = line.indexOf('=', i);
                    String label = line.substring(i, equals);
                    StringBuilder value = new StringBuilder();
                    int j = equals + 2; // past ="
                    while (line.charAt(j) != '"') {
                        char c = line.charAt(j);
                        if (c == '\\') {
                            char escaped = line.charAt(++j);
                            value.append(escaped == 'n' ? '\n' : escaped);
                        } else {
                            value.append(c);
                        }
                        j++;
                    }
                    labels.put(label, value.toString());
                    i = j + 1;
                    if (line.charAt(i) == ',') {
                        i++;
                    }
                }
                valueAt = i + 2;
            } else {
                name = line.substring(0, space);
                valueAt = space + 1;
            }
            String value = line.substring(valueAt).trim().split(" ")[0];
            samples.add(new Sample(name, labels, Double.parseDouble(value)));
        }
        return samples;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
