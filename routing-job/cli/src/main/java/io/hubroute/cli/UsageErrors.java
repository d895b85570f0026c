package io.hubroute.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.OverwrittenOptionException;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Usage errors of every command, in one style: one line on standard error, exit code 2.
 *
 * <pre>
 * hubroute COMMAND: PROBLEM: FIX (hubroute COMMAND --help lists every option)
 *
 * hubroute test-route: missing --condition: give the condition to test (hubroute test-route --help lists every option)
 * hubroute run: invalid --messages 'many': give a whole number, 0 (until Ctrl-C) or more (hubroute run --help lists every option)
 * </pre>
 *
 * <p>What to give for an option or a positional parameter is the first line of its description
 * ("the condition to test"), so the error and {@code --help} never disagree.
 */
final class UsageErrors implements IParameterExceptionHandler {
    private final PrintStream err;

    UsageErrors(PrintStream err) {
        this.err = err;
    }

    @Override
    public int handleParseException(ParameterException exception, String[] args) {
        err.println(line(exception, List.of(args)));
        return 2;
    }

    /** A usage error whose text (problem and fix) the command wrote itself. */
    static ParameterException error(CommandSpec command, String problemAndFix) {
        return new Stated(command.commandLine(), problemAndFix);
    }

    /** Refuses {@code option FILE} when there is no such file. */
    static void requireFile(CommandSpec command, String option, Path file) {
        if (!Files.isRegularFile(file)) {
            throw error(
                    command,
                    option
                            + " "
                            + file
                            + ": no such file: run from the project folder or give "
                            + option
                            + " FILE");
        }
    }

    /** Refuses a benchmark's {@code --body-bytes} too small for the messages' fields. */
    static void requireBodyBytes(CommandSpec command, int bodyBytes) {
        int smallest = ReplayBenchmarkData.smallestBody();
        if (bodyBytes < smallest) {
            throw error(
                    command,
                    "--body-bytes "
                            + bodyBytes
                            + " cannot hold the message's fields: give "
                            + smallest
                            + " or more");
        }
    }

    /** An option the command needs but did not get. */
    static ParameterException missing(CommandSpec command, String option) {
        return error(command, "missing " + option + ": give " + what(command.findOption(option)));
    }

    /** {@code hubroute COMMAND: PROBLEM: FIX (hubroute COMMAND --help lists every option)}. */
    static String line(ParameterException exception, List<String> args) {
        CommandSpec command = exception.getCommandLine().getCommandSpec();
        String name = command.qualifiedName();
        return name
                + ": "
                + problem(exception, command, args)
                + " ("
                + name
                + " --help lists every "
                + (command.parent() == null ? "command" : "option")
                + ")";
    }

    private static String problem(
            ParameterException exception, CommandSpec command, List<String> args) {
        if (exception instanceof Stated) {
            return exception.getMessage();
        }
        if (exception instanceof MissingParameterException) {
            // picocli reports missing options before unknown ones, but a misspelt option is
            // often the missing one: "did you mean --jobmanager?" helps more than "missing"
            String unknown = firstUnknownOption(command, args);
            if (unknown != null) {
                return unknownOption(unknown, command);
            }
            return missing(((MissingParameterException) exception).getMissing(), args);
        }
        if (exception instanceof OverwrittenOptionException) {
            String option = name(((OverwrittenOptionException) exception).getOverwritten());
            return option + " given twice: give it once";
        }
        if (exception instanceof UnmatchedArgumentException) {
            return unmatched((UnmatchedArgumentException) exception, command);
        }
        ArgSpec argument = exception.getArgSpec();
        if (argument != null && exception.getValue() != null) {
            return "invalid "
                    + name(argument)
                    + " '"
                    + exception.getValue()
                    + "': "
                    + fix(argument, exception.getCause());
        }
        return exception.getMessage();
    }

    private static String missing(List<ArgSpec> missing, List<String> args) {
        ArgSpec first = missing.get(0);
        if (first.isOption() && givenWithoutValue((OptionSpec) first, args)) {
            return name(first) + " needs a value: give " + what(first);
        }
        List<String> names = new ArrayList<>();
        List<String> things = new ArrayList<>();
        for (ArgSpec argument : missing) {
            names.add(name(argument));
            things.add(what(argument));
        }
        return "missing " + and(names) + ": give " + and(things);
    }

    private static boolean givenWithoutValue(OptionSpec option, List<String> args) {
        for (String name : option.names()) {
            if (args.contains(name)) {
                return true;
            }
        }
        return false;
    }

    private static String unmatched(UnmatchedArgumentException exception, CommandSpec command) {
        String argument = exception.getUnmatched().get(0);
        if (command.parent() == null && !argument.startsWith("-")) {
            return "unknown command '"
                    + argument
                    + "': "
                    + suggestion(argument, new ArrayList<>(command.subcommands().keySet()));
        }
        if (argument.startsWith("-")) {
            return unknownOption(optionName(argument), command);
        }
        List<PositionalParamSpec> positionals = command.positionalParameters();
        if (positionals.isEmpty()) {
            return "unexpected argument '"
                    + argument
                    + "': remove it, "
                    + command.name()
                    + " takes options only";
        }
        return "unexpected argument '"
                + argument
                + "': give one "
                + positionals.get(0).paramLabel()
                + ", "
                + what(positionals.get(0));
    }

    private static String unknownOption(String name, CommandSpec command) {
        List<String> options = new ArrayList<>();
        for (OptionSpec option : command.options()) {
            options.add(option.longestName());
        }
        return "unknown option '" + name + "': " + suggestion(name, options);
    }

    /** The first argument of the command that looks like an option and names none of its own. */
    private static String firstUnknownOption(CommandSpec command, List<String> args) {
        int start = command.parent() == null ? 0 : args.indexOf(command.name()) + 1;
        for (int i = start; i < args.size(); i++) {
            String argument = args.get(i);
            if (argument.equals("--")) {
                return null;
            }
            if (!argument.startsWith("-")) {
                continue;
            }
            OptionSpec option = command.findOption(optionName(argument));
            if (option == null) {
                return optionName(argument);
            }
            if (!argument.contains("=") && option.arity().min() > 0) {
                i++; // its value, which may start with '-'
            }
        }
        return null;
    }

    /** {@code --name} of {@code --name=value}. */
    private static String optionName(String argument) {
        int equals = argument.indexOf('=');
        return equals < 0 ? argument : argument.substring(0, equals);
    }

    /**
     * "did you mean X?" for the closest names (a typo or two away), else "use one of" every name.
     * picocli's own suggestions compare letter pairs and miss swapped letters ("tset").
     */
    static String suggestion(String given, List<String> names) {
        int best = Integer.MAX_VALUE;
        List<String> closest = new ArrayList<>();
        for (String name : names) {
            int distance = distance(given, name);
            if (distance < best) {
                best = distance;
                closest.clear();
            }
            if (distance == best) {
                closest.add(name);
            }
        }
        int allowed = Math.min(2, given.replaceFirst("^-+", "").length() / 3);
        if (best > 0 && best <= allowed) {
            return "did you mean " + or(closest) + "?";
        }
        return "use one of " + String.join(", ", names);
    }

    /** Edits (insert, delete, replace, swap two neighbours) from one text to the other. */
    private static int distance(String from, String to) {
        int[][] edits = new int[from.length() + 1][to.length() + 1];
        for (int i = 0; i <= from.length(); i++) {
            for (int j = 0; j <= to.length(); j++) {
                if (i == 0 || j == 0) {
                    edits[i][j] = i + j;
                    continue;
                }
                int replace = from.charAt(i - 1) == to.charAt(j - 1) ? 0 : 1;
                edits[i][j] =
                        Math.min(
                                edits[i - 1][j - 1] + replace,
                                Math.min(edits[i - 1][j], edits[i][j - 1]) + 1);
                if (i > 1
                        && j > 1
                        && from.charAt(i - 1) == to.charAt(j - 2)
                        && from.charAt(i - 2) == to.charAt(j - 1)) {
                    edits[i][j] = Math.min(edits[i][j], edits[i - 2][j - 2] + 1);
                }
            }
        }
        return edits[from.length()][to.length()];
    }

    /** The fix for a value the option's type or converter refused. */
    private static String fix(ArgSpec argument, Throwable cause) {
        if (argument.converters().length > 0 && cause instanceof TypeConversionException) {
            return cause.getMessage(); // this package's converters say what to give
        }
        if (argument.type().isEnum()) {
            List<String> names = new ArrayList<>();
            for (Object constant : argument.type().getEnumConstants()) {
                names.add(((Enum<?>) constant).name().toLowerCase(Locale.ROOT));
            }
            return "use one of " + String.join(", ", names);
        }
        return "give " + what(argument);
    }

    /** What to give for an argument: the first line of its description. */
    private static String what(ArgSpec argument) {
        String[] description = argument.description();
        return description.length == 0 ? argument.paramLabel() : description[0];
    }

    private static String name(ArgSpec argument) {
        return argument.isOption()
                ? ((OptionSpec) argument).longestName()
                : ((PositionalParamSpec) argument).paramLabel();
    }

    private static String and(List<String> items) {
        return join(items, " and ");
    }

    private static String or(List<String> items) {
        return join(items, " or ");
    }

    private static String join(List<String> items, String last) {
        if (items.size() == 1) {
            return items.get(0);
        }
        return String.join(", ", items.subList(0, items.size() - 1))
                + last
                + items.get(items.size() - 1);
    }

    /** A usage error the command worded itself. */
    private static final class Stated extends ParameterException {
        private static final long serialVersionUID = 1L;

        Stated(CommandLine commandLine, String message) {
            super(commandLine, message);
        }
    }
}
