package io.hubroute.cli;

import io.hubroute.config.ConfigProblem;
import io.hubroute.routetest.RouteTestOutcome;
import io.hubroute.routetest.RouteTestResults;
import io.hubroute.routetest.RouteTestSuite;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code hubroute test}: runs the route test cases users keep beside their routes ({@link
 * RouteTestSuite}).
 */
@Command(
        name = "test",
        sortOptions = false,
        sortSynopsis = false,
        description = {"run route test cases (expected routes, endpoints, results, enrichments)"},
        footerHeading = "%nCASES.yaml:%n",
        footer = {
            "  routes: routes.yaml          # relative to CASES.yaml; --routes overrides",
            "  cases:",
            "    - name: critical readings go to the queue",
            "      source: DeviceMessages    # default",
            "      message: {systemProperties: {...}, appProperties: {...}, body: '...'}",
            "      twin: {tags: {...}}       # optional",
            "      expect:                   # every key optional",
            "        routes: [SBQueueRoute]  # exactly the routes that evaluate true",
            "        endpoints: [CriticalQueue]",
            "        fallback: false",
            "        results: {StorageRoute: \"false\"}",
            "        appProperties: {CriticalQueue: {hub: demo-hub}}"
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:every case passes",
            "1:a case fails",
            "2:usage error, or an invalid cases or route file"
        })
final class TestCasesCommand implements Callable<Integer> {
    @Parameters(paramLabel = "CASES", description = "the test cases file (CASES.yaml)")
    private Path casesFile;

    @Option(
            names = "--routes",
            paramLabel = "FILE",
            description = {"the route file to test", "(default: the cases file's routes:)"})
    private Path routesFile;

    @Option(
            names = "--report-json",
            paramLabel = "FILE",
            description = "the file to write the results to, as JSON")
    private Path reportJson;

    @Option(
            names = "--junit-xml",
            paramLabel = "FILE",
            description = "the file to write the results to, as a JUnit XML report (for CI)")
    private Path junitXml;

    @Mixin private HelpOption help;

    private final Streams streams;

    TestCasesCommand(Streams streams) {
        this.streams = streams;
    }

    @Override
    public Integer call() throws IOException {
        PrintStream out = streams.out();
        RouteTestSuite.Result read = RouteTestSuite.read(casesFile, routesFile);
        if (!read.isValid()) {
            for (ConfigProblem problem : read.problems()) {
                streams.err().println(problem);
            }
            return 2;
        }
        RouteTestResults results = read.suite().orElseThrow().run();
        for (RouteTestOutcome outcome : results.outcomes()) {
            out.println((outcome.passed() ? "PASS  " : "FAIL  ") + outcome.name());
            for (String failure : outcome.failures()) {
                out.println("      " + failure);
            }
        }
        out.println(results.passed() + " passed, " + results.failed() + " failed");
        if (reportJson != null) {
            Files.writeString(reportJson, results.jsonReport());
        }
        if (junitXml != null) {
            try (OutputStream file = Files.newOutputStream(junitXml)) {
                results.writeJunitXml(file);
            }
        }
        return results.failed() == 0 ? 0 : 1;
    }
}
