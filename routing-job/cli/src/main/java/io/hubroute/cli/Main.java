package io.hubroute.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code bin/hubroute}: the single command-line entry point.
 *
 * <pre>{@code
 * int exitCode = Main.run(new String[] {"validate", "routes.yaml"}, System.in, System.out, System.err);
 * }</pre>
 *
 * <p>Exit codes: 0 success; 1 a failure or a negative result (a failing route test, an invalid
 * route file); 2 a usage error, reported as one line on standard error (see {@link UsageErrors}).
 *
 * <p>No command class refers to Flink, Kafka or Artemis in its fields or signatures: {@code run}
 * and {@code submit} hand their work to {@link LocalRun} and {@link JobSubmitter} inside {@code
 * call()} (and {@code replay}, {@code bench-replay} to {@link Replay}, {@link ReplayBenchmark}), so
 * every other command runs with none of those jars on the classpath.
 */
@Command(
        name = "hubroute",
        description =
                "Azure IoT Hub message routing on Apache Flink: test route files offline, run the routing job locally or on a Flink cluster.",
        synopsisSubcommandLabel = "COMMAND",
        commandListHeading = "%nCommands:%n",
        footer = "%nhubroute COMMAND --help describes a command and lists its options.")
public final class Main implements Callable<Integer> {
    @Mixin private HelpOption help;

    @Spec private CommandSpec spec;

    private final Streams streams;

    private Main(Streams streams) {
        this.streams = streams;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.in, System.out, System.err));
    }

    /** Runs a command line and returns its exit code. */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        CommandLine commandLine = commandLine(new Streams(in, out, err));
        try {
            return commandLine.execute(args);
        } finally {
            commandLine.getOut().flush();
            commandLine.getErr().flush();
            out.flush();
            err.flush();
        }
    }

    /** Every subcommand, in the order {@code hubroute --help} lists them. */
    static CommandLine commandLine(Streams streams) {
        CommandLine commandLine = new CommandLine(new Main(streams));
        commandLine.addSubcommand(new RunCommand(streams));
        commandLine.addSubcommand(new SubmitCommand(streams));
        commandLine.addSubcommand(new UpgradeCommand(streams));
        commandLine.addSubcommand(new ReplayCommand(streams));
        commandLine.addSubcommand(new SavepointCommand(streams));
        commandLine.addSubcommand(new RoutesCommand(streams));
        commandLine.addSubcommand(new TestRouteCommand(streams));
        commandLine.addSubcommand(new TestAllCommand(streams));
        commandLine.addSubcommand(new TestCasesCommand(streams));
        commandLine.addSubcommand(new ValidateCommand(streams));
        commandLine.addSubcommand(new ImportArmCommand(streams));
        commandLine.addSubcommand(new BenchCommand(streams));
        commandLine.addSubcommand(new BenchReplayCommand(streams));
        commandLine.addSubcommand(new BenchRoutesCommand(streams));
        commandLine.addSubcommand(new BenchE2eCommand(streams));
        commandLine.addSubcommand(new CompletionCommand(streams));
        commandLine.addSubcommand(new HelpCommand(streams));
        // after the subcommands: these settings reach the subcommands added so far
        commandLine.setOut(new PrintWriter(streams.out(), true));
        commandLine.setErr(new PrintWriter(streams.err(), true));
        commandLine.setUsageHelpWidth(100);
        // '@' starts no argument file: a condition or a path may begin with one
        commandLine.setExpandAtFiles(false);
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setParameterExceptionHandler(new UsageErrors(streams.err()));
        commandLine.setExecutionExceptionHandler(
                (exception, command, parseResult) -> {
                    streams.err()
                            .println(
                                    command.getCommandSpec().qualifiedName()
                                            + ": "
                                            + exception.getMessage());
                    return 1;
                });
        return commandLine;
    }

    /** {@code hubroute} without a command: the usage, on standard error. */
    @Override
    public Integer call() {
        spec.commandLine().usage(streams.err());
        return 2;
    }
}
