package io.hubroute.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped examples stay valid and their route tests pass. */
class ExamplesTest {
    static final Path EXAMPLES = Path.of("..", "..", "examples");
    static final Path TUTORIAL = EXAMPLES.resolve("tutorial");

    @Test
    void theTutorialRouteFileIsValid() {
        CommandTestSupport.Run run =
                CommandTestSupport.run("validate", TUTORIAL.resolve("routes.yaml").toString());

        assertThat(run.out())
                .endsWith("routes.yaml: valid (2 routes, 3 endpoints, 2 enrichments)\n");
        assertThat(run.exitCode()).isZero();
    }

    @Test
    void theTutorialRouteTestsPass(@TempDir Path reports) throws Exception {
        Path json = reports.resolve("report.json");
        Path junit = reports.resolve("junit.xml");

        CommandTestSupport.Run run =
                CommandTestSupport.run(
                        "test",
                        TUTORIAL.resolve("tests.yaml").toString(),
                        "--report-json",
                        json.toString(),
                        "--junit-xml",
                        junit.toString());

        assertThat(run.out())
                .startsWith("PASS  critical readings go to the queue\n")
                .endsWith("6 passed, 0 failed\n");
        assertThat(run.exitCode()).isZero();
        assertThat(Files.readString(json)).contains("\"passed\" : 6", "\"failed\" : 0");
        assertThat(Files.readString(junit)).contains("tests=\"6\" failures=\"0\"");
    }

    @Test
    void theBenchRouteFilesAreValid() {
        for (String file :
                new String[] {"routes-100.yaml", "routes-100-candidate.yaml", "routes-1000.yaml"}) {
            CommandTestSupport.Run run =
                    CommandTestSupport.run(
                            "validate", EXAMPLES.resolve("bench").resolve(file).toString());
            assertThat(run.exitCode()).as(run.out()).isZero();
        }
    }
}
