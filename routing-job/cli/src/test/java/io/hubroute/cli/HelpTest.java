package io.hubroute.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/** Help comes from the commands' picocli definitions, and lists every command and option. */
class HelpTest {
    private static final List<String> COMMANDS =
            List.of(
                    "run",
                    "submit",
                    "upgrade",
                    "replay",
                    "savepoint",
                    "routes",
                    "test-route",
                    "test-all",
                    "test",
                    "validate",
                    "import-arm",
                    "bench",
                    "bench-replay",
                    "bench-routes",
                    "bench-e2e",
                    "completion",
                    "help");

    private static Map<String, CommandLine> subcommands() {
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
        return Main.commandLine(
                        new Streams(new ByteArrayInputStream(new byte[0]), nowhere, nowhere))
                .getSubcommands();
    }

    @Test
    void everyCommandsHelpIsPicocliUsageOfItsDefinitions() {
        Map<String, CommandLine> subcommands = subcommands();
        assertThat(subcommands.keySet()).containsExactlyElementsOf(COMMANDS);

        for (Map.Entry<String, CommandLine> command : subcommands.entrySet()) {
            CommandTestSupport.Run run = CommandTestSupport.run(command.getKey(), "--help");

            assertThat(run.exitCode()).as(command.getKey()).isZero();
            assertThat(run.err()).as(command.getKey()).isEmpty();
            assertThat(run.out())
                    .as(command.getKey())
                    .isEqualTo(command.getValue().getUsageMessage())
                    .startsWith("Usage: hubroute " + command.getKey() + " [-h]");
            List<ArgSpec> arguments = new ArrayList<>(command.getValue().getCommandSpec().args());
            assertThat(arguments).as(command.getKey()).isNotEmpty();
            String help = run.out().replaceAll("\\s+", " ");
            for (ArgSpec argument : arguments) {
                String name =
                        argument.isOption()
                                ? ((OptionSpec) argument).longestName()
                                : argument.paramLabel();
                assertThat(help)
                        .as(command.getKey())
                        .contains(name)
                        .contains(argument.description()[0].replaceAll("\\s+", " "));
            }
        }
    }

    @Test
    void helpCommandAndDashHPrintTheSameHelp() {
        assertThat(CommandTestSupport.run("help", "test-route").out())
                .isEqualTo(CommandTestSupport.run("test-route", "--help").out())
                .isEqualTo(CommandTestSupport.run("test-route", "-h").out());
    }

    @Test
    void hubrouteHelpListsEveryCommand() {
        CommandTestSupport.Run run = CommandTestSupport.run("--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("Usage: hubroute [-h] COMMAND\n").contains("Commands:");
        for (String command : COMMANDS) {
            assertThat(run.out()).containsPattern("(?m)^  " + command + " +\\S");
        }
        assertThat(CommandTestSupport.run("help").out()).isEqualTo(run.out());
    }

    @Test
    void noArgumentsPrintTheUsageOnStandardErrorAndExitWithTwo() {
        CommandTestSupport.Run run = CommandTestSupport.run();

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo(CommandTestSupport.run("--help").out());
    }
}
