package io.hubroute.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code hubroute savepoint inspect|export-twins}: look into a savepoint of the routing job with
 * Flink's State Processor API. The Flink work is in {@link SavepointTools}; this class names no
 * Flink type.
 */
@Command(
        name = "savepoint",
        description = {
            "look into a savepoint of the routing job: its operators and state, its twins",
            "%nReads the savepoint with Flink's State Processor API in a local MiniCluster (on"
                    + " loopback); the job that wrote it may be running or gone."
        },
        subcommands = {SavepointCommand.Inspect.class, SavepointCommand.ExportTwins.class})
final class SavepointCommand implements Callable<Integer> {
    @Spec private CommandSpec spec;
    @Mixin private HelpOption help;
    private final Streams streams;

    SavepointCommand(Streams streams) {
        this.streams = streams;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(streams.err());
        return 2;
    }

    @Command(
            name = "inspect",
            sortOptions = false,
            description = {
                "show a savepoint's operators by uid with their state and its size, the number of"
                        + " device and module twins, the active routes version and the pending blob"
                        + " commits",
                "%nPending blob commits: the blobs of each Blob Storage endpoint whose commit is in"
                        + " the committer's state (a job restored from the savepoint commits them),"
                        + " and the batches still open in its writers' state."
            },
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {
                "0:shown",
                "1:not a savepoint of the routing job, or one this version cannot read",
                "2:usage error"
            })
    static final class Inspect implements Callable<Integer> {
        @Parameters(
                index = "0",
                paramLabel = "PATH",
                description = "the savepoint: its directory, its _metadata file, or a file: URI")
        String path;

        @Option(names = "--json", description = "print the report as JSON")
        boolean json;

        @Mixin private HelpOption help;
        @ParentCommand private SavepointCommand parent;

        @Override
        public Integer call() throws Exception {
            return SavepointTools.inspect(path, json, parent.streams.out(), parent.streams.err());
        }
    }

    @Command(
            name = "export-twins",
            sortOptions = false,
            description = {
                "write the twins a savepoint holds as an IoT Hub device export (JSON lines)",
                "%nThe file is what twins.exportFile in job.yaml and replay --twins read: one line"
                        + " per device or module with id, moduleId, tags and properties."
            },
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {
                "0:written",
                "1:not a savepoint of the routing job, or one this version cannot read",
                "2:usage error"
            })
    static final class ExportTwins implements Callable<Integer> {
        @Parameters(
                index = "0",
                paramLabel = "PATH",
                description = "the savepoint: its directory, its _metadata file, or a file: URI")
        String path;

        @Option(
                names = "--output",
                required = true,
                paramLabel = "FILE",
                description = "where the twins go (replaced when it exists)")
        Path output;

        @Mixin private HelpOption help;
        @ParentCommand private SavepointCommand parent;

        @Override
        public Integer call() throws Exception {
            return SavepointTools.exportTwins(
                    path, output, parent.streams.out(), parent.streams.err());
        }
    }
}
