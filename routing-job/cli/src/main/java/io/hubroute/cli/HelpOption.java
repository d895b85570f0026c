package io.hubroute.cli;

import picocli.CommandLine.Option;

/** {@code -h, --help} of every command, mixed in with {@code @Mixin}. */
final class HelpOption {
    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "show this help and exit")
    private boolean help;
}
