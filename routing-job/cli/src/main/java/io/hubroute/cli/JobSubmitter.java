package io.hubroute.cli;

import io.hubroute.config.ConfigProblem;
import io.hubroute.config.Endpoint;
import io.hubroute.config.JobConfigLoader;
import io.hubroute.config.RoutingConfig;
import io.hubroute.config.RoutingConfigLoader;
import io.hubroute.config.Secret;
import io.hubroute.config.StorageSettings;
import io.hubroute.job.RoutingJobMain;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.client.deployment.StandaloneClusterId;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ConfigurationUtils;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.RecoveryClaimMode;
import org.apache.flink.runtime.rest.FileUpload;
import org.apache.flink.runtime.rest.RestClient;
import org.apache.flink.runtime.rest.messages.EmptyMessageParameters;
import org.apache.flink.runtime.rest.messages.EmptyRequestBody;
import org.apache.flink.runtime.rest.messages.JobExceptionsHeaders;
import org.apache.flink.runtime.rest.messages.JobExceptionsInfoWithHistory;
import org.apache.flink.runtime.rest.messages.job.JobExceptionsMessageParameters;
import org.apache.flink.runtime.rest.util.RestClientException;
import org.apache.flink.runtime.rest.util.RestConstants;
import org.apache.flink.runtime.webmonitor.handlers.JarRunHeaders;
import org.apache.flink.runtime.webmonitor.handlers.JarRunMessageParameters;
import org.apache.flink.runtime.webmonitor.handlers.JarRunRequestBody;
import org.apache.flink.runtime.webmonitor.handlers.JarUploadHeaders;

/**
 * What {@code hubroute submit} does, with Flink's own REST client: uploads the job jar ({@code
 * JarUploadHeaders}), runs it ({@code JarRunHeaders}) and waits until the job is RUNNING ({@link
 * RestClusterClient}).
 *
 * <p>By default the routes file and job.yaml are read here and passed as text in the program
 * arguments, which Flink's web UI shows: so every secret-bearing setting (typed as {@link Secret}
 * by the loaders) must be written as a {@code ${env:NAME}} or {@code ${file:PATH}} reference,
 * resolved on the JobManager; a file with one written inline is refused. {@code --cluster-files}
 * passes the paths instead, for files that live on the JobManager.
 *
 * <p>Every job it starts records how ({@link SubmittedJob}: the files' text, the jar's id) in its
 * global job parameters, which {@code hubroute upgrade} ({@link JobUpgrader}) reads back.
 *
 * <p>Only {@link SubmitCommand#call()} and {@link JobUpgrader} use this class, so the other
 * commands never load Flink.
 */
final class JobSubmitter {
    static final String ENTRY_CLASS = "io.hubroute.job.RoutingJobMain";

    /** What builds the job jar, for the error when it is missing. */
    static final String BUILD_COMMAND = "mvn -B package -DskipTests -pl routing-job/job -am";

    private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(2);

    /** kafka://host:port,... and amqp(s)://host[:port] without user info or query: no secret. */
    private static final Pattern SECRET_FREE_CONNECTION =
            Pattern.compile(
                    "(?i)(kafka://[A-Za-z0-9.\\-]+(:\\d+)?(,[A-Za-z0-9.\\-]+(:\\d+)?)*"
                            + "|amqps?://[A-Za-z0-9.\\-]+(:\\d+)?/?)");

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
     * @param jar the job jar, or null for the one the build wrote beside this code
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
        String jobName;
        String routesYaml = null;
        String configYaml = null;
        if (clusterFiles) {
            // checked here when they are here too; the JobManager checks them again
            jobName = null;
            if (Files.isRegularFile(routesFile)) {
                RoutingConfig routing = checkedRoutes(routesFile, false);
                if (routing == null) {
                    return 1;
                }
                jobName = RoutingJobMain.jobName(routing);
            }
        } else {
            RoutingConfig routing = checkedRoutes(routesFile, true);
            if (routing == null || !checkedConfig(configFile, routing)) {
                return 1;
            }
            jobName = RoutingJobMain.jobName(routing);
            routesYaml = Files.readString(routesFile, StandardCharsets.UTF_8);
            configYaml = Files.readString(configFile, StandardCharsets.UTF_8);
        }

        if (jar == null) {
            jar = defaultJar();
        } else if (!Files.isRegularFile(jar)) {
            err.println("hubroute submit: no job jar at " + jar.toAbsolutePath());
            return 1;
        }

        ExecutorService executor = Executors.newSingleThreadExecutor();
        Configuration configuration = restConfiguration(rest);
        try (RestClient restClient = new RestClient(configuration, executor);
                RestClusterClient<StandaloneClusterId> cluster =
                        new RestClusterClient<>(configuration, StandaloneClusterId.getInstance())) {
            Calls calls = new Calls(jobManager);
            out.println("hubroute submit: uploading " + jar.getFileName() + " to " + jobManager);
            String jarId = upload(restClient, rest, calls, jar);
            SubmittedJob submitted =
                    clusterFiles
                            ? SubmittedJob.clusterFiles(
                                    routesFile.toString(),
                                    configFile.toString(),
                                    jarId,
                                    parallelism)
                            : SubmittedJob.inline(routesYaml, configYaml, jarId, parallelism);
            JobID jobId = run(cluster, calls, submitted, savepoint, false);
            out.println("job id: " + jobId + (jobName == null ? "" : " (" + jobName + ")"));
            out.println("web UI: " + rest.resolve("/#/job/running/" + jobId + "/overview"));
            if (detached) {
                return 0;
            }
            JobStatus state = awaitRunning(cluster, calls, jobId, Duration.ofMinutes(2));
            out.println("state: " + state);
            return state == JobStatus.RUNNING ? 0 : 1;
        } catch (Exception e) {
            if (e instanceof SubmitException) {
                throw new IOException(e.getMessage(), e.getCause());
            }
            if (e instanceof InterruptedException) {
                throw (InterruptedException) e;
            }
            throw new IOException("submitting to " + jobManager + " failed: " + e.getMessage(), e);
        } finally {
            executor.shutdownNow();
        }
    }

    /** The REST clients' settings for the JobManager at {@code rest}. */
    static Configuration restConfiguration(URI rest) {
        Configuration configuration = new Configuration();
        configuration.set(RestOptions.ADDRESS, rest.getHost());
        configuration.set(RestOptions.PORT, rest.getPort());
        configuration.set(RestOptions.CONNECTION_TIMEOUT, Duration.ofSeconds(10));
        configuration.set(RestOptions.IDLENESS_TIMEOUT, REQUEST_TIMEOUT);
        configuration.set(RestOptions.RETRY_MAX_ATTEMPTS, 2);
        return configuration;
    }

    /** Uploads the jar ({@code POST /jars/upload}); returns its id on the JobManager. */
    static String upload(RestClient restClient, URI rest, Calls calls, Path jar)
            throws SubmitException, InterruptedException, IOException {
        String uploaded =
                calls.await(
                                "POST /jars/upload",
                                restClient.sendRequest(
                                        rest.getHost(),
                                        rest.getPort(),
                                        JarUploadHeaders.getInstance(),
                                        EmptyMessageParameters.getInstance(),
                                        EmptyRequestBody.getInstance(),
                                        List.of(
                                                new FileUpload(
                                                        jar, RestConstants.CONTENT_TYPE_JAR))))
                        .getFilename();
        // the jar's id is the uploaded file's name
        return Path.of(uploaded).getFileName().toString();
    }

    /**
     * Runs an uploaded jar ({@code POST /jars/<id>/run}) as {@code submitted} says, recording
     * {@code submitted} in the job's global job parameters (see {@link SubmittedJob}).
     *
     * @param savepoint the savepoint to start from, or null; never claimed by the job (a failed
     *     upgrade starts the old job from it again)
     * @param allowNonRestoredState whether state of the savepoint no operator claims is dropped
     */
    static JobID run(
            RestClusterClient<StandaloneClusterId> cluster,
            Calls calls,
            SubmittedJob submitted,
            String savepoint,
            boolean allowNonRestoredState)
            throws SubmitException, InterruptedException {
        JarRunMessageParameters parameters = new JarRunMessageParameters();
        parameters.jarIdPathParameter.resolve(submitted.jarId());
        JarRunRequestBody request =
                new JarRunRequestBody(
                        ENTRY_CLASS,
                        submitted.programArguments(),
                        submitted.parallelism(),
                        null,
                        savepoint == null ? null : allowNonRestoredState,
                        savepoint,
                        savepoint == null ? null : RecoveryClaimMode.NO_CLAIM,
                        Map.of(
                                PipelineOptions.GLOBAL_JOB_PARAMETERS.key(),
                                ConfigurationUtils.convertValue(
                                        submitted.toParameters(), String.class)));
        return calls.await(
                        "POST /jars/<id>/run",
                        cluster.sendRequest(JarRunHeaders.getInstance(), parameters, request))
                .getJobId();
    }

    /** Polls the job until it runs or ends; a failure is reported with Flink's root exception. */
    private static JobStatus awaitRunning(
            RestClusterClient<StandaloneClusterId> cluster,
            Calls calls,
            JobID jobId,
            Duration timeout)
            throws SubmitException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JobStatus state = calls.await("GET /jobs/" + jobId, cluster.getJobStatus(jobId));
            if (state == JobStatus.RUNNING
                    || state == JobStatus.FINISHED
                    || state == JobStatus.CANCELED) {
                return state;
            }
            if (state == JobStatus.FAILED
                    || state == JobStatus.FAILING
                    || state == JobStatus.SUSPENDED) {
                JobExceptionsMessageParameters parameters = new JobExceptionsMessageParameters();
                parameters.jobPathParameter.resolve(jobId);
                JobExceptionsInfoWithHistory exceptions =
                        calls.await(
                                "GET /jobs/" + jobId + "/exceptions",
                                cluster.sendRequest(
                                        JobExceptionsHeaders.getInstance(),
                                        parameters,
                                        EmptyRequestBody.getInstance()));
                List<JobExceptionsInfoWithHistory.RootExceptionInfo> entries =
                        exceptions.getExceptionHistory().getEntries();
                String root = entries.isEmpty() ? "" : entries.get(0).getExceptionName();
                throw new SubmitException(
                        "job "
                                + jobId
                                + " on "
                                + calls.address
                                + " is "
                                + state
                                + (root == null || root.isEmpty() ? "" : " (" + root + ")")
                                + ": see the web UI's Exceptions tab",
                        null);
            }
            if (System.nanoTime() > deadline) {
                return state;
            }
            Thread.sleep(500);
        }
    }

    /**
     * Validates the routes file; with {@code inline}, refuses a connection string written in it.
     * Returns the routes, or null after printing the problems.
     */
    RoutingConfig checkedRoutes(Path routesFile, boolean inline) {
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
                Secret connection = endpoint.connectionString();
                if (connection != null
                        && !connection.isWrittenAsReference()
                        && !connection.value().map(JobSubmitter::isSecretFree).orElse(true)) {
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
        return routing;
    }

    /**
     * A broker address without credentials, or a storage endpoint's file-system URI without a
     * password or query ({@code file:///data/archive}, {@code abfss://container@account...}):
     * nothing to hide.
     */
    static boolean isSecretFree(String connection) {
        String trimmed = connection.trim();
        if (SECRET_FREE_CONNECTION.matcher(trimmed).matches()) {
            return true;
        }
        if (!StorageSettings.isFileSystemUri(trimmed)
                || StorageSettings.fileSystemUriProblem(trimmed).isPresent()) {
            return false;
        }
        // parses (no problem above); a user name alone (abfss' container) is no credential
        String userInfo = java.net.URI.create(trimmed).getRawUserInfo();
        return userInfo == null || !userInfo.contains(":");
    }

    /**
     * Checks job.yaml as the job will read it (every problem with its position), refuses a secret
     * written inline, and refuses settings the routes cannot run with.
     */
    boolean checkedConfig(Path configFile, RoutingConfig routing) {
        JobConfigLoader.Result result = JobConfigLoader.withoutSecrets().load(configFile);
        if (!result.isValid()) {
            for (ConfigProblem problem : result.problems()) {
                err.println(problem);
            }
            return false;
        }
        for (JobConfigLoader.SecretSetting setting : result.secretSettings()) {
            if (!setting.secret().isWrittenAsReference()) {
                err.println(
                        setting.location()
                                + ": "
                                + setting.key()
                                + " is written inline. Program arguments show in Flink's web UI:"
                                + " write it as ${env:NAME} or ${file:PATH} (set on the JobManager), or keep the file on the"
                                + " JobManager and pass --cluster-files");
                return false;
            }
        }
        List<String> conflicts =
                result.checkpointing()
                        .map(checkpointing -> checkpointing.conflictsWith(routing))
                        .orElse(List.of());
        for (String conflict : conflicts) {
            err.println(configFile + ": " + conflict);
        }
        return conflicts.isEmpty();
    }

    /**
     * The job jar the build wrote: routing-job/job/target/hubroute-routing-job-*-job.jar beside
     * this code's module. Never builds it: a missing jar names the command that does.
     */
    static Path defaultJar() throws IOException {
        Path target = jobTargetDirectory();
        if (Files.isDirectory(target)) {
            try (var files = Files.list(target)) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    String name = file.getFileName().toString();
                    if (name.startsWith("hubroute-routing-job-") && name.endsWith("-job.jar")) {
                        return file;
                    }
                }
            }
        }
        throw new IOException(
                "no job jar in "
                        + target
                        + ": build it with `"
                        + BUILD_COMMAND
                        + "` in "
                        + target.getParent().getParent().getParent()
                        + " (bin/hubroute builds it on first use), or pass --jar PATH");
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

    /** A REST call's failure, already worded for the user. */
    static final class SubmitException extends Exception {
        private static final long serialVersionUID = 1L;

        SubmitException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Waits for REST calls and words their failures: the address, the call, the HTTP status and
     * Flink's own message, without its server-side stack trace.
     */
    static final class Calls {
        final String address;

        Calls(String address) {
            this.address = address;
        }

        <T> T await(String call, CompletableFuture<T> response)
                throws SubmitException, InterruptedException {
            return await(call, response, REQUEST_TIMEOUT);
        }

        /** As {@link #await(String, CompletableFuture)}, for a call that may take longer. */
        <T> T await(String call, CompletableFuture<T> response, Duration timeout)
                throws SubmitException, InterruptedException {
            try {
                return response.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                response.cancel(true);
                throw new SubmitException(
                        "the Flink JobManager at "
                                + address
                                + " did not answer "
                                + call
                                + " within "
                                + timeout.toSeconds()
                                + " s",
                        e);
            } catch (ExecutionException e) {
                throw failure(call, e.getCause());
            }
        }

        private SubmitException failure(String call, Throwable cause) {
            for (Throwable t = cause; t != null; t = t.getCause()) {
                if (t instanceof ConnectException) {
                    return new SubmitException(
                            "cannot reach the Flink JobManager at "
                                    + address
                                    + " ("
                                    + call
                                    + "): is the cluster running and is this its REST port (rest.port, 8081 by default)?",
                            cause);
                }
                if (t instanceof RestClientException) {
                    RestClientException rest = (RestClientException) t;
                    return new SubmitException(
                            address
                                    + ": "
                                    + call
                                    + " failed with HTTP "
                                    + rest.getHttpResponseStatus().code()
                                    + ": "
                                    + withoutStackTrace(rest.getMessage()),
                            cause);
                }
            }
            return new SubmitException(
                    address + ": " + call + " failed: " + withoutStackTrace(String.valueOf(cause)),
                    cause);
        }

        /** Flink's error text without the server's stack frames, at most a few lines. */
        private static String withoutStackTrace(String text) {
            List<String> lines = new ArrayList<>();
            for (String line : text.split("\n")) {
                String trimmed = line.strip();
                if (trimmed.isEmpty() || trimmed.startsWith("at ") || trimmed.startsWith("...")) {
                    continue;
                }
                lines.add(trimmed);
                if (lines.size() == 8) {
                    break;
                }
            }
            return lines.isEmpty() ? text : String.join("\n  ", lines);
        }
    }
}
