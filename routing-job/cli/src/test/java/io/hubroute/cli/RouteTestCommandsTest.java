package io.hubroute.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RouteTestCommandsTest {
    private static final Path TUTORIAL = ExamplesTest.TUTORIAL.toAbsolutePath().normalize();

    @TempDir Path directory;

    private Path write(String name, String text) throws IOException {
        Path file = directory.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    @Test
    void testAllPrintsMatchedRoutesResultsAndDeliveries() {
        CommandTestSupport.Run run =
                CommandTestSupport.run(
                        "test-all",
                        "--routes",
                        TUTORIAL.resolve("routes.yaml").toString(),
                        "--message",
                        TUTORIAL.resolve("messages/storage.json").toString());

        assertThat(run.exitCode()).isZero();
        assertThat(run.out().replaceAll("\\s", ""))
                .isEqualTo(
                        "{\"routes\":[{\"properties\":{\"name\":\"StorageRoute\",\"source\":\"DeviceMessages\","
                                + "\"condition\":\"level=\\\"storage\\\"\",\"endpointNames\":[\"StorageEP\"],\"isEnabled\":true}}],"
                                + "\"results\":{\"StorageRoute\":\"true\",\"SBQueueRoute\":\"false\"},"
                                + "\"deliveries\":[{\"endpoint\":\"StorageEP\",\"appProperties\":{\"level\":\"storage\",\"hub\":\"demo-hub\"}}],"
                                + "\"fallback\":false}");
    }

    @Test
    void testAllAndTestSayWhyADeliveryOverTheSizeLimitWasNotMade() throws IOException {
        Path routes =
                write(
                        "routes.yaml",
                        String.join(
                                "\n",
                                "hubName: h",
                                "endpoints:",
                                "  serviceBusQueues:",
                                "    - {name: big, connectionString: '${env:Q}', entityPath: q}",
                                "routes:",
                                "  - {name: all, source: DeviceMessages, condition: 'true', endpointNames: [big]}",
                                "enrichments:",
                                "  - {key: padding, value: '"
                                        + "p".repeat(300)
                                        + "', endpointNames: [big]}",
                                ""));
        Path message = write("m.json", "{\"body\": \"" + "x".repeat(256 * 1024 - 100) + "\"}");

        CommandTestSupport.Run testAll =
                CommandTestSupport.run(
                        "test-all", "--routes", routes.toString(), "--message", message.toString());

        assertThat(testAll.exitCode()).isZero();
        assertThat(testAll.out().replaceAll("\\s", ""))
                .contains("\"deliveries\":[]")
                .contains("\"invalidDeliveries\":[{\"endpoint\":\"big\",\"messageBytes\":262351,")
                .contains("overIoTHub'slimitof262144bytes");

        Path cases =
                write(
                        "tests.yaml",
                        String.join(
                                "\n",
                                "routes: routes.yaml",
                                "cases:",
                                "  - name: big messages reach the queue",
                                "    message: {body: '" + "x".repeat(256 * 1024 - 100) + "'}",
                                "    expect: {endpoints: [big]}",
                                ""));
        CommandTestSupport.Run test = CommandTestSupport.run("test", cases.toString());

        assertThat(test.exitCode()).isEqualTo(1);
        assertThat(test.out())
                .contains(
                        "endpoints: expected [big] but got [] (not delivered to big: the message is 262351 bytes");
    }

    @Test
    void testAllReportsAnInvalidMessageFileWithItsPosition() throws IOException {
        Path message = write("m.json", "{\"appProperties\": {\"level\": }");

        CommandTestSupport.Run run =
                CommandTestSupport.run(
                        "test-all",
                        "--routes",
                        TUTORIAL.resolve("routes.yaml").toString(),
                        "--message",
                        message.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .startsWith(message + ":1:29: not valid JSON: Unexpected character ('}'");
    }

    @Test
    void aFailingCaseSaysWhatDiffered() throws IOException {
        Path cases =
                write(
                        "cases.yaml",
                        String.join(
                                "\n",
                                "routes: " + TUTORIAL.resolve("routes.yaml"),
                                "cases:",
                                "  - name: wrong expectations",
                                "    message: {appProperties: {level: critical}}",
                                "    twin: {tags: {deploymentLocation: {building: '12'}}}",
                                "    expect:",
                                "      routes: [StorageRoute]",
                                "      endpoints: [StorageEP]",
                                "      fallback: true",
                                "      results: {SBQueueRoute: 'false'}",
                                "      appProperties:",
                                "        CriticalQueue: {building: '43', hub: demo-hub, missing: x}",
                                "        StorageEP: {hub: demo-hub}",
                                "  - name: right",
                                "    message: {appProperties: {level: storage}}",
                                "    expect: {endpoints: [StorageEP]}",
                                ""));

        CommandTestSupport.Run run = CommandTestSupport.run("test", cases.toString());

        assertThat(run.out())
                .isEqualTo(
                        String.join(
                                "\n",
                                "FAIL  wrong expectations",
                                "      routes: expected [StorageRoute] but got [SBQueueRoute]",
                                "      endpoints: expected [StorageEP] but got [CriticalQueue]",
                                "      fallback: expected true but got false",
                                "      results.SBQueueRoute: expected false but got true",
                                "      appProperties.CriticalQueue.building: expected \"43\" but got \"12\"",
                                "      appProperties.CriticalQueue.missing: expected \"x\" but it is missing",
                                "      appProperties.StorageEP: the message was not delivered to StorageEP",
                                "PASS  right",
                                "1 passed, 1 failed",
                                ""));
        assertThat(run.exitCode()).isEqualTo(1);
    }

    @Test
    void anInvalidCasesFileExitsWithTwoAndPositions() throws IOException {
        Path cases =
                write(
                        "cases.yaml",
                        String.join(
                                "\n",
                                "routes: " + TUTORIAL.resolve("routes.yaml"),
                                "cases:",
                                "  - name: bad",
                                "    source: Telemetry",
                                "    message: {appProperties: [1]}",
                                "    expect: {routes: [NoSuchRoute], results: {SBQueueRoute: maybe}, colour: red}",
                                "  - message: {}",
                                ""));

        CommandTestSupport.Run run = CommandTestSupport.run("test", cases.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().lines().filter(line -> !line.startsWith("    fix:")).toList())
                .containsExactly(
                        cases + ":4:13: unknown source 'Telemetry'",
                        cases
                                + ":5:14: case 'bad': \"appProperties\" must be a JSON object of names to string values",
                        cases + ":6:23: unknown route 'NoSuchRoute'",
                        cases + ":6:61: unknown route result 'maybe'",
                        cases + ":6:69: unknown key 'colour' in expect",
                        cases + ":7:5: a case has no name");
    }

    @Test
    void anInvalidRouteFileExitsWithTwo() throws IOException {
        Path routes =
                write(
                        "routes.yaml",
                        "hubName: h\nroutes:\n  - {name: R, source: DeviceMessages, endpointNames: [Nope]}\n");
        Path cases = write("cases.yaml", "routes: routes.yaml\ncases: []\n");

        CommandTestSupport.Run run = CommandTestSupport.run("test", cases.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith(routes + ":3:55: unknown endpoint 'Nope' in route 'R'");
    }

    @Test
    void validateReportsEveryProblemAndExitsWithOne() throws IOException {
        Path routes =
                write(
                        "routes.yaml",
                        String.join(
                                "\n",
                                "hubName: h",
                                "endpoints:",
                                "  storageContainers:",
                                "    - {name: S, connectionString: x, containerName: c, batchFrequencyInSeconds: 10}",
                                "routes:",
                                "  - {name: R, source: DeviceMessages, condition: 'level = 3', endpointNames: [S, T]}",
                                ""));

        CommandTestSupport.Run run = CommandTestSupport.run("validate", routes.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out().lines().filter(line -> !line.startsWith("    fix:")).toList())
                .containsExactly(
                        routes
                                + ":4:81: batchFrequencyInSeconds of storage endpoint 'S' is 10, outside 60..720",
                        routes
                                + ":6:57: route 'R' condition: operator '=' cannot compare string with number",
                        routes + ":6:82: unknown endpoint 'T' in route 'R'",
                        routes + ": 3 problems");
    }

    @Test
    void benchPrintsJson() {
        CommandTestSupport.Run run =
                CommandTestSupport.run(
                        "bench",
                        "--routes",
                        TUTORIAL.resolve("routes.yaml").toString(),
                        "--message",
                        TUTORIAL.resolve("messages/critical.json").toString(),
                        "--seconds",
                        "0.05",
                        "--warmup-seconds",
                        "0.05",
                        "--json");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out())
                .matches(
                        "\\{\"nsPerMessage\": [0-9.]+, \"messagesPerSecond\": [0-9]+, \"routes\": 2}\\n");
    }

    @Test
    void importArmMovesConnectionStringsIntoEnvironmentReferences() throws IOException {
        Path arm =
                write(
                        "hub.json",
                        """
                {"name": "demo-hub", "type": "Microsoft.Devices/IotHubs",
                 "properties": {
                  "eventHubEndpoints": {"events": {"endpoint": "sb://x/", "path": "demo-hub-events"}},
                  "routing": {
                   "endpoints": {
                    "storageContainers": [{"name": "StorageEP", "connectionString": "DefaultEndpointsProtocol=https;AccountKey=SECRET1",
                       "containerName": "telemetry", "encoding": "Avro", "fileNameFormat": "{iothub}/{partition}/{YYYY}/{MM}/{DD}/{HH}/{mm}",
                       "batchFrequencyInSeconds": 100, "maxChunkSizeInBytes": 104857600, "resourceGroup": "rg", "subscriptionId": "s"}],
                    "serviceBusQueues": [{"name": "CriticalQueue", "connectionString": "Endpoint=sb://q/;SharedAccessKey=SECRET2;EntityPath=critical"}],
                    "serviceBusTopics": [], "eventHubs": [], "cosmosDBSqlContainers": []},
                   "routes": [{"name": "SBQueueRoute", "source": "DeviceMessages", "condition": "level=\\"critical\\"",
                               "endpointNames": ["CriticalQueue"], "isEnabled": true}],
                   "fallbackRoute": {"name": "$fallback", "source": "DeviceMessages", "condition": "true",
                                     "endpointNames": ["events"], "isEnabled": true},
                   "enrichments": [{"key": "hub", "value": "$iothubname", "endpointNames": ["StorageEP"]}]}}}
                """);
        Path output = directory.resolve("routes.yaml");

        CommandTestSupport.Run run =
                CommandTestSupport.run("import-arm", arm.toString(), "--output", output.toString());

        String yaml = Files.readString(output);
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(yaml)
                .doesNotContain("SECRET1", "SECRET2")
                .contains(
                        "connectionString: ${env:STORAGEEP_CONNECTION}",
                        "connectionString: ${env:CRITICALQUEUE_CONNECTION}",
                        "connectionString: ${env:EVENTS_CONNECTION}",
                        "entityPath: demo-hub-events",
                        "encoding: avro");
        assertThat(run.err())
                .contains("STORAGEEP_CONNECTION  the connection string of endpoint StorageEP")
                .doesNotContain("SECRET");
        assertThat(CommandTestSupport.run("validate", output.toString()).out())
                .endsWith("valid (1 routes, 3 endpoints, 1 enrichments)\n");
    }
}
