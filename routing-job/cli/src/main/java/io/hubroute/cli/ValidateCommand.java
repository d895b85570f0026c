package io.hubroute.cli;

import io.hubroute.config.ConfigProblem;
import io.hubroute.config.RoutingConfig;
import io.hubroute.config.RoutingConfigLoader;
import io.hubroute.config.SecretLookup;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * {@code hubroute validate}: every problem of a route file at once, with file:line:column and a
 * fix.
 */
final class ValidateCommand implements Command {
    private final SecretLookup secrets;

    ValidateCommand() {
        this(SecretLookup.system());
    }

    ValidateCommand(SecretLookup secrets) {
        this.secrets = secrets;
    }

    @Override
    public String name() {
        return "validate";
    }

    @Override
    public String summary() {
        return "check a route file and report every problem with file:line:column";
    }

    @Override
    public String usage() {
        return String.join(
                "\n",
                "usage: hubroute validate FILE [--resolve-secrets]",
                "",
                "  --resolve-secrets  also resolve ${env:...} and ${file:...} connection strings, as the job",
                "                     does at start (by default their form is checked, not their values)",
                "",
                "Exit code 0 when the file is valid, 1 when it has problems.");
    }

    @Override
    public int run(List<String> arguments, InputStream in, PrintStream out, PrintStream err)
            throws Exception {
        Options options = Options.parse(arguments, Set.of(), Set.of("--resolve-secrets"));
        if (options.positionals().size() != 1) {
            throw new UsageException("give exactly one route file");
        }
        Path file = Path.of(options.positionals().get(0));
        RoutingConfigLoader loader =
                options.flag("--resolve-secrets")
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
