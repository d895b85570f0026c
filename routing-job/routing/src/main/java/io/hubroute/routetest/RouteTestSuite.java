package io.hubroute.routetest;

import io.hubroute.config.ConfigProblem;
import io.hubroute.config.RoutingConfig;
import io.hubroute.query.Engine;
import io.hubroute.routing.Router;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The route test cases users keep beside their routes ({@code hubroute test}), read from a YAML
 * file, and the route file they test.
 *
 * <pre>{@code
 * RouteTestSuite.Result read = RouteTestSuite.read(Path.of("tests.yaml"), null);
 * if (!read.isValid()) {
 *     read.problems().forEach(System.err::println); // file:line:column, then the fix
 * }
 * RouteTestResults results = read.suite().orElseThrow().run();
 * }</pre>
 *
 * <p>The file:
 *
 * <pre>
 * routes: routes.yaml          # relative to the cases file
 * cases:
 *   - name: critical readings go to the queue
 *     source: DeviceMessages    # default
 *     message: {systemProperties: {...}, appProperties: {...}, body: '...'}
 *     twin: {tags: {...}}       # optional
 *     expect:                   # every key optional
 *       routes: [SBQueueRoute]  # exactly the routes that evaluate true
 *       endpoints: [CriticalQueue]
 *       fallback: false
 *       results: {StorageRoute: "false"}
 *       appProperties: {CriticalQueue: {hub: demo-hub}}
 * </pre>
 */
public record RouteTestSuite(
        Path casesFile, Path routesFile, RoutingConfig routes, List<RouteTestCase> cases) {
    public RouteTestSuite {
        Objects.requireNonNull(casesFile, "casesFile");
        Objects.requireNonNull(routesFile, "routesFile");
        Objects.requireNonNull(routes, "routes");
        cases = List.copyOf(cases);
    }

    /**
     * Reads a cases file and the route file it names. Secret references in the route file are
     * checked, not resolved. A missing or unreadable file, or one that is not UTF-8, is a problem
     * too.
     *
     * @param routesFile the route file to test, or null for the one the cases file names (relative
     *     to the cases file)
     */
    public static Result read(Path casesFile, Path routesFile) {
        return RouteTestSuiteReader.read(casesFile, routesFile);
    }

    /** Routes every case's message with the compiled engine and checks its expectations. */
    public RouteTestResults run() {
        Router router = Router.create(routes, Engine.COMPILED);
        List<RouteTestOutcome> outcomes = new ArrayList<>();
        for (RouteTestCase testCase : cases) {
            outcomes.add(
                    new RouteTestOutcome(
                            testCase.name(),
                            testCase.check(router.route(testCase.message(), testCase.twin()))));
        }
        return new RouteTestResults(casesFile, routesFile, outcomes);
    }

    /** A suite, or every problem that kept it from being read. */
    public static final class Result {
        private final RouteTestSuite suite;
        private final List<ConfigProblem> problems;

        Result(RouteTestSuite suite, List<ConfigProblem> problems) {
            this.suite = suite;
            this.problems = List.copyOf(problems);
        }

        /** The suite, when the cases file and the route file are valid. */
        public Optional<RouteTestSuite> suite() {
            return Optional.ofNullable(suite);
        }

        /**
         * The problems of the cases file, or of the route file when that one is invalid, each with
         * file:line:column and a fix.
         */
        public List<ConfigProblem> problems() {
            return problems;
        }

        public boolean isValid() {
            return suite != null;
        }
    }
}
