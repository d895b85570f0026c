package io.hubroute.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.List;

/** One {@code hubroute} subcommand. */
public interface Command {
    /** The subcommand's name, such as {@code test-route}. */
    String name();

    /** One line for the command list. */
    String summary();

    /** The usage text printed for {@code --help} and usage errors. */
    String usage();

    /**
     * Runs the command and returns the exit code: 0 success, 1 a negative result (a failing test,
     * an invalid file), 2 a usage error. Throw {@link UsageException} for bad arguments.
     */
    int run(List<String> arguments, InputStream in, PrintStream out, PrintStream err)
            throws Exception;
}
