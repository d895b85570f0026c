package io.hubroute.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubroute.config.ConfigProblem;
import io.hubroute.config.Endpoint;
import io.hubroute.config.RoutingConfig;
import io.hubroute.config.RoutingConfigLoader;
import io.hubroute.job.RoutingJobMain;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * What {@code hubroute submit} does: sends the job jar to a running Flink cluster through its REST
 * API ({@code POST /jars/upload}, {@code POST /jars/<id>/run}) and starts the routing job there.
 *
 * <p>By default the routes file and job.yaml are read here and passed as text in the program
 * arguments, which Flink's web UI shows: so connection strings must be {@code ${env:NAME}} or
 * {@code ${file:PATH}} references (resolved on the JobManager), and this class refuses files with
 * an inline secret. {@code --cluster-files} passes the paths instead, for files that live on the
 * JobManager.
 *
 * <p>Only {@link SubmitCommand#call()} uses this class, so the other commands never load the job
 * module.
 */
final class JobSubmitter {
    static final String ENTRY_CLASS = "io.hubroute.job.RoutingJobMain";
    private static final Pattern REFERENCE = Pattern.compile("\\s*\\$\\{(env|file):[^}]+}\\s*");
    private static final Pattern SECRET_KEY =
            Pattern.compile("(?i).*(connectionstring|password|jaas|secret|token|sas|accesskey).*");
    private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(2);

    private final ObjectMapper json = new ObjectMapper();
    private final PrintStream out;
    private final PrintStream err;

    JobSubmitter(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /**
     * Submits the job and, unless {@code detached}, waits until it runs.
     *
     * @param jobManager the JobManager's address as the user wrote it (for messages)
     * @param rest its REST API's base URI
     * @param jar the job jar, or null for the one built beside this code
     * @param savepoint the savepoint to start from, or null
     * @param parallelism the job's default parallelism, or null for job.yaml's
     * @return the exit code
     */
    int submit(
            String jobManager,
            URI rest,
            Path routesFile,
            Path configFile,
            Path jar,
            String savepoint,
            Integer parallelism,
            boolean clusterFiles,
            boolean detached)
            throws IOException, InterruptedException {
        List<String> programArguments = new ArrayList<>();
        String jobName;
        if (clusterFiles) {
            programArguments.addAll(
                    List.of("--routes", routesFile.toString(), "--config", configFile.toString()));
            jobName =
                    Files.isRegularFile(routesFile) ? checkedRoutes(routesFile, false, err) : null;
            if (Files.isRegularFile(routesFile) && jobName == null) {
                return 1;
            }
        } else {
            jobName = checkedRoutes(routesFile, true, err);
            if (jobName == null || !checkedConfig(configFile, err)) {
                return 1;
            }
            programArguments.addAll(
                    List.of(
                            "--routes-yaml", Files.readString(routesFile, StandardCharsets.UTF_8),
                            "--config-yaml", Files.readString(configFile, StandardCharsets.UTF_8)));
        }

        if (jar == null) {
            jar = defaultJar(err);
        } else if (!Files.isRegularFile(jar)) {
            err.println("hubroute submit: no job jar at " + jar.toAbsolutePath());
            return 1;
        }

        FlinkRest flink = new FlinkRest(jobManager, rest);
        out.println("hubroute submit: uploading " + jar.getFileName() + " to " + jobManager);
        String jarId = flink.uploadJar(jar);
        ObjectNode request = json.createObjectNode();
        request.put("entryClass", ENTRY_CLASS);
        ArrayNode args = request.putArray("programArgsList");
        programArguments.forEach(args::add);
        if (parallelism != null) {
            request.put("parallelism", parallelism);
        }
        if (savepoint != null) {
            request.put("savepointPath", savepoint);
            request.put("allowNonRestoredState", false);
        }
        String jobId = flink.post("/jars/" + jarId + "/run", request).path("jobid").asText(null);
        if (jobId == null) {
            err.println(
                    "hubroute submit: " + jobManager + " accepted the jar but returned no job id");
            return 1;
        }
        out.println("job id: " + jobId + (jobName == null ? "" : " (" + jobName + ")"));
        out.println("web UI: " + rest.resolve("/#/job/running/" + jobId + "/overview"));
        if (detached) {
            return 0;
        }
        String state = flink.awaitRunning(jobId, Duration.ofMinutes(2));
        out.println("state: " + state);
        return state.equals("RUNNING") ? 0 : 1;
    }

    /** Validates the routes file; returns the job's name, or null after printing the problems. */
    private static String checkedRoutes(Path routesFile, boolean inline, PrintStream err)
            throws IOException {
        if (!Files.isRegularFile(routesFile)) {
            err.println("hubroute submit: no routes file at " + routesFile.toAbsolutePath());
            return null;
        }
        RoutingConfigLoader.Result result = RoutingConfigLoader.withoutSecrets().load(routesFile);
        if (!result.isValid()) {
            for (ConfigProblem problem : result.problems()) {
                err.println(problem);
            }
            return null;
        }
        RoutingConfig routing = result.config().orElseThrow();
        if (inline) {
            for (Endpoint endpoint : routing.allEndpoints()) {
                if (endpoint.connectionString() != null
                        && endpoint.connectionString().reference().isEmpty()
                        && !endpoint.connectionString()
                                .value()
                                .map(JobSubmitter::isSecretFree)
                                .orElse(true)) {
                    err.println(
                            routesFile
                                    + ": endpoint '"
                                    + endpoint.name()
                                    + "' has its connection string written inline."
                                    + " Program arguments show in Flink's web UI: write it as ${env:NAME} or ${file:PATH}"
                                    + " (set on the JobManager), or keep the file on the JobManager and pass --cluster-files");
                    return null;
                }
            }
        }
        return RoutingJobMain.jobName(routing);
    }

    /** kafka://host:port and amqp://host:port (no user info) name a broker, not a credential. */
    private static boolean isSecretFree(String connection) {
        String lower = connection.toLowerCase(Locale.ROOT);
        if (lower.startsWith("kafka://")) {
            return true;
        }
        return (lower.startsWith("amqp://") || lower.startsWith("amqps://"))
                && !lower.contains("@");
    }

    /**
     * Refuses a job.yaml whose secret-looking values (connection strings, passwords, JAAS) are not
     * references.
     */
    private static boolean checkedConfig(Path configFile, PrintStream err) throws IOException {
        if (!Files.isRegularFile(configFile)) {
            err.println("hubroute submit: no job.yaml at " + configFile.toAbsolutePath());
            return false;
        }
        Object document;
        try {
            document =
                    new Load(LoadSettings.builder().setLabel(configFile.toString()).build())
                            .loadFromString(Files.readString(configFile, StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            err.println(configFile + ": not valid YAML: " + e.getMessage());
            return false;
        }
        String inlineKey = inlineSecretKey(document, "");
        if (inlineKey != null) {
            err.println(
                    configFile
                            + ": "
                            + inlineKey
                            + " is written inline. Program arguments show in Flink's web UI:"
                            + " write it as ${env:NAME} or ${file:PATH} (set on the JobManager), or keep the file on the"
                            + " JobManager and pass --cluster-files");
            return false;
        }
        return true;
    }

    private static String inlineSecretKey(Object node, String path) {
        if (node instanceof Map) {
            for (Map.Entry<?, ?> entry : ((Map<?, ?>) node).entrySet()) {
                String key = String.valueOf(entry.getKey());
                String childPath = path.isEmpty() ? key : path + "." + key;
                Object value = entry.getValue();
                if (value instanceof String
                        && SECRET_KEY.matcher(key).matches()
                        && !REFERENCE.matcher((String) value).matches()) {
                    return childPath;
                }
                String nested = inlineSecretKey(value, childPath);
                if (nested != null) {
                    return nested;
                }
            }
        }
        return null;
    }

    /**
     * routing-job/job/target/hubroute-routing-job-<version>-job.jar beside this code's module;
     * builds it when missing.
     */
    private static Path defaultJar(PrintStream err) throws IOException, InterruptedException {
        Path target = jobTargetDirectory();
        Path jar = null;
        if (Files.isDirectory(target)) {
            try (var files = Files.list(target)) {
                jar =
                        files.filter(
                                        file ->
                                                file.getFileName()
                                                        .toString()
                                                        .matches(
                                                                "hubroute-routing-job-.*-job\\.jar"))
                                .findFirst()
                                .orElse(null);
            }
        }
        if (jar != null) {
            return jar;
        }
        Path root = target.getParent().getParent().getParent();
        err.println(
                "hubroute submit: building the job jar (mvn package -pl routing-job/job in "
                        + root
                        + ")...");
        Process build =
                new ProcessBuilder(
                                "mvn",
                                "-q",
                                "-B",
                                "-DskipTests",
                                "-DskipITs",
                                "-Dmaven.test.skip=true",
                                "package",
                                "-pl",
                                "routing-job/job")
                        .directory(root.toFile())
                        .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                        .redirectError(ProcessBuilder.Redirect.INHERIT)
                        .start();
        if (build.waitFor() != 0) {
            throw new IOException(
                    "building the job jar failed (mvn package -pl routing-job/job in "
                            + root
                            + "); pass --jar PATH");
        }
        try (var files = Files.list(target)) {
            return files.filter(
                            file ->
                                    file.getFileName()
                                            .toString()
                                            .matches("hubroute-routing-job-.*-job\\.jar"))
                    .findFirst()
                    .orElseThrow(
                            () ->
                                    new IOException(
                                            "mvn package did not write a job jar to "
                                                    + target
                                                    + "; pass --jar PATH"));
        }
    }

    /** routing-job/job/target, found from where this code runs: routing-job/cli/target. */
    private static Path jobTargetDirectory() throws IOException {
        try {
            Path code =
                    Path.of(
                            JobSubmitter.class
                                    .getProtectionDomain()
                                    .getCodeSource()
                                    .getLocation()
                                    .toURI());
            // the plain jar (bin/hubroute) or target/classes (tests): both sit in
            // routing-job/cli/target
            Path target = code.getParent();
            if (target == null
                    || !target.getFileName().toString().equals("target")
                    || target.getParent().getParent() == null) {
                throw new IOException(
                        "cannot tell where routing-job/job/target is (running from "
                                + code
                                + "): pass --jar PATH");
            }
            return target.getParent().getParent().resolve("job").resolve("target");
        } catch (URISyntaxException | RuntimeException e) {
            throw new IOException("cannot tell where the job jar is: pass --jar PATH", e);
        }
    }

    /**
     * The few REST calls submit needs; every error names the address, the HTTP status and Flink's
     * text.
     */
    static final class FlinkRest {
        private final String address;
        private final URI base;
        private final HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        private final ObjectMapper json = new ObjectMapper();

        FlinkRest(String address, URI base) {
            this.address = address;
            this.base = base;
        }

        String uploadJar(Path jar) throws IOException, InterruptedException {
            String boundary = "hubroute-" + UUID.randomUUID();
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            body.write(
                    ("--"
                                    + boundary
                                    + "\r\n"
                                    + "Content-Disposition: form-data; name=\"jarfile\"; filename=\""
                                    + jar.getFileName()
                                    + "\"\r\n"
                                    + "Content-Type: application/x-java-archive\r\n\r\n")
                            .getBytes(StandardCharsets.UTF_8));
            body.write(Files.readAllBytes(jar));
            body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
            HttpRequest request =
                    HttpRequest.newBuilder(base.resolve("/jars/upload"))
                            .timeout(REQUEST_TIMEOUT)
                            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                            .build();
            JsonNode response = send(request, "POST /jars/upload");
            String uploaded = response.path("filename").asText("");
            if (uploaded.isEmpty()) {
                throw new IOException(
                        address + ": POST /jars/upload answered without a file name: " + response);
            }
            // the jar id is the uploaded file's name
            return Path.of(uploaded).getFileName().toString();
        }

        JsonNode post(String path, JsonNode body) throws IOException, InterruptedException {
            HttpRequest request =
                    HttpRequest.newBuilder(base.resolve(path))
                            .timeout(REQUEST_TIMEOUT)
                            .header("Content-Type", "application/json")
                            .POST(
                                    HttpRequest.BodyPublishers.ofString(
                                            json.writeValueAsString(body)))
                            .build();
            return send(request, "POST " + path.replaceFirst("/jars/[^/]+/", "/jars/<id>/"));
        }

        JsonNode get(String path) throws IOException, InterruptedException {
            return send(
                    HttpRequest.newBuilder(base.resolve(path))
                            .timeout(REQUEST_TIMEOUT)
                            .GET()
                            .build(),
                    "GET " + path);
        }

        /**
         * Polls the job until it runs or ends; a failure is reported with Flink's root exception.
         */
        String awaitRunning(String jobId, Duration timeout)
                throws IOException, InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                String state = get("/jobs/" + jobId).path("state").asText("UNKNOWN");
                if (state.equals("RUNNING")
                        || state.equals("FINISHED")
                        || state.equals("CANCELED")) {
                    return state;
                }
                if (state.equals("FAILED")
                        || state.equals("FAILING")
                        || state.equals("SUSPENDED")) {
                    String root =
                            get("/jobs/" + jobId + "/exceptions")
                                    .path("exceptionHistory")
                                    .path("entries")
                                    .path(0)
                                    .path("exceptionName")
                                    .asText("");
                    throw new IOException(
                            "job "
                                    + jobId
                                    + " on "
                                    + address
                                    + " is "
                                    + state
                                    + (root.isEmpty() ? "" : " (" + root + ")")
                                    + ": see the web UI's Exceptions tab");
                }
                if (System.nanoTime() > deadline) {
                    return state;
                }
                Thread.sleep(500);
            }
        }

        private JsonNode send(HttpRequest request, String what)
                throws IOException, InterruptedException {
            HttpResponse<String> response;
            try {
                response =
                        client.send(
                                request,
                                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            } catch (ConnectException e) {
                throw new IOException(
                        "cannot reach the Flink JobManager at "
                                + address
                                + " ("
                                + what
                                + "): is the cluster running and is this its REST port (rest.port, 8081 by default)?",
                        e);
            } catch (HttpTimeoutException e) {
                throw new IOException(
                        "the Flink JobManager at "
                                + address
                                + " did not answer "
                                + what
                                + " within "
                                + REQUEST_TIMEOUT.toSeconds()
                                + " s",
                        e);
            }
            JsonNode body;
            try {
                body =
                        response.body().isBlank()
                                ? json.createObjectNode()
                                : json.readTree(response.body());
            } catch (IOException e) {
                body = null;
            }
            if (response.statusCode() / 100 != 2 || body == null) {
                throw new IOException(
                        address
                                + ": "
                                + what
                                + " failed with HTTP "
                                + response.statusCode()
                                + ": "
                                + flinkErrors(body, response.body()));
            }
            return body;
        }

        /**
         * Flink's {"errors": [...]}, first lines of each (the rest is a server-side stack trace).
         */
        private static String flinkErrors(JsonNode body, String raw) {
            if (body == null || !body.path("errors").isArray()) {
                return raw.length() > 2000 ? raw.substring(0, 2000) + "..." : raw;
            }
            List<String> messages = new ArrayList<>();
            for (JsonNode error : body.path("errors")) {
                String text = error.asText();
                List<String> lines = new ArrayList<>();
                for (String line : text.split("\n")) {
                    String trimmed = line.strip();
                    if (trimmed.startsWith("at ") || trimmed.startsWith("...")) {
                        continue;
                    }
                    lines.add(trimmed);
                    if (lines.size() == 8) {
                        break;
                    }
                }
                messages.add(String.join("\n  ", lines));
            }
            return String.join("\n", messages);
        }
    }
}
