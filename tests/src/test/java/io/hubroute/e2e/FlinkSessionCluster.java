package io.hubroute.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * A Flink session cluster as two local processes, the way Flink's own scripts start one: a
 * JobManager ({@code StandaloneSessionClusterEntrypoint}) and a TaskManager ({@code
 * TaskManagerRunner}) on free ports of 127.0.0.1, with JVM flags computed by {@code BashJavaUtils}.
 *
 * <p>There is no Flink tarball on Maven Central: the processes run on this JVM's test classpath
 * minus every jar the job jar brings itself (except the few libraries the Flink distribution ships
 * too), so a class missing from the job jar fails the job here as it would on a real cluster.
 *
 * <pre>{@code
 * try (FlinkSessionCluster flink = FlinkSessionCluster.start(dir, jobJar, Map.of("NAME", "value"))) {
 *     String address = flink.restAddress(); // 127.0.0.1:<port>
 * }
 * }</pre>
 */
final class FlinkSessionCluster implements AutoCloseable {
    /**
     * Libraries the job jar holds that flink-dist ships as well: kept on the cluster's classpath.
     */
    private static final Set<String> ALSO_IN_FLINK_DIST =
            Set.of(
                    "lz4-java",
                    "commons-io",
                    "commons-compress",
                    "commons-lang3",
                    "commons-collections",
                    "snakeyaml-engine",
                    "snappy-java",
                    "slf4j-api");

    /** Flink's {@code env.java.default-opts.all} for JDK 17. */
    private static final List<String> JDK17_OPTIONS =
            List.of(
                    "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
                    "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
                    "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
                    "--add-opens=java.base/java.lang=ALL-UNNAMED",
                    "--add-opens=java.base/java.net=ALL-UNNAMED",
                    "--add-opens=java.base/java.io=ALL-UNNAMED",
                    "--add-opens=java.base/java.nio=ALL-UNNAMED",
                    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
                    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
                    "--add-opens=java.base/java.text=ALL-UNNAMED",
                    "--add-opens=java.base/java.time=ALL-UNNAMED",
                    "--add-opens=java.base/java.util=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

    private final Path directory;
    private final int restPort;
    private final String classpath;
    private final Process jobManager;
    private final Map<String, String> environment;
    private Process taskManager;
    private int taskManagersStarted = 1;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    private FlinkSessionCluster(
            Path directory,
            int restPort,
            String classpath,
            Map<String, String> environment,
            Process jobManager,
            Process taskManager) {
        this.directory = directory;
        this.restPort = restPort;
        this.classpath = classpath;
        this.environment = Map.copyOf(environment);
        this.jobManager = jobManager;
        this.taskManager = taskManager;
    }

    /**
     * Kills the TaskManager process as {@code kill -9} would (no shutdown hook, nothing flushed),
     * and waits until it is gone.
     */
    void killTaskManager() throws InterruptedException {
        taskManager.destroyForcibly();
        if (!taskManager.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the TaskManager did not die within 30 s");
        }
    }

    /** Starts a new TaskManager (after {@link #killTaskManager()}) and waits until it registers. */
    void startTaskManager() throws Exception {
        Path conf = directory.resolve("conf");
        Path log = directory.resolve("log");
        taskManagersStarted++;
        taskManager =
                startProcess(
                        "taskmanager-" + taskManagersStarted,
                        "GET_TM_RESOURCE_PARAMS",
                        "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
                        classpath,
                        conf,
                        log,
                        environment);
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (true) {
            if (!taskManager.isAlive()) {
                throw new IllegalStateException("the new TaskManager exited:\n" + logTail());
            }
            int alive = 0;
            for (JsonNode manager : get("/taskmanagers").path("taskmanagers")) {
                if (manager.path("slotsNumber").asInt() > 0) {
                    alive++;
                }
            }
            // the killed one drops out when its heartbeat times out; the new one registers
            if (alive >= 1 && get("/taskmanagers").path("taskmanagers").size() >= 1) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "the new TaskManager did not register within 90 s:\n" + logTail());
            }
            Thread.sleep(250);
        }
    }

    /**
     * Starts the cluster in {@code directory} and waits until a TaskManager has registered.
     *
     * @param environment extra environment variables of both processes (what {@code ${env:}}
     *     references of a submitted job resolve against)
     */
    static FlinkSessionCluster start(Path directory, Path jobJar, Map<String, String> environment)
            throws Exception {
        return start(directory, jobJar, environment, "{process: {size: 1536m}}");
    }

    /**
     * As {@link #start(Path, Path, Map)}, with the TaskManager's {@code taskmanager.memory}
     * settings given as a YAML flow mapping, e.g. {@code "{task: {heap: {size: 384m}}}"}.
     */
    static FlinkSessionCluster start(
            Path directory, Path jobJar, Map<String, String> environment, String taskManagerMemory)
            throws Exception {
        Path conf = Files.createDirectories(directory.resolve("conf"));
        Path log = Files.createDirectories(directory.resolve("log"));
        int restPort = freePort();
        Files.writeString(
                conf.resolve("config.yaml"),
                String.join(
                        "\n",
                        "jobmanager:",
                        "  bind-host: 127.0.0.1",
                        "  rpc: {address: 127.0.0.1, port: " + freePort() + "}",
                        "  memory: {process: {size: 1024m}}",
                        "taskmanager:",
                        "  bind-host: 127.0.0.1",
                        "  host: 127.0.0.1",
                        "  numberOfTaskSlots: 2",
                        "  memory: " + taskManagerMemory,
                        "rest: {address: 127.0.0.1, bind-address: 127.0.0.1, port: "
                                + restPort
                                + "}",
                        "blob: {server: {port: " + freePort() + "}}",
                        // a killed TaskManager is noticed in seconds, and the job restarts at once
                        "heartbeat: {interval: 1000, timeout: 10000}",
                        "restart-strategy: {type: fixed-delay, fixed-delay: {attempts: 1000, delay: 1 s}}",
                        "web: {upload: {dir: " + directory.resolve("web-upload") + "}}",
                        "execution: {checkpointing: {dir: "
                                + directory.resolve("checkpoints").toUri()
                                + "}}",
                        "io: {tmp: {dirs: "
                                + Files.createDirectories(directory.resolve("tmp"))
                                + "}}",
                        ""),
                StandardCharsets.UTF_8);
        Files.writeString(
                conf.resolve("log4j.properties"),
                String.join(
                        "\n",
                        "rootLogger.level = INFO",
                        "rootLogger.appenderRef.file.ref = File",
                        "appender.file.name = File",
                        "appender.file.type = File",
                        "appender.file.fileName = ${sys:log.file}",
                        "appender.file.layout.type = PatternLayout",
                        "appender.file.layout.pattern = %d{HH:mm:ss,SSS} %-5p %-40c{1} - %m%n",
                        ""),
                StandardCharsets.UTF_8);

        String classpath = clusterClasspath(jobJar);
        Process jobManager =
                startProcess(
                        "jobmanager",
                        "GET_JM_RESOURCE_PARAMS",
                        "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
                        classpath,
                        conf,
                        log,
                        environment);
        Process taskManager = null;
        try {
            taskManager =
                    startProcess(
                            "taskmanager",
                            "GET_TM_RESOURCE_PARAMS",
                            "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
                            classpath,
                            conf,
                            log,
                            environment);
            FlinkSessionCluster cluster =
                    new FlinkSessionCluster(
                            directory, restPort, classpath, environment, jobManager, taskManager);
            cluster.awaitTaskManager(Duration.ofSeconds(90));
            return cluster;
        } catch (Exception | Error e) {
            if (taskManager != null) {
                stop(taskManager);
            }
            stop(jobManager);
            throw e;
        }
    }

    /** {@code 127.0.0.1:<rest port>}, what {@code hubroute submit --jobmanager} takes. */
    String restAddress() {
        return "127.0.0.1:" + restPort;
    }

    /**
     * Flink's command-line client ({@code bin/flink}: {@code CliFrontend}) as a child process on
     * the cluster's classpath, with {@code FLINK_CONF_DIR} the cluster's conf directory (so it
     * finds the REST address). Its output goes to {@code log/flink-cli.out}.
     *
     * @param environment extra environment variables (what {@code ${env:}} references of a job run
     *     this way resolve against: the job's main method runs in this client)
     * @return the exit code and output of {@code flink <arguments>}
     */
    CliResult flinkCli(List<String> arguments, Map<String, String> environment, Duration timeout)
            throws Exception {
        Path conf = directory.resolve("conf");
        Path log = directory.resolve("log");
        Path output = log.resolve("flink-cli.out");
        List<String> command = new ArrayList<>();
        command.add(javaExecutable());
        command.addAll(JDK17_OPTIONS);
        command.add("-Dlog.file=" + log.resolve("flink-cli.log"));
        command.add("-Dlog4j.configurationFile=file:" + conf.resolve("log4j.properties"));
        command.add("-cp");
        command.add(classpath);
        command.add("org.apache.flink.client.cli.CliFrontend");
        command.addAll(arguments);
        ProcessBuilder builder =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(output.toFile());
        builder.environment().put("FLINK_CONF_DIR", conf.toString());
        builder.environment().putAll(environment);
        Process process = builder.start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            stop(process);
            throw new IllegalStateException(
                    "flink "
                            + arguments.get(0)
                            + " did not finish within "
                            + timeout.toSeconds()
                            + " s:\n"
                            + Files.readString(output, StandardCharsets.UTF_8));
        }
        return new CliResult(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    }

    /** What a {@link #flinkCli} run ended with. */
    record CliResult(int exitCode, String output) {}

    /** GET on the REST API; the JSON answer, or an exception with the status and body. */
    JsonNode get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(rest(path)).GET().build(), 200);
    }

    /** PATCH on the REST API (job cancellation answers 202). */
    JsonNode patch(String path) throws IOException, InterruptedException {
        return send(
                HttpRequest.newBuilder(rest(path))
                        .method("PATCH", HttpRequest.BodyPublishers.noBody())
                        .build(),
                202);
    }

    /** The last lines of both processes' logs, for failure messages. */
    String logTail() {
        StringBuilder tail = new StringBuilder();
        for (String name :
                List.of("jobmanager.log", "taskmanager.log", "jobmanager.out", "taskmanager.out")) {
            Path file = directory.resolve("log").resolve(name);
            try {
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                tail.append("--- ").append(name).append('\n');
                for (String line : lines.subList(Math.max(0, lines.size() - 40), lines.size())) {
                    tail.append(line).append('\n');
                }
            } catch (IOException e) {
                tail.append("--- ").append(name).append(": ").append(e.getMessage()).append('\n');
            }
        }
        return tail.toString();
    }

    @Override
    public void close() {
        stop(taskManager);
        stop(jobManager);
    }

    private URI rest(String path) {
        return URI.create("http://127.0.0.1:" + restPort + path);
    }

    private JsonNode send(HttpRequest request, int expectedStatus)
            throws IOException, InterruptedException {
        HttpResponse<String> response =
                http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (response.statusCode() != expectedStatus) {
            throw new IOException(
                    request.method()
                            + " "
                            + request.uri()
                            + ": HTTP "
                            + response.statusCode()
                            + ": "
                            + response.body());
        }
        return response.body().isBlank() ? json.createObjectNode() : json.readTree(response.body());
    }

    private void awaitTaskManager(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!jobManager.isAlive() || !taskManager.isAlive()) {
                throw new IllegalStateException(
                        "a Flink process exited during start-up:\n" + logTail());
            }
            try {
                if (get("/taskmanagers").path("taskmanagers").size() > 0) {
                    return;
                }
            } catch (IOException e) {
                // REST endpoint not up yet
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "no TaskManager registered within "
                                + timeout.toSeconds()
                                + " s:\n"
                                + logTail());
            }
            Thread.sleep(250);
        }
    }

    private static Process startProcess(
            String name,
            String resourceCommand,
            String mainClass,
            String classpath,
            Path conf,
            Path log,
            Map<String, String> environment)
            throws Exception {
        List<String> resources = resourceParameters(resourceCommand, classpath, conf, log);
        List<String> command = new ArrayList<>();
        command.add(javaExecutable());
        command.addAll(JDK17_OPTIONS);
        command.addAll(split(resources.get(0)));
        command.add("-Dlog.file=" + log.resolve(name + ".log"));
        command.add("-Dlog4j.configurationFile=file:" + conf.resolve("log4j.properties"));
        command.add("-cp");
        command.add(classpath);
        command.add(mainClass);
        command.add("--configDir");
        command.add(conf.toString());
        if (resources.size() > 1) {
            command.addAll(split(resources.get(1)));
        }
        ProcessBuilder builder =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(log.resolve(name + ".out").toFile());
        builder.environment().putAll(environment);
        return builder.start();
    }

    /** BashJavaUtils' two result lines: JVM memory flags, then -D settings for the main class. */
    private static List<String> resourceParameters(
            String command, String classpath, Path conf, Path log) throws Exception {
        Process process =
                new ProcessBuilder(
                                javaExecutable(),
                                "-Dlog.file=" + log.resolve("bash-java-utils.log"),
                                "-cp",
                                classpath,
                                "org.apache.flink.runtime.util.bash.BashJavaUtils",
                                command,
                                "--configDir",
                                conf.toString())
                        .redirectErrorStream(true)
                        .start();
        String output;
        try (InputStream in = process.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("BashJavaUtils " + command + " failed:\n" + output);
        }
        List<String> results = new ArrayList<>();
        for (String line : output.split("\n")) {
            if (line.startsWith("BASH_JAVA_UTILS_EXEC_RESULT:")) {
                results.add(line.substring("BASH_JAVA_UTILS_EXEC_RESULT:".length()).trim());
            }
        }
        if (results.isEmpty()) {
            throw new IllegalStateException(
                    "BashJavaUtils " + command + " printed no result:\n" + output);
        }
        return results;
    }

    /**
     * The test classpath without what the job jar brings: a jar is left out when its first classes
     * are in the job jar (not every jar has META-INF/maven entries: Kafka's and Flink's connectors
     * do not), unless flink-dist ships it too.
     */
    static String clusterClasspath(Path jobJar) throws IOException {
        Set<String> inJobJar = new HashSet<>();
        try (JarFile jar = new JarFile(jobJar.toFile())) {
            Enumeration<JarEntry> entries = jar.entries();
            while (entries.hasMoreElements()) {
                inJobJar.add(entries.nextElement().getName());
            }
        }
        List<String> kept = new ArrayList<>();
        for (Path entry : testClasspath()) {
            String fileName = entry.getFileName().toString();
            if (Files.isDirectory(entry) || fileName.startsWith("hubroute-")) {
                continue;
            }
            boolean alsoInFlinkDist = false;
            for (String artifactId : ALSO_IN_FLINK_DIST) {
                alsoInFlinkDist |= fileName.startsWith(artifactId + "-");
            }
            if (alsoInFlinkDist || !brings(inJobJar, entry)) {
                kept.add(entry.toString());
            }
        }
        return String.join(File.pathSeparator, kept);
    }

    /** Whether the job jar holds the first classes of {@code jar}. */
    private static boolean brings(Set<String> jobJarEntries, Path jar) throws IOException {
        int checked = 0;
        try (JarFile file = new JarFile(jar.toFile())) {
            Enumeration<JarEntry> entries = file.entries();
            while (entries.hasMoreElements() && checked < 3) {
                String name = entries.nextElement().getName();
                if (name.endsWith(".class")
                        && !name.startsWith("META-INF/")
                        && !name.endsWith("module-info.class")) {
                    if (!jobJarEntries.contains(name)) {
                        return false;
                    }
                    checked++;
                }
            }
        }
        return checked > 0;
    }

    /**
     * java.class.path, expanded when it is a manifest-only jar (how surefire/failsafe start tests).
     */
    private static List<Path> testClasspath() throws IOException {
        List<Path> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path path = Path.of(entry);
            if (entry.endsWith(".jar") && path.getFileName().toString().startsWith("surefire")) {
                try (JarFile jar = new JarFile(path.toFile())) {
                    Manifest manifest = jar.getManifest();
                    String classPath =
                            manifest == null
                                    ? null
                                    : manifest.getMainAttributes().getValue("Class-Path");
                    if (classPath != null) {
                        for (String url : classPath.trim().split("\\s+")) {
                            entries.add(
                                    Path.of(
                                            URI.create(url).isAbsolute()
                                                    ? URI.create(url)
                                                    : path.getParent().toUri().resolve(url)));
                        }
                        continue;
                    }
                }
            }
            entries.add(path);
        }
        return entries;
    }

    private static List<String> split(String line) {
        List<String> parts = new ArrayList<>();
        for (String part : line.trim().split("\\s+")) {
            if (!part.isEmpty()) {
                parts.add(part);
            }
        }
        return parts;
    }

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
