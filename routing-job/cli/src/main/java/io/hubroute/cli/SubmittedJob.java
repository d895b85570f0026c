package io.hubroute.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How {@code hubroute submit} and {@code upgrade} started a job, recorded in the job itself: Flink
 * keeps no program arguments of a job it runs, so they go into the job's global job parameters
 * ({@code pipeline.global-job-parameters}), which {@code GET /jobs/<id>/config} returns as {@code
 * execution-config.user-config}. {@code upgrade} reads them back to learn which endpoints the
 * running job has state for and to resubmit the job exactly as it ran when the new one fails.
 *
 * <p>The text recorded is what the program arguments already carry (and Flink's web UI shows):
 * files whose secrets are {@code ${env:}} / {@code ${file:}} references, never resolved values.
 *
 * @param routesYaml the routes file's text ({@code --routes-yaml}), or null with {@code
 *     --cluster-files}
 * @param configYaml job.yaml's text ({@code --config-yaml}), or null with {@code --cluster-files}
 * @param routesPath the routes file's path on the JobManager ({@code --routes}), or null
 * @param configPath job.yaml's path on the JobManager ({@code --config}), or null
 * @param jarId the uploaded job jar's id on the JobManager ({@code POST /jars/<id>/run})
 * @param parallelism the {@code --parallelism} it was submitted with, or null for job.yaml's
 */
record SubmittedJob(
        String routesYaml,
        String configYaml,
        String routesPath,
        String configPath,
        String jarId,
        Integer parallelism) {
    static final String ROUTES_YAML = "hubroute.routes-yaml";
    static final String CONFIG_YAML = "hubroute.config-yaml";
    static final String ROUTES_PATH = "hubroute.routes";
    static final String CONFIG_PATH = "hubroute.config";
    static final String JAR_ID = "hubroute.jar-id";
    static final String PARALLELISM = "hubroute.parallelism";

    SubmittedJob {
        Objects.requireNonNull(jarId, "jarId");
        if ((routesYaml == null) == (routesPath == null)
                || (configYaml == null) == (configPath == null)) {
            throw new IllegalArgumentException(
                    "give the routes and the config each as text or as a path");
        }
    }

    /** A job started with the files' text, as {@code submit} does without --cluster-files. */
    static SubmittedJob inline(
            String routesYaml, String configYaml, String jarId, Integer parallelism) {
        return new SubmittedJob(routesYaml, configYaml, null, null, jarId, parallelism);
    }

    /** A job started with paths of files on the JobManager ({@code submit --cluster-files}). */
    static SubmittedJob clusterFiles(
            String routesPath, String configPath, String jarId, Integer parallelism) {
        return new SubmittedJob(null, null, routesPath, configPath, jarId, parallelism);
    }

    boolean isInline() {
        return routesYaml != null && configYaml != null;
    }

    /** The program arguments of {@code io.hubroute.job.RoutingJobMain}. */
    List<String> programArguments() {
        List<String> arguments = new ArrayList<>(4);
        if (routesYaml != null) {
            arguments.add("--routes-yaml");
            arguments.add(routesYaml);
        } else {
            arguments.add("--routes");
            arguments.add(routesPath);
        }
        if (configYaml != null) {
            arguments.add("--config-yaml");
            arguments.add(configYaml);
        } else {
            arguments.add("--config");
            arguments.add(configPath);
        }
        return arguments;
    }

    /** The global job parameters that record this submission. */
    Map<String, String> toParameters() {
        Map<String, String> parameters = new LinkedHashMap<>();
        put(parameters, ROUTES_YAML, routesYaml);
        put(parameters, CONFIG_YAML, configYaml);
        put(parameters, ROUTES_PATH, routesPath);
        put(parameters, CONFIG_PATH, configPath);
        parameters.put(JAR_ID, jarId);
        if (parallelism != null) {
            parameters.put(PARALLELISM, parallelism.toString());
        }
        return parameters;
    }

    /**
     * The submission a running job's global job parameters record; empty when they record none (a
     * job started by {@code flink run}, or by a hubroute older than {@code upgrade}).
     */
    static Optional<SubmittedJob> fromParameters(Map<String, String> parameters) {
        String jarId = parameters.get(JAR_ID);
        String routesYaml = parameters.get(ROUTES_YAML);
        String routesPath = parameters.get(ROUTES_PATH);
        String configYaml = parameters.get(CONFIG_YAML);
        String configPath = parameters.get(CONFIG_PATH);
        if (jarId == null
                || (routesYaml == null) == (routesPath == null)
                || (configYaml == null) == (configPath == null)) {
            return Optional.empty();
        }
        Integer parallelism = null;
        String recorded = parameters.get(PARALLELISM);
        if (recorded != null) {
            try {
                parallelism = Integer.valueOf(recorded);
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
        return Optional.of(
                new SubmittedJob(
                        routesYaml, configYaml, routesPath, configPath, jarId, parallelism));
    }

    private static void put(Map<String, String> parameters, String key, String value) {
        if (value != null) {
            parameters.put(key, value);
        }
    }
}
