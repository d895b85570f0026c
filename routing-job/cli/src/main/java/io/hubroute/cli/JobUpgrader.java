package io.hubroute.cli;

import io.hubroute.cli.JobSubmitter.Calls;
import io.hubroute.cli.JobSubmitter.SubmitException;
import io.hubroute.config.ConfigProblem;
import io.hubroute.config.RoutingConfig;
import io.hubroute.config.RoutingConfigLoader;
import io.hubroute.job.RoutingJobMain;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.client.deployment.StandaloneClusterId;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.execution.ExecutionState;
import org.apache.flink.runtime.rest.RestClient;
import org.apache.flink.runtime.rest.messages.EmptyMessageParameters;
import org.apache.flink.runtime.rest.messages.EmptyRequestBody;
import org.apache.flink.runtime.rest.messages.JobConfigHeaders;
import org.apache.flink.runtime.rest.messages.JobConfigInfo;
import org.apache.flink.runtime.rest.messages.JobExceptionsHeaders;
import org.apache.flink.runtime.rest.messages.JobExceptionsInfoWithHistory;
import org.apache.flink.runtime.rest.messages.JobMessageParameters;
import org.apache.flink.runtime.rest.messages.job.JobDetailsInfo;
import org.apache.flink.runtime.rest.messages.job.JobExceptionsMessageParameters;
import org.apache.flink.runtime.webmonitor.handlers.JarListHeaders;
import org.apache.flink.runtime.webmonitor.handlers.JarListInfo;

/**
 * What {@code hubroute upgrade} does, with Flink's REST client: replaces a running routing job by
 * one with new routes (and job.yaml, and jar) that starts from the old one's state.
 *
 * <ol>
 *   <li>Learns how the running job was started from its global job parameters ({@link
 *       SubmittedJob}, recorded by {@code submit} and {@code upgrade}) and checks that the new job
 *       has a place for all of its state ({@link UpgradePlan}); a refusal touches nothing.
 *   <li>Uploads the new jar, then stops the job with a savepoint, not drained: draining would
 *       advance event time to the end and fire what waits for it as if the stream had ended; the
 *       sinks' uncommitted work (pending blob commits, open transactions) is in the savepoint and
 *       is committed by the job restored from it.
 *   <li>Runs the new jar from the savepoint ({@code allowNonRestoredState} only for endpoints named
 *       with {@code --allow-dropping}) and waits until every task runs.
 *   <li>If the new job does not start, cancels it and runs the old job again, as it ran (its jar on
 *       the JobManager, its recorded program arguments), from the same savepoint.
 * </ol>
 */
final class JobUpgrader {
    private static final Duration SAVEPOINT_TIMEOUT = Duration.ofMinutes(10);

    private static final Duration START_TIMEOUT = Duration.ofMinutes(2);

    private static final String COMMAND = "hubroute upgrade";

    private final PrintStream out;
    private final PrintStream err;

    JobUpgrader(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /**
     * Upgrades the job.
     *
     * @param jobManager the JobManager's address as the user wrote it (for messages)
     * @param rest its REST API's base URI
     * @param jobIdText the running job's id (32 hex digits)
     * @param jar the new job jar, or null for the one the build wrote beside this code
     * @param oldJar the running job's jar, uploaded again when the JobManager no longer has it; or
     *     null
     * @param allowDropping endpoints whose sink state may be dropped
     * @param savepointDirectory where the savepoint goes, or null for the cluster's or job's {@code
     *     execution.checkpointing.savepoint-dir}
     * @return the exit code: 0 when the new job runs, 1 otherwise
     */
    int upgrade(
            String jobManager,
            URI rest,
            String jobIdText,
            Path routesFile,
            Path configFile,
            Path jar,
            Path oldJar,
            List<String> allowDropping,
            String savepointDirectory)
            throws IOException, InterruptedException {
        JobSubmitter checks = new JobSubmitter(out, err);
        RoutingConfig routing = checks.checkedRoutes(routesFile, true);
        if (routing == null || !checks.checkedConfig(configFile, routing)) {
            return 1;
        }
        String routesYaml = Files.readString(routesFile, StandardCharsets.UTF_8);
        String configYaml = Files.readString(configFile, StandardCharsets.UTF_8);
        if (jar == null) {
            jar = JobSubmitter.defaultJar();
        } else if (!Files.isRegularFile(jar)) {
            err.println(COMMAND + ": no job jar at " + jar.toAbsolutePath());
            return 1;
        }
        if (oldJar != null && !Files.isRegularFile(oldJar)) {
            err.println(COMMAND + ": --old-jar: no jar at " + oldJar.toAbsolutePath());
            return 1;
        }

        JobID jobId = JobID.fromHexString(jobIdText);
        ExecutorService executor = Executors.newSingleThreadExecutor();
        Configuration configuration = JobSubmitter.restConfiguration(rest);
        try (RestClient restClient = new RestClient(configuration, executor);
                RestClusterClient<StandaloneClusterId> cluster =
                        new RestClusterClient<>(configuration, StandaloneClusterId.getInstance())) {
            Calls calls = new Calls(jobManager);

            JobStatus state = calls.await("GET /jobs/" + jobId, cluster.getJobStatus(jobId));
            if (state != JobStatus.RUNNING) {
                return refused(
                        List.of(
                                "job "
                                        + jobId
                                        + " on "
                                        + jobManager
                                        + " is "
                                        + state
                                        + ": only a RUNNING job can be upgraded (to start one from"
                                        + " a savepoint: hubroute submit --savepoint PATH)"),
                        jobId);
            }
            Optional<SubmittedJob> recorded = submittedJob(cluster, calls, jobId);
            String startItYourself =
                    ": stop it with a savepoint (flink stop --savepointPath DIR "
                            + jobId
                            + ") and start the new job with hubroute submit --savepoint PATH";
            if (recorded.isEmpty()) {
                return refused(
                        List.of(
                                "job "
                                        + jobId
                                        + " was not started by hubroute submit or upgrade: its"
                                        + " user config (GET /jobs/"
                                        + jobId
                                        + "/config) does not record its routes and job.yaml, so"
                                        + " which state it holds is unknown"
                                        + startItYourself),
                        jobId);
            }
            SubmittedJob running = recorded.get();
            if (!running.isInline()) {
                return refused(
                        List.of(
                                "job "
                                        + jobId
                                        + " was submitted with --cluster-files: its routes and"
                                        + " job.yaml are files on the JobManager, which may have"
                                        + " changed since it started, so which state it holds is"
                                        + " unknown"
                                        + startItYourself),
                        jobId);
            }
            RoutingConfig runningRouting = runningRoutes(running, jobId);
            if (runningRouting == null) {
                return 1;
            }
            UpgradePlan plan =
                    UpgradePlan.decide(
                            statefulOperators(
                                    runningRouting,
                                    running.configYaml(),
                                    "job.yaml of job " + jobId),
                            statefulOperators(routing, configYaml, configFile.toString()),
                            allowDropping,
                            routesFile.toString(),
                            configFile.toString());
            if (plan.isRefused()) {
                return refused(plan.refusals(), jobId);
            }

            // what runs the old job again if the new one fails: its jar must still be there
            SubmittedJob rollback = running;
            if (!hasJar(cluster, calls, running.jarId())) {
                if (oldJar == null) {
                    return refused(
                            List.of(
                                    "the jar job "
                                            + jobId
                                            + " runs ("
                                            + running.jarId()
                                            + ") is no longer on the JobManager (uploaded jars are"
                                            + " gone once it restarts), so the old job could not be"
                                            + " resubmitted if the new one failed to start: pass"
                                            + " --old-jar PATH, the jar it runs"),
                            jobId);
                }
                out.println(
                        COMMAND + ": uploading " + oldJar.getFileName() + " (the running job's)");
                rollback =
                        SubmittedJob.inline(
                                running.routesYaml(),
                                running.configYaml(),
                                JobSubmitter.upload(restClient, rest, calls, oldJar),
                                running.parallelism());
            }
            out.println(COMMAND + ": uploading " + jar.getFileName() + " to " + jobManager);
            SubmittedJob next =
                    SubmittedJob.inline(
                            routesYaml,
                            configYaml,
                            JobSubmitter.upload(restClient, rest, calls, jar),
                            null);
            for (String endpoint : plan.droppedEndpoints()) {
                out.println(COMMAND + ": endpoint " + endpoint + "'s sink state will be dropped");
            }

            out.println(COMMAND + ": stopping job " + jobId + " with a savepoint (not drained)");
            String savepoint;
            try {
                savepoint =
                        calls.await(
                                "POST /jobs/" + jobId + "/stop",
                                cluster.stopWithSavepoint(
                                        jobId,
                                        false,
                                        savepointDirectory,
                                        SavepointFormatType.CANONICAL),
                                SAVEPOINT_TIMEOUT);
            } catch (SubmitException e) {
                err.println(
                        COMMAND
                                + ": stopping job "
                                + jobId
                                + " with a savepoint failed: "
                                + e.getMessage()
                                + (e.getMessage().contains("savepoint directory")
                                                || e.getMessage().contains("savepoint-dir")
                                        ? " (pass --savepoint-dir DIR)"
                                        : ""));
                err.println(COMMAND + ": job " + jobId + " is " + stateOrUnknown(cluster, jobId));
                return 1;
            }
            out.println("savepoint: " + savepoint);
            out.println("old job: " + jobId + " (stopped with the savepoint)");

            JobID newJobId = null;
            String failure;
            try {
                newJobId =
                        JobSubmitter.run(
                                cluster, calls, next, savepoint, plan.allowNonRestoredState());
                out.println("new job: " + newJobId + " (" + RoutingJobMain.jobName(routing) + ")");
                failure = awaitStarted(cluster, calls, newJobId);
            } catch (SubmitException e) {
                failure = e.getMessage();
            }
            if (failure == null) {
                out.println("web UI: " + rest.resolve("/#/job/running/" + newJobId + "/overview"));
                out.println("state: RUNNING");
                return 0;
            }

            err.println(COMMAND + ": the new job did not start: " + failure);
            if (newJobId != null) {
                cancelAndAwaitEnd(cluster, calls, newJobId);
            }
            String rollbackFailure;
            try {
                JobID again = JobSubmitter.run(cluster, calls, rollback, savepoint, false);
                rollbackFailure = awaitStarted(cluster, calls, again);
                if (rollbackFailure == null) {
                    out.println("resubmitted old job: " + again);
                    out.println("state: RUNNING");
                    err.println(
                            COMMAND
                                    + ": resubmitted the old job from savepoint "
                                    + savepoint
                                    + " with its own routes, job.yaml and jar: job "
                                    + again
                                    + " is RUNNING");
                    return 1;
                }
            } catch (SubmitException e) {
                rollbackFailure = e.getMessage();
            }
            err.println(
                    COMMAND
                            + ": resubmitting the old job from savepoint "
                            + savepoint
                            + " failed too: "
                            + rollbackFailure
                            + ". No routing job runs: start one from the savepoint with hubroute"
                            + " submit --savepoint "
                            + savepoint);
            return 1;
        } catch (SubmitException e) {
            throw new IOException(e.getMessage(), e.getCause());
        } catch (IOException | InterruptedException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("upgrading on " + jobManager + " failed: " + e.getMessage(), e);
        } finally {
            executor.shutdownNow();
        }
    }

    private int refused(List<String> reasons, JobID jobId) {
        for (String reason : reasons) {
            err.println(COMMAND + ": refused: " + reason);
        }
        err.println(COMMAND + ": job " + jobId + " was left running as it was");
        return 1;
    }

    private static Map<String, String> statefulOperators(
            RoutingConfig routing, String configYaml, String configName) {
        return UpgradePlan.statefulOperators(
                routing,
                UpgradePlan.writesDiagnostics(configYaml, configName),
                UpgradePlan.takesLiveRoutes(configYaml, configName));
    }

    /** What the running job's global job parameters record of how it was started. */
    private static Optional<SubmittedJob> submittedJob(
            RestClusterClient<StandaloneClusterId> cluster, Calls calls, JobID jobId)
            throws SubmitException, InterruptedException {
        JobMessageParameters parameters = new JobMessageParameters();
        parameters.jobPathParameter.resolve(jobId);
        JobConfigInfo config =
                calls.await(
                        "GET /jobs/" + jobId + "/config",
                        cluster.sendRequest(
                                JobConfigHeaders.getInstance(),
                                parameters,
                                EmptyRequestBody.getInstance()));
        JobConfigInfo.ExecutionConfigInfo execution = config.getExecutionConfigInfo();
        Map<String, String> userConfig =
                execution == null || execution.getGlobalJobParameters() == null
                        ? Map.of()
                        : execution.getGlobalJobParameters();
        return SubmittedJob.fromParameters(userConfig);
    }

    /** The running job's routes as recorded; null after printing why they do not load. */
    private RoutingConfig runningRoutes(SubmittedJob running, JobID jobId) {
        RoutingConfigLoader.Result result =
                RoutingConfigLoader.withoutSecrets()
                        .parse(
                                running.routesYaml(),
                                "routes of job " + jobId,
                                Path.of("").toAbsolutePath());
        if (!result.isValid()) {
            for (ConfigProblem problem : result.problems()) {
                err.println(problem);
            }
            err.println(
                    COMMAND
                            + ": refused: the routes job "
                            + jobId
                            + " runs with do not load here, so which state it holds is unknown");
            return null;
        }
        return result.config().orElseThrow();
    }

    private static boolean hasJar(
            RestClusterClient<StandaloneClusterId> cluster, Calls calls, String jarId)
            throws SubmitException, InterruptedException {
        JarListInfo jars =
                calls.await(
                        "GET /jars",
                        cluster.sendRequest(
                                JarListHeaders.getInstance(),
                                EmptyMessageParameters.getInstance(),
                                EmptyRequestBody.getInstance()));
        for (JarListInfo.JarFileInfo jar : jars.jarFileList) {
            if (jarId.equals(jar.id)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Waits until the job and every one of its tasks run (state restored, sources reading): null
     * then, else why not (a failure, a restart, or the time running out).
     */
    private static String awaitStarted(
            RestClusterClient<StandaloneClusterId> cluster, Calls calls, JobID jobId)
            throws SubmitException, InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            JobDetailsInfo details =
                    calls.await("GET /jobs/" + jobId, cluster.getJobDetails(jobId));
            JobStatus state = details.getJobStatus();
            if (state == JobStatus.RUNNING && allTasksRun(details)) {
                // a task that failed while restoring restarts the job, which then runs again
                String failure = rootException(cluster, calls, jobId);
                return failure == null ? null : "job " + jobId + " restarted: " + failure;
            }
            if (state.isGloballyTerminalState()
                    || state == JobStatus.FAILING
                    || state == JobStatus.RESTARTING
                    || state == JobStatus.CANCELLING
                    || state == JobStatus.SUSPENDED) {
                String failure = rootException(cluster, calls, jobId);
                return "job " + jobId + " is " + state + (failure == null ? "" : ": " + failure);
            }
            if (System.nanoTime() > deadline) {
                return "job "
                        + jobId
                        + " is "
                        + state
                        + " with tasks "
                        + details.getJobVerticesPerState()
                        + " after "
                        + START_TIMEOUT.toSeconds()
                        + " s";
            }
            Thread.sleep(500);
        }
    }

    private static boolean allTasksRun(JobDetailsInfo details) {
        if (details.getJobVertexInfos().isEmpty()) {
            return false;
        }
        for (JobDetailsInfo.JobVertexDetailsInfo vertex : details.getJobVertexInfos()) {
            Map<ExecutionState, Integer> tasks = vertex.getTasksPerState();
            int running =
                    tasks.getOrDefault(ExecutionState.RUNNING, 0)
                            + tasks.getOrDefault(ExecutionState.FINISHED, 0);
            if (running < vertex.getParallelism()) {
                return false;
            }
        }
        return true;
    }

    /** The job's latest failure: its exception and the deepest cause, one line each; or null. */
    private static String rootException(
            RestClusterClient<StandaloneClusterId> cluster, Calls calls, JobID jobId)
            throws SubmitException, InterruptedException {
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
        if (entries.isEmpty()) {
            return null;
        }
        JobExceptionsInfoWithHistory.RootExceptionInfo latest = entries.get(0);
        String trace = latest.getStacktrace();
        if (trace == null || trace.isBlank()) {
            return latest.getExceptionName();
        }
        String[] lines = trace.split("\n");
        String first = lines[0].strip();
        String deepest = null;
        for (String line : lines) {
            if (line.startsWith("Caused by: ")) {
                deepest = line.substring("Caused by: ".length()).strip();
            }
        }
        return shortened(first)
                + (deepest == null ? "" : " (caused by " + shortened(deepest) + ")");
    }

    private static String shortened(String line) {
        return line.length() <= 400 ? line : line.substring(0, 400) + "...";
    }

    /** Cancels a job that did not start and waits (up to a minute) until it has ended. */
    private static void cancelAndAwaitEnd(
            RestClusterClient<StandaloneClusterId> cluster, Calls calls, JobID jobId)
            throws InterruptedException {
        try {
            calls.await("PATCH /jobs/" + jobId, cluster.cancel(jobId));
        } catch (SubmitException e) {
            // it may have ended already: the loop below tells
        }
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (calls.await("GET /jobs/" + jobId, cluster.getJobStatus(jobId))
                        .isGloballyTerminalState()) {
                    return;
                }
            } catch (SubmitException e) {
                return;
            }
            Thread.sleep(250);
        }
    }

    private static String stateOrUnknown(
            RestClusterClient<StandaloneClusterId> cluster, JobID jobId) {
        try {
            return String.valueOf(cluster.getJobStatus(jobId).get(30, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "in an unknown state (interrupted)";
        } catch (Exception e) {
            return "in an unknown state (GET /jobs/" + jobId + " failed)";
        }
    }
}
