package io.hubroute.cli;

import io.hubroute.config.ArmImporter;
import io.hubroute.config.ConfigProblem;
import io.hubroute.config.RoutingConfigLoader;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * {@code hubroute import-arm}: an ARM template or {@code az iot hub show} output to a route file.
 */
final class ImportArmCommand implements Command {
    @Override
    public String name() {
        return "import-arm";
    }

    @Override
    public String summary() {
        return "convert an ARM template or `az iot hub show` JSON into a route file";
    }

    @Override
    public String usage() {
        return String.join(
                "\n",
                "usage: hubroute import-arm FILE [--output routes.yaml] [--hub-name NAME]",
                "",
                "Reads properties.routing (endpoints, routes, fallbackRoute, enrichments) and writes the route",
                "file to --output or standard output. Inline connection strings become ${env:...} references;",
                "the variables to set are listed on standard error. Exit code 0; 1 when the result needs edits.");
    }

    @Override
    public int run(List<String> arguments, InputStream in, PrintStream out, PrintStream err)
            throws Exception {
        Options options = Options.parse(arguments, Set.of("--output", "--hub-name"), Set.of());
        if (options.positionals().size() != 1) {
            throw new UsageException("give exactly one JSON file");
        }
        Path input = Path.of(options.positionals().get(0));
        ArmImporter.Result result;
        try {
            result = ArmImporter.convert(InputFiles.json(input), options.get("--hub-name"));
        } catch (InputFiles.InvalidInputException e) {
            err.println(e.getMessage());
            return 2;
        } catch (IllegalArgumentException e) {
            err.println(input + ": " + e.getMessage());
            return 1;
        }
        String output = options.get("--output");
        if (output == null) {
            out.print(result.yaml());
        } else {
            Files.writeString(Path.of(output), result.yaml());
            err.println("wrote " + output);
        }
        if (!result.variables().isEmpty()) {
            err.println("set these environment variables before the job starts:");
            for (ArmImporter.EnvironmentVariable variable : result.variables()) {
                err.println("  " + variable.name() + "  " + variable.purpose());
            }
        }
        for (String warning : result.warnings()) {
            err.println("warning: " + warning);
        }
        List<ConfigProblem> problems =
                RoutingConfigLoader.withoutSecrets()
                        .parse(result.yaml(), output == null ? "<output>" : output, null)
                        .problems();
        for (ConfigProblem problem : problems) {
            err.println(problem);
        }
        return problems.isEmpty() && result.warnings().isEmpty() ? 0 : 1;
    }
}
