package io.hubroute.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubroute.message.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How far a replay on a cluster got, from the JobManager's REST API as its web UI shows it: the
 * records the route operator read, and the changed messages of the diff's accumulator. Both are as
 * fresh as the cluster's metric fetcher and heartbeats (10 s by default); zero when not known yet.
 *
 * @param routed records into the route operator (decoded messages)
 * @param changed messages whose endpoints changed (dry run)
 */
record ClusterProgress(long routed, long changed) {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Pattern CHANGED = Pattern.compile("changed=(\\d+)");

    static ClusterProgress read(URI rest, String jobId) {
        long routed = 0;
        long changed = 0;
        JsonNode job = get(rest, "jobs/" + jobId);
        for (JsonNode vertex : job.path("vertices")) {
            if (vertex.path("name").asText().startsWith("route")) {
                routed += vertex.path("metrics").path("read-records").asLong();
            }
        }
        JsonNode accumulators = get(rest, "jobs/" + jobId + "/accumulators");
        for (JsonNode accumulator : accumulators.path("user-task-accumulators")) {
            Matcher matcher = CHANGED.matcher(accumulator.path("value").asText());
            if (matcher.find()) {
                changed += Long.parseLong(matcher.group(1));
            }
        }
        return new ClusterProgress(routed, changed);
    }

    private static JsonNode get(URI rest, String path) {
        try {
            HttpResponse<String> response =
                    HTTP.send(
                            HttpRequest.newBuilder(rest.resolve(path))
                                    .timeout(Duration.ofSeconds(5))
                                    .GET()
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200
                    ? Json.MAPPER.readTree(response.body())
                    : Json.MAPPER.createObjectNode();
        } catch (java.io.IOException e) {
            return Json.MAPPER.createObjectNode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Json.MAPPER.createObjectNode();
        }
    }
}
