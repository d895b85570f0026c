package io.hubroute.cli;

import io.hubroute.config.ArmImporter;
import io.hubroute.config.ConfigProblem;
import io.hubroute.config.RoutingConfigLoader;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code hubroute import-arm}: an ARM template or {@code az iot hub show} output to a route file.
 */
@Command(
        name = "import-arm",
        sortOptions = false,
        sortSynopsis = false,
        description = {
            "convert an ARM template or `az iot hub show` JSON into a route file",
            "%nReads properties.routing (endpoints, routes, fallbackRoute, enrichments) and writes the route file.",
            "Inline connection strings become $${env:...} references; the variables to set are listed on",
            "standard error."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:converted",
            "1:converted, but the result needs edits (warnings or problems on standard error)",
            "2:usage error, or FILE is not JSON"
        })
final class ImportArmCommand implements Callable<Integer> {
    @Parameters(
            paramLabel = "FILE",
            description = {
                "the hub's JSON file",
                "(an ARM template, or the output of az iot hub show -n HUB)"
            })
    private Path input;

    @Option(
            names = "--output",
            paramLabel = "FILE",
            description = {"the route file to write", "(default: standard output)"})
    private Path output;

    @Option(
            names = "--hub-name",
            paramLabel = "NAME",
            description = {"the hub's name", "(default: the name in FILE)"})
    private String hubName;

    @Mixin private HelpOption help;

    private final Streams streams;

    ImportArmCommand(Streams streams) {
        this.streams = streams;
    }

    @Override
    public Integer call() throws Exception {
        PrintStream out = streams.out();
        PrintStream err = streams.err();
        ArmImporter.Result result;
        try {
            result = ArmImporter.convert(InputFiles.json(input), hubName);
        } catch (InputFiles.InvalidInputException e) {
            err.println(e.getMessage());
            return 2;
        } catch (IllegalArgumentException e) {
            err.println(input + ": " + e.getMessage());
            return 1;
        }
        if (output == null) {
            out.print(result.yaml());
        } else {
            Files.writeString(output, result.yaml());
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
                        .parse(result.yaml(), output == null ? "<output>" : output.toString(), null)
                        .problems();
        for (ConfigProblem problem : problems) {
            err.println(problem);
        }
        return problems.isEmpty() && result.warnings().isEmpty() ? 0 : 1;
    }
}
