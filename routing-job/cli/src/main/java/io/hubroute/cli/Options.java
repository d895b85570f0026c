package io.hubroute.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Command-line options of one command: {@code --name value} pairs, {@code --flag}s and positionals.
 */
final class Options {
    private final Map<String, String> values = new HashMap<>();
    private final List<String> positionals = new ArrayList<>();

    private Options() {}

    /**
     * Parses arguments.
     *
     * @param withValue options that take a value
     * @param flags options that take none
     */
    static Options parse(List<String> arguments, Set<String> withValue, Set<String> flags)
            throws UsageException {
        Options options = new Options();
        for (int i = 0; i < arguments.size(); i++) {
            String argument = arguments.get(i);
            if (withValue.contains(argument)) {
                if (i + 1 >= arguments.size()) {
                    throw new UsageException(argument + " needs a value");
                }
                if (options.values.put(argument, arguments.get(++i)) != null) {
                    throw new UsageException(argument + " given twice");
                }
            } else if (flags.contains(argument)) {
                options.values.put(argument, "true");
            } else if (argument.startsWith("--")) {
                throw new UsageException("unknown option " + argument);
            } else {
                options.positionals.add(argument);
            }
        }
        return options;
    }

    String get(String name) {
        return values.get(name);
    }

    String require(String name) throws UsageException {
        String value = values.get(name);
        if (value == null) {
            throw new UsageException(name + " is required");
        }
        return value;
    }

    boolean flag(String name) {
        return values.containsKey(name);
    }

    List<String> positionals() {
        return positionals;
    }
}
