package io.hubroute.routetest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.hubroute.config.ConfigProblem;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

class RouteTestSuiteTest {
    private static final Path TUTORIAL =
            Path.of("..", "..", "examples", "tutorial").toAbsolutePath().normalize();

    @TempDir Path directory;

    private Path write(String name, String... lines) throws IOException {
        return Files.writeString(directory.resolve(name), String.join("\n", lines) + "\n");
    }

    /** Two cases: one failing on every kind of expectation, with XML's special characters. */
    private RouteTestResults failingAndPassing() throws IOException {
        Path cases =
                write(
                        "cases.yaml",
                        "routes: " + TUTORIAL.resolve("routes.yaml"),
                        "cases:",
                        "  - name: 'wrong <expectations> & \"quotes\"'",
                        "    message: {appProperties: {level: critical}}",
                        "    twin: {tags: {deploymentLocation: {building: '12'}}}",
                        "    expect:",
                        "      routes: [StorageRoute]",
                        "      endpoints: [StorageEP]",
                        "      fallback: true",
                        "      results: {SBQueueRoute: 'false'}",
                        "      appProperties:",
                        "        CriticalQueue: {building: '4<3>&', hub: demo-hub, missing: x}",
                        "        StorageEP: {hub: demo-hub}",
                        "  - name: right",
                        "    message: {appProperties: {level: storage}}",
                        "    expect: {endpoints: [StorageEP]}");
        RouteTestSuite.Result read = RouteTestSuite.read(cases, null);
        assertThat(read.problems()).isEmpty();
        return read.suite().orElseThrow().run();
    }

    @Test
    void theTutorialSuitePasses() throws IOException {
        RouteTestSuite.Result read = RouteTestSuite.read(TUTORIAL.resolve("tests.yaml"), null);

        RouteTestSuite suite = read.suite().orElseThrow();
        assertThat(suite.routesFile()).isEqualTo(TUTORIAL.resolve("routes.yaml"));
        RouteTestResults results = suite.run();
        assertThat(results.outcomes()).hasSize(6).allMatch(RouteTestOutcome::passed);
        assertThat(results.outcomes().get(0).name()).isEqualTo("critical readings go to the queue");
    }

    @Test
    void aFailingCaseListsEveryDifference() throws IOException {
        RouteTestResults results = failingAndPassing();

        assertThat(results.passed()).isEqualTo(1);
        assertThat(results.failed()).isEqualTo(1);
        assertThat(results.outcomes().get(0).failures())
                .containsExactly(
                        "routes: expected [StorageRoute] but got [SBQueueRoute]",
                        "endpoints: expected [StorageEP] but got [CriticalQueue]",
                        "fallback: expected true but got false",
                        "results.SBQueueRoute: expected false but got true",
                        "appProperties.CriticalQueue.building: expected \"4<3>&\" but got \"12\"",
                        "appProperties.CriticalQueue.missing: expected \"x\" but it is missing",
                        "appProperties.StorageEP: the message was not delivered to StorageEP");
    }

    @Test
    void theJunitXmlReportHasTheSurefireLayout() throws Exception {
        RouteTestResults results = failingAndPassing();
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        results.writeJunitXml(out);

        String xml = out.toString(StandardCharsets.UTF_8);
        assertThat(xml)
                .isEqualTo(
                        String.join(
                                "\n",
                                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
                                "<testsuite name=\"cases.yaml\" tests=\"2\" failures=\"1\" errors=\"0\" skipped=\"0\">",
                                "  <testcase classname=\"cases.yaml\" name=\"wrong &lt;expectations&gt; &amp; &quot;quotes&quot;\">",
                                "    <failure message=\"routes: expected [StorageRoute] but got [SBQueueRoute]\">"
                                        + "routes: expected [StorageRoute] but got [SBQueueRoute]",
                                "endpoints: expected [StorageEP] but got [CriticalQueue]",
                                "fallback: expected true but got false",
                                "results.SBQueueRoute: expected false but got true",
                                "appProperties.CriticalQueue.building: expected \"4&lt;3&gt;&amp;\" but got \"12\"",
                                "appProperties.CriticalQueue.missing: expected \"x\" but it is missing",
                                "appProperties.StorageEP: the message was not delivered to StorageEP</failure>",
                                "  </testcase>",
                                "  <testcase classname=\"cases.yaml\" name=\"right\"/>",
                                "</testsuite>",
                                ""));
        Document document =
                DocumentBuilderFactory.newInstance()
                        .newDocumentBuilder()
                        .parse(new ByteArrayInputStream(out.toByteArray()));
        Element failing = (Element) document.getElementsByTagName("testcase").item(0);
        assertThat(failing.getAttribute("name")).isEqualTo("wrong <expectations> & \"quotes\"");
        assertThat(failing.getElementsByTagName("failure").item(0).getTextContent())
                .isEqualTo(String.join("\n", results.outcomes().get(0).failures()));
    }

    @Test
    void theJsonReportListsEveryCase() throws IOException {
        RouteTestResults results = failingAndPassing();

        assertThat(results.jsonReport())
                .startsWith(
                        "{\n  \"cases\" : \""
                                + directory.resolve("cases.yaml")
                                + "\",\n  \"routes\" : \""
                                + TUTORIAL.resolve("routes.yaml")
                                + "\",\n  \"passed\" : 1,\n  \"failed\" : 1,\n")
                .contains("\"name\" : \"right\",\n    \"passed\" : true,\n    \"failures\" : [ ]")
                .endsWith("}\n");
    }

    @Test
    void everyProblemOfACasesFileIsReportedWithItsPosition() throws IOException {
        Path cases =
                write(
                        "cases.yaml",
                        "routes: " + TUTORIAL.resolve("routes.yaml"),
                        "cases:",
                        "  - name: bad",
                        "    source: Telemetry",
                        "    expect: {endpoints: [Nowhere], fallback: maybe}",
                        "  - message: {}");

        RouteTestSuite.Result read = RouteTestSuite.read(cases, null);

        assertThat(read.isValid()).isFalse();
        assertThat(read.problems())
                .extracting(ConfigProblem::location, ConfigProblem::message)
                .containsExactly(
                        tuple(cases + ":3:5", "case 'bad' has no message"),
                        tuple(cases + ":4:13", "unknown source 'Telemetry'"),
                        tuple(cases + ":5:26", "unknown endpoint 'Nowhere'"),
                        tuple(cases + ":5:46", "expect.fallback must be true or false"),
                        tuple(cases + ":6:5", "a case has no name"));
    }

    @Test
    void routesGivenOutsideTheCasesFileWin() throws IOException {
        Path cases =
                write(
                        "cases.yaml",
                        "cases:",
                        "  - name: storage",
                        "    message: {appProperties: {level: storage}}",
                        "    expect: {endpoints: [StorageEP]}");

        assertThat(RouteTestSuite.read(cases, null).problems())
                .extracting(ConfigProblem::toString)
                .containsExactly(
                        cases
                                + ":1:1: no route file\n    fix: add `routes: routes.yaml` or pass --routes");
        RouteTestSuite suite =
                RouteTestSuite.read(cases, TUTORIAL.resolve("routes.yaml")).suite().orElseThrow();
        assertThat(suite.run().outcomes())
                .extracting(RouteTestOutcome::passed)
                .containsExactly(true);
    }

    @Test
    void anInvalidRouteFileGivesItsOwnProblems() throws IOException {
        Path routes =
                write(
                        "routes.yaml",
                        "hubName: h",
                        "routes:",
                        "  - {name: R, source: DeviceMessages, endpointNames: [Nope]}");
        Path cases = write("cases.yaml", "routes: routes.yaml", "cases: []");

        List<ConfigProblem> problems = RouteTestSuite.read(cases, null).problems();

        assertThat(problems)
                .extracting(ConfigProblem::location, ConfigProblem::message)
                .containsExactly(tuple(routes + ":3:55", "unknown endpoint 'Nope' in route 'R'"));
    }

    @Test
    void aMissingOrNonUtf8CasesFileIsAProblem() throws IOException {
        Path missing = directory.resolve("none.yaml");
        Path latin1 = directory.resolve("latin1.yaml");
        Files.write(latin1, "cases:\n  - name: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));

        assertThat(RouteTestSuite.read(missing, null).problems())
                .extracting(ConfigProblem::toString)
                .containsExactly(missing + ":1:1: no such file\n    fix: check the path");
        assertThat(RouteTestSuite.read(latin1, null).problems())
                .extracting(ConfigProblem::location)
                .containsExactly(latin1 + ":2:14");
    }
}
