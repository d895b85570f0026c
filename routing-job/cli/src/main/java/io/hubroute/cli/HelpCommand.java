package io.hubroute.cli;

import java.util.ArrayList;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code hubroute help [COMMAND]}: the same text as {@code --help}. picocli's own help command
 * would report an unknown command in its own words; this one uses {@link UsageErrors}.
 */
@Command(
        name = "help",
        helpCommand = true,
        description = "show the help of hubroute, or of a command (the same as COMMAND --help)")
final class HelpCommand implements Callable<Integer> {
    @Parameters(paramLabel = "COMMAND", arity = "0..1", description = "the command to describe")
    private String command;

    @Mixin private HelpOption help;

    @Spec private CommandSpec spec;

    private final Streams streams;

    HelpCommand(Streams streams) {
        this.streams = streams;
    }

    @Override
    public Integer call() {
        CommandLine root = spec.root().commandLine();
        if (command == null) {
            root.usage(streams.out());
            return 0;
        }
        CommandLine described = root.getSubcommands().get(command);
        if (described == null) {
            throw UsageErrors.error(
                    spec,
                    "unknown command '"
                            + command
                            + "': "
                            + UsageErrors.suggestion(
                                    command, new ArrayList<>(root.getSubcommands().keySet())));
        }
        described.usage(streams.out());
        return 0;
    }
}
