package io.hubroute.cli;

import io.hubroute.config.ConfigProblem;
import io.hubroute.config.JobConfig;
import io.hubroute.config.JobConfigException;
import io.hubroute.config.RoutingConfig;
import io.hubroute.config.RoutingConfigLoader;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hubroute routes push|status}: live route changes through the control topic of job.yaml's
 * {@code routes.controlTopic}. The Kafka work is in {@link RouteVersions}.
 */
@Command(
        name = "routes",
        description = {
            "change the routes of a running job: publish a version, see where it is live",
            "%nThe job reads route versions from job.yaml's routes.controlTopic (a compacted topic) and"
                    + " swaps each in between two messages, on every subtask."
        },
        subcommands = {RoutesCommand.Push.class, RoutesCommand.Status.class})
final class RoutesCommand implements Callable<Integer> {
    @Spec private CommandSpec spec;
    @Mixin private HelpOption help;
    private final Streams streams;

    RoutesCommand(Streams streams) {
        this.streams = streams;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(streams.err());
        return 2;
    }

    /** job.yaml with a control topic, or the problem printed and null. */
    static JobConfig liveConfig(Path configFile, String command, PrintStream err) {
        JobConfig config;
        try {
            config = JobConfig.load(configFile);
        } catch (JobConfigException e) {
            err.println(e.getMessage());
            return null;
        }
        if (!config.routes().live()) {
            err.println(
                    "hubroute routes "
                            + command
                            + ": "
                            + configFile
                            + " has no routes.controlTopic: add routes: {controlTopic: NAME} (a"
                            + " compacted topic on the source's cluster) and submit the job with it");
            return null;
        }
        return config;
    }

    @Command(
            name = "push",
            sortOptions = false,
            description = {
                "validate a routes file and publish it as the next version",
                "%nProblems are reported as validate does (exit 1, nothing published). A file whose"
                        + " endpoints differ from the running job's is refused: use hubroute upgrade."
            },
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {
                "0:published (and live on every subtask, with --wait)",
                "1:the file has problems, or was refused",
                "2:usage error"
            })
    static final class Push implements Callable<Integer> {
        @Option(
                names = "--routes",
                required = true,
                paramLabel = "FILE",
                description = "the new routes file")
        Path routesFile;

        @Option(
                names = "--config",
                required = true,
                paramLabel = "FILE",
                description = "job.yaml of the running job (source and routes.controlTopic)")
        Path configFile;

        @Option(
                names = "--wait",
                paramLabel = "SECONDS",
                defaultValue = "30",
                description = "wait this long for every subtask to report it live; 0: do not wait")
        int waitSeconds;

        @Mixin private HelpOption help;
        @picocli.CommandLine.ParentCommand private RoutesCommand parent;

        @Override
        public Integer call() throws Exception {
            PrintStream out = parent.streams.out();
            PrintStream err = parent.streams.err();
            RoutingConfigLoader.Result result =
                    RoutingConfigLoader.withoutSecrets().load(routesFile);
            if (!result.isValid()) {
                for (ConfigProblem problem : result.problems()) {
                    err.println(problem);
                }
                int count = result.problems().size();
                err.println(
                        routesFile
                                + ": "
                                + count
                                + (count == 1 ? " problem" : " problems")
                                + "; nothing published");
                return 1;
            }
            RoutingConfig routes = result.orThrow();
            JobConfig config = liveConfig(configFile, "push", err);
            if (config == null) {
                return 1;
            }
            return new RouteVersions(config, out, err)
                    .push(routesFile, routes, Duration.ofSeconds(waitSeconds));
        }
    }

    @Command(
            name = "status",
            sortOptions = false,
            description =
                    "show the active routes version, when it went live on each subtask, and its per-route counts",
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:shown", "1:job.yaml has problems", "2:usage error"})
    static final class Status implements Callable<Integer> {
        @Option(
                names = "--config",
                required = true,
                paramLabel = "FILE",
                description = "job.yaml of the running job (source and routes.controlTopic)")
        Path configFile;

        @Mixin private HelpOption help;
        @picocli.CommandLine.ParentCommand private RoutesCommand parent;

        @Override
        public Integer call() throws Exception {
            JobConfig config = liveConfig(configFile, "status", parent.streams.err());
            if (config == null) {
                return 1;
            }
            return new RouteVersions(config, parent.streams.out(), parent.streams.err()).status();
        }
    }
}
