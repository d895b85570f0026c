package io.hubroute.cli;

import io.hubroute.config.ConfigProblem;
import io.hubroute.config.RoutingConfig;
import io.hubroute.config.RoutingConfigLoader;
import io.hubroute.config.SecretLookup;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code hubroute validate}: every problem of a route file at once, with file:line:column and a
 * fix.
 */
@Command(
        name = "validate",
        sortOptions = false,
        sortSynopsis = false,
        description = "check a route file and report every problem with file:line:column and a fix",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the file is valid", "1:it has problems", "2:usage error"})
final class ValidateCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "the route file to check")
    private Path file;

    @Option(
            names = "--resolve-secrets",
            description = {
                "also resolve $${env:...} and $${file:...} connection strings, as the job does at start",
                "(by default their form is checked, not their values)"
            })
    private boolean resolveSecrets;

    @Mixin private HelpOption help;

    private final Streams streams;
    private final SecretLookup secrets;

    ValidateCommand(Streams streams) {
        this(streams, SecretLookup.system());
    }

    ValidateCommand(Streams streams, SecretLookup secrets) {
        this.streams = streams;
        this.secrets = secrets;
    }

    @Override
    public Integer call() {
        PrintStream out = streams.out();
        RoutingConfigLoader loader =
                resolveSecrets
                        ? RoutingConfigLoader.resolvingSecrets(secrets)
                        : RoutingConfigLoader.withoutSecrets();
        RoutingConfigLoader.Result result = loader.load(file);
        if (!result.isValid()) {
            for (ConfigProblem problem : result.problems()) {
                out.println(problem);
            }
            int count = result.problems().size();
            out.println(file + ": " + count + (count == 1 ? " problem" : " problems"));
            return 1;
        }
        RoutingConfig config = result.orThrow();
        out.println(
                file
                        + ": valid ("
                        + config.routes().size()
                        + " routes, "
                        + config.allEndpoints().size()
                        + " endpoints, "
                        + config.enrichments().size()
                        + " enrichments)");
        return 0;
    }
}
