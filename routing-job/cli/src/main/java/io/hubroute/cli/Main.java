package io.hubroute.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code bin/hubroute}: the single command-line entry point. */
public final class Main {
    private Main() {}

    /** Every subcommand, in the order {@code hubroute --help} lists them. */
    static Map<String, Command> commands() {
        Map<String, Command> commands = new LinkedHashMap<>();
        for (Command command :
                List.<Command>of(
                        new TestRouteCommand(),
                        new RunCommand(),
                        new ValidateCommand(),
                        new ImportArmCommand(),
                        new TestAllCommand(),
                        new TestCasesCommand(),
                        new BenchCommand(),
                        new SubmitCommand())) {
            commands.put(command.name(), command);
        }
        return commands;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.in, System.out, System.err));
    }

    /** Runs a command line and returns its exit code. */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        Map<String, Command> commands = commands();
        if (args.length == 0
                || args[0].equals("--help")
                || args[0].equals("-h")
                || args[0].equals("help")) {
            printCommands(commands, args.length == 0 ? err : out);
            return args.length == 0 ? 2 : 0;
        }
        Command command = commands.get(args[0]);
        if (command == null) {
            err.println("hubroute: unknown command '" + args[0] + "'");
            printCommands(commands, err);
            return 2;
        }
        List<String> arguments = List.of(args).subList(1, args.length);
        if (arguments.contains("--help") || arguments.contains("-h")) {
            out.println(command.usage());
            return 0;
        }
        try {
            return command.run(arguments, in, out, err);
        } catch (UsageException e) {
            err.println("hubroute " + command.name() + ": " + e.getMessage());
            err.println(command.usage());
            return 2;
        } catch (Exception e) {
            err.println("hubroute " + command.name() + ": " + e.getMessage());
            return 1;
        }
    }

    private static void printCommands(Map<String, Command> commands, PrintStream stream) {
        stream.println(
                "usage: hubroute <command> [options]   (hubroute <command> --help for details)");
        stream.println();
        for (Command command : commands.values()) {
            stream.printf("  %-14s %s%n", command.name(), command.summary());
        }
    }
}
