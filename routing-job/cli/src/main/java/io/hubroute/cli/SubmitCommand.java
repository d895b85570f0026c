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
import java.io.InputStream;
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
 * {@code hubroute submit}: sends the job jar to a running Flink cluster through its REST API
 * ({@code POST /jars/upload}, {@code POST /jars/<id>/run}) and starts the routing job there.
 *
 * <p>By default the routes file and job.yaml are read here and passed as text in the program
 * arguments, which Flink's web UI shows: so connection strings must be {@code ${env:NAME}} or
 * {@code ${file:PATH}} references (resolved on the JobManager), and this command refuses files with
 * an inline secret. {@code --cluster-files} passes the paths instead, for files that live on the
 * JobManager.
 */
final class SubmitCommand implements Command {
    static final String ENTRY_CLASS = "io.hubroute.job.RoutingJobMain";
    private static final Pattern REFERENCE = Pattern.compile("\\s*\\$\\{(env|file):[^}]+}\\s*");
    private static final Pattern SECRET_KEY =
            Pattern.compile("(?i).*(connectionstring|password|jaas|secret|token|sas|accesskey).*");
    private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(2);

    private final ObjectMapper json = new ObjectMapper();

    @Override
    public String name() {
        return "submit";
    }

    @Override
    public String summary() {
        return "submit the routing job to a running Flink cluster through its REST API";
    }

    @Override
    public String usage() {
        return "usage: hubroute submit --jobmanager HOST:PORT --routes routes.yaml --config job.yaml [options]\n"
                + "  --jobmanager HOST:PORT  the JobManager's REST address (rest.address:rest.port)\n"
                + "  --routes FILE           routes and endpoints; connection strings as ${env:..}/${file:..} references\n"
                + "  --config FILE           job settings with a source section, see docs/job-config.md\n"
                + "  --jar PATH              the job jar (default routing-job/target/hubroute-routing-job-<version>-job.jar,\n"
                + "                          built with mvn package when missing)\n"
                + "  --savepoint PATH        start from this savepoint or retained checkpoint\n"
                + "  --parallelism N         the job's default parallelism (default: job.yaml's)\n"
                + "  --cluster-files         pass --routes/--config as paths on the JobManager instead of their text\n"
                + "  --detached              return once submitted, without waiting for the job to run";
    }

    @Override
    public int run(List<String> arguments, InputStream in, PrintStream out, PrintStream err)
            throws Exception {
        String jobManager = null;
        Path routesFile = null;
        Path configFile = null;
        Path jar = null;
        String savepoint = null;
        Integer parallelism = null;
        boolean clusterFiles = false;
        boolean detached = false;
        for (int i = 0; i < arguments.size(); i++) {
            String argument = arguments.get(i);
            if (argument.equals("--detached")) {
                detached = true;
                continue;
            }
            if (argument.equals("--cluster-files")) {
                clusterFiles = true;
                continue;
            }
            if (i + 1 >= arguments.size()) {
                throw new UsageException("missing value after " + argument);
            }
            String value = arguments.get(++i);
            switch (argument) {
                case "--jobmanager":
                    jobManager = value;
                    break;
                case "--routes":
                    routesFile = Path.of(value);
                    break;
                case "--config":
                    configFile = Path.of(value);
                    break;
                case "--jar":
                    jar = Path.of(value);
                    break;
                case "--savepoint":
                    savepoint = value;
                    break;
                case "--parallelism":
                    try {
                        parallelism = Integer.parseInt(value);
                    } catch (NumberFormatException e) {
                        throw new UsageException(
                                "--parallelism needs a whole number, not '" + value + "'");
                    }
                    if (parallelism < 1) {
                        throw new UsageException(
                                "--parallelism must be at least 1, not " + parallelism);
                    }
                    break;
                default:
                    throw new UsageException("unknown option " + argument);
            }
        }
        if (jobManager == null || routesFile == null || configFile == null) {
            throw new UsageException("--jobmanager, --routes and --config are required");
        }
        URI rest = restUri(jobManager);

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
                                .map(SubmitCommand::isSecretFree)
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
     * routing-job/target/hubroute-routing-job-<version>-job.jar beside this code; builds it when
     * missing.
     */
    private static Path defaultJar(PrintStream err) throws IOException, InterruptedException {
        Path target = targetDirectory();
        Path jar;
        try (var files = Files.list(target)) {
            jar =
                    files.filter(
                                    file ->
                                            file.getFileName()
                                                    .toString()
                                                    .matches("hubroute-routing-job-.*-job\\.jar"))
                            .findFirst()
                            .orElse(null);
        }
        if (jar != null) {
            return jar;
        }
        Path root = target.getParent().getParent();
        err.println(
                "hubroute submit: building the job jar (mvn package in "
                        + root.resolve("routing-job")
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
                                "routing-job")
                        .directory(root.toFile())
                        .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                        .redirectError(ProcessBuilder.Redirect.INHERIT)
                        .start();
        if (build.waitFor() != 0) {
            throw new IOException(
                    "building the job jar failed (mvn package -pl routing-job in "
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

    private static Path targetDirectory() throws IOException {
        try {
            Path code =
                    Path.of(
                            SubmitCommand.class
                                    .getProtectionDomain()
                                    .getCodeSource()
                                    .getLocation()
                                    .toURI());
            // the plain jar (bin/hubroute) or target/classes (tests): both sit in
            // routing-job/target
            Path target = code.getParent();
            if (target == null || !target.getFileName().toString().equals("target")) {
                throw new IOException(
                        "cannot tell where routing-job/target is (running from "
                                + code
                                + "): pass --jar PATH");
            }
            return target;
        } catch (URISyntaxException | RuntimeException e) {
            throw new IOException("cannot tell where the job jar is: pass --jar PATH", e);
        }
    }

    static URI restUri(String jobManager) throws UsageException {
        String address = jobManager.contains("://") ? jobManager : "http://" + jobManager;
        try {
            URI uri = new URI(address);
            if (uri.getHost() == null || uri.getPort() < 0) {
                throw new UsageException(
                        "--jobmanager must be HOST:PORT (the REST port, 8081 by default), not '"
                                + jobManager
                                + "'");
            }
            return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), "/", null, null);
        } catch (URISyntaxException e) {
            throw new UsageException(
                    "--jobmanager must be HOST:PORT (the REST port, 8081 by default), not '"
                            + jobManager
                            + "'");
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
