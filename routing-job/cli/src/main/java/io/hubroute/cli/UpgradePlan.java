package io.hubroute.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.hubroute.config.Endpoint;
import io.hubroute.config.EndpointKind;
import io.hubroute.config.RoutingConfig;
import io.hubroute.config.YamlFile;
import io.hubroute.job.RoutingJob;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Whether every piece of a running job's state has a place in the job that replaces it, decided
 * before anything is stopped. A job's state lives under its operators' uids ({@link RoutingJob}'s
 * constants): the source's offsets, the twins under the route operator, one sink per endpoint with
 * what it has not committed yet, and the diagnostics and live-routes operators when job.yaml has
 * them. Flink refuses a savepoint with state no operator of the new job claims, unless told to drop
 * it ({@code allowNonRestoredState}); {@code upgrade} tells it so only when every unclaimed uid is
 * the sink of an endpoint named with {@code --allow-dropping}.
 *
 * <p>The uids come from the routes and job.yaml both jobs run with (the running job's from what
 * {@link SubmittedJob} recorded), not from the savepoint, which may sit where this machine cannot
 * read it.
 *
 * @param refusals why the upgrade may not go ahead, one sentence each with its fix; empty when it
 *     may
 * @param droppedEndpoints the endpoints whose sink state the new job drops (all named with {@code
 *     --allow-dropping})
 */
record UpgradePlan(List<String> refusals, List<String> droppedEndpoints) {
    UpgradePlan {
        refusals = List.copyOf(refusals);
        droppedEndpoints = List.copyOf(droppedEndpoints);
    }

    boolean isRefused() {
        return !refusals.isEmpty();
    }

    /** Whether the new job must be started with {@code allowNonRestoredState}. */
    boolean allowNonRestoredState() {
        return !isRefused() && !droppedEndpoints.isEmpty();
    }

    /**
     * The uids of the job's stateful operators, each with what its state holds (for messages), in
     * the order the job adds them.
     *
     * @param diagnostics whether job.yaml sends diagnostics somewhere (which adds their sink)
     * @param liveRoutes whether job.yaml has a routes.controlTopic (which adds its source and the
     *     status topic's sink)
     */
    static Map<String, String> statefulOperators(
            RoutingConfig routing, boolean diagnostics, boolean liveRoutes) {
        Map<String, String> operators = new LinkedHashMap<>();
        operators.put(RoutingJob.SOURCE_UID, "the source's offsets");
        operators.put(RoutingJob.DECODE_UID, "the decoder's state");
        operators.put(RoutingJob.ROUTE_UID, "the twins");
        if (liveRoutes) {
            operators.put(RoutingJob.ROUTES_SOURCE_UID, "the control topic's offsets");
            operators.put(RoutingJob.ROUTES_STATUS_UID, "the routes status sink's state");
        }
        if (diagnostics) {
            operators.put(RoutingJob.DIAGNOSTICS_UID, "the diagnostics sink's state");
        }
        for (Endpoint endpoint : routing.allEndpoints()) {
            operators.put(
                    RoutingJob.ENDPOINT_UID_PREFIX + endpoint.name(),
                    endpoint.kind() == EndpointKind.STORAGE_CONTAINER
                            ? "its sink state (pending blob commits)"
                            : "its sink state (sends not yet committed)");
        }
        return operators;
    }

    /**
     * Decides the upgrade from the stateful operators of both jobs.
     *
     * @param running the running job's {@link #statefulOperators}
     * @param next the new job's
     * @param allowDropping the endpoint names given with {@code --allow-dropping}
     * @param routesName the new routes file, as named in messages
     * @param configName the new job.yaml, as named in messages
     */
    static UpgradePlan decide(
            Map<String, String> running,
            Map<String, String> next,
            Collection<String> allowDropping,
            String routesName,
            String configName) {
        List<String> refusals = new ArrayList<>();
        List<String> dropped = new ArrayList<>();
        for (Map.Entry<String, String> operator : running.entrySet()) {
            String uid = operator.getKey();
            if (next.containsKey(uid)) {
                continue;
            }
            if (uid.startsWith(RoutingJob.ENDPOINT_UID_PREFIX)) {
                String endpoint = uid.substring(RoutingJob.ENDPOINT_UID_PREFIX.length());
                if (allowDropping.contains(endpoint)) {
                    dropped.add(endpoint);
                } else {
                    refusals.add(
                            "endpoint "
                                    + endpoint
                                    + " is in the running job but not in "
                                    + routesName
                                    + ": "
                                    + operator.getValue()
                                    + " would be dropped; add --allow-dropping "
                                    + endpoint
                                    + " to drop it");
                }
            } else if (uid.equals(RoutingJob.DIAGNOSTICS_UID)) {
                refusals.add(
                        "the running job writes diagnostics but "
                                + configName
                                + " has neither diagnostics.dir nor diagnostics.topic: "
                                + operator.getValue()
                                + " would be dropped; keep the diagnostics section"
                                + " (--allow-dropping drops endpoints only)");
            } else if (uid.equals(RoutingJob.ROUTES_SOURCE_UID)) {
                refusals.add(
                        "the running job takes live route changes but "
                                + configName
                                + " has no routes.controlTopic: "
                                + operator.getValue()
                                + " would be dropped; keep routes.controlTopic");
            } else if (uid.equals(RoutingJob.ROUTES_STATUS_UID)
                    && !next.containsKey(RoutingJob.ROUTES_SOURCE_UID)) {
                // the same cause as the control topic's source, said once
                continue;
            } else {
                refusals.add(
                        "operator "
                                + uid
                                + " of the running job is not in the new job: "
                                + operator.getValue()
                                + " would be dropped");
            }
        }
        for (String endpoint : new LinkedHashSet<>(allowDropping)) {
            String uid = RoutingJob.ENDPOINT_UID_PREFIX + endpoint;
            if (next.containsKey(uid)) {
                refusals.add(
                        "--allow-dropping "
                                + endpoint
                                + ": endpoint "
                                + endpoint
                                + " is in "
                                + routesName
                                + ", so its state is kept: remove the option");
            } else if (!running.containsKey(uid)) {
                refusals.add(
                        "--allow-dropping "
                                + endpoint
                                + ": the running job has no endpoint "
                                + endpoint
                                + " (it has "
                                + String.join(", ", endpoints(running))
                                + ")");
            }
        }
        return new UpgradePlan(refusals, dropped);
    }

    /**
     * Whether job.yaml's text sends diagnostics somewhere ({@code diagnostics.dir} or {@code
     * .topic}), which gives the job a diagnostics sink. The text was checked when it was loaded.
     */
    static boolean writesDiagnostics(String configYaml, String configName) {
        JsonNode diagnostics = jobYaml(configYaml, configName).path("diagnostics");
        return isSet(diagnostics.path("dir")) || isSet(diagnostics.path("topic"));
    }

    /**
     * Whether job.yaml's text turns live route changes on ({@code routes.controlTopic}), which
     * gives the job the control topic's source and the status topic's sink.
     */
    static boolean takesLiveRoutes(String configYaml, String configName) {
        return isSet(jobYaml(configYaml, configName).path("routes").path("controlTopic"));
    }

    private static JsonNode jobYaml(String configYaml, String configName) {
        YamlFile yaml = YamlFile.parse(configYaml, configName);
        return yaml.root() == null ? MissingNode.getInstance() : YamlFile.toJson(yaml.root());
    }

    private static boolean isSet(JsonNode value) {
        return !value.isMissingNode() && !value.isNull();
    }

    private static List<String> endpoints(Map<String, String> operators) {
        List<String> endpoints = new ArrayList<>();
        for (String uid : operators.keySet()) {
            if (uid.startsWith(RoutingJob.ENDPOINT_UID_PREFIX)) {
                endpoints.add(uid.substring(RoutingJob.ENDPOINT_UID_PREFIX.length()));
            }
        }
        return endpoints;
    }
}
