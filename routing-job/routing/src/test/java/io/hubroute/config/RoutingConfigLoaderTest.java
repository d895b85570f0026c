package io.hubroute.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.hubroute.enrichment.EnrichmentValue;
import io.hubroute.message.RoutingSource;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RoutingConfigLoaderTest {
    static final String TUTORIAL =
            String.join(
                    "\n",
                    "hubName: demo-hub",
                    "builtInEndpoint:",
                    "  connectionString: ${env:EVENTS_CONNECTION}",
                    "  entityPath: events",
                    "endpoints:",
                    "  storageContainers:",
                    "    - name: StorageEP",
                    "      connectionString: ${env:STORAGE_CONNECTION}",
                    "      containerName: telemetry",
                    "      encoding: avro",
                    "      fileNameFormat: \"{iothub}/{partition}/{YYYY}/{MM}/{DD}/{HH}/{mm}\"",
                    "      batchFrequencyInSeconds: 300",
                    "      maxChunkSizeInBytes: 314572800",
                    "  serviceBusQueues:",
                    "    - {name: CriticalQueue, connectionString: \"${file:/run/secrets/sb}\", entityPath: critical}",
                    "  serviceBusTopics: []",
                    "  eventHubs: []",
                    "routes:",
                    "  - {name: StorageRoute, source: DeviceMessages, condition: 'level = \"storage\"', endpointNames: [StorageEP], isEnabled: true}",
                    "  - {name: SBQueueRoute, source: DeviceMessages, condition: 'level = \"critical\"', endpointNames: [CriticalQueue], isEnabled: true}",
                    "fallbackRoute: {isEnabled: true, endpointNames: [events]}",
                    "enrichments:",
                    "  - {key: hub, value: $iothubname, endpointNames: [StorageEP, CriticalQueue]}",
                    "  - {key: building, value: $twin.tags.deploymentLocation.building, endpointNames: [CriticalQueue]}",
                    "");

    /** Environment and files of a test, instead of the real ones. */
    static final class FakeSecrets implements SecretLookup {
        private final Map<String, String> environment;
        private final Map<Path, String> files;

        FakeSecrets(Map<String, String> environment, Map<Path, String> files) {
            this.environment = environment;
            this.files = files;
        }

        @Override
        public String environment(String name) {
            return environment.get(name);
        }

        @Override
        public String file(Path path) throws IOException {
            if (path.toString().contains("unreadable")) {
                throw new java.nio.file.AccessDeniedException(path.toString());
            }
            return files.get(path);
        }
    }

    private static RoutingConfigLoader.Result parse(String text) {
        return RoutingConfigLoader.withoutSecrets().parse(text, "routes.yaml", Path.of("/cfg"));
    }

    private static List<String> problems(String text) {
        return parse(text).problems().stream().map(p -> p.location() + ": " + p.message()).toList();
    }

    @Test
    void readsTheTutorialFile() {
        RoutingConfig config = parse(TUTORIAL).orThrow();

        assertThat(config.hubName()).isEqualTo("demo-hub");
        assertThat(config.builtInEvents().entityPath()).isEqualTo("events");
        assertThat(config.endpoints())
                .extracting(Endpoint::name)
                .containsExactly("StorageEP", "CriticalQueue");
        Endpoint storage = config.endpoint("StorageEP").orElseThrow();
        assertThat(storage.kind()).isEqualTo(EndpointKind.STORAGE_CONTAINER);
        assertThat(storage.storage())
                .isEqualTo(
                        new StorageSettings(
                                "telemetry",
                                StorageEncoding.AVRO,
                                "{iothub}/{partition}/{YYYY}/{MM}/{DD}/{HH}/{mm}",
                                300,
                                314572800L));
        assertThat(storage.connectionString().reference()).contains("${env:STORAGE_CONNECTION}");
        assertThat(storage.connectionString().isResolved()).isFalse();
        assertThat(config.endpoint("CriticalQueue").orElseThrow().entityPath())
                .isEqualTo("critical");
        assertThat(config.routes())
                .containsExactly(
                        new Route(
                                "StorageRoute",
                                RoutingSource.DEVICE_MESSAGES,
                                "level = \"storage\"",
                                List.of("StorageEP"),
                                true),
                        new Route(
                                "SBQueueRoute",
                                RoutingSource.DEVICE_MESSAGES,
                                "level = \"critical\"",
                                List.of("CriticalQueue"),
                                true));
        assertThat(config.fallbackRoute())
                .isEqualTo(new FallbackRoute(true, List.of("events"), ""));
        assertThat(config.enrichments()).hasSize(2);
        assertThat(config.enrichments().get(1).value().kind()).isEqualTo(EnrichmentValue.Kind.TWIN);
    }

    @Test
    void defaults() {
        RoutingConfig config =
                parse(
                                String.join(
                                        "\n",
                                        "hubName: h",
                                        "endpoints:",
                                        "  storageContainers:",
                                        "    - {name: S, connectionString: x, containerName: c}",
                                        "routes:",
                                        "  - {name: R, source: DeviceMessages, endpointNames: [S]}",
                                        "  - {name: Blank, source: twinchangeevents, condition: '  ', endpointNames: [events], isEnabled: false}",
                                        ""))
                        .orThrow();

        assertThat(config.endpoint("S").orElseThrow().storage())
                .isEqualTo(
                        new StorageSettings(
                                "c",
                                StorageEncoding.AVRO,
                                StorageSettings.DEFAULT_FILE_NAME_FORMAT,
                                300,
                                314572800L));
        assertThat(config.routes().get(0).hasCondition()).isFalse();
        assertThat(config.routes().get(0).enabled()).isTrue();
        assertThat(config.routes().get(1).source()).isEqualTo(RoutingSource.TWIN_CHANGE_EVENTS);
        assertThat(config.routes().get(1).hasCondition()).isFalse();
        assertThat(config.fallbackRoute()).isEqualTo(FallbackRoute.defaultRoute());
        assertThat(config.builtInEvents().connectionString()).isNull();
    }

    static List<Object[]> invalidFiles() {
        String head =
                "hubName: h\nendpoints:\n  serviceBusQueues:\n    - {name: Q, connectionString: x}\n";
        return List.of(
                new Object[] {
                    head
                            + "routes:\n  - {name: R, source: DeviceMessages, endpointNames: [Nope]}\n",
                    List.of("routes.yaml:6:55: unknown endpoint 'Nope' in route 'R'")
                },
                new Object[] {
                    head + "  eventHubs:\n    - {name: Q, connectionString: y}\n",
                    List.of(
                            "routes.yaml:6:14: duplicate endpoint name 'Q' (first declared at 4:14)")
                },
                new Object[] {
                    head
                            + "  eventHubs:\n    - {name: 'bad name', connectionString: y}\n"
                            + "    - {name: Events, connectionString: y}\n    - {name: $default, connectionString: y}\n",
                    List.of(
                            "routes.yaml:6:14: invalid endpoint name 'bad name'",
                            "routes.yaml:7:14: endpoint name 'Events' is reserved",
                            "routes.yaml:8:14: invalid endpoint name '$default'")
                },
                new Object[] {
                    "hubName: h\nendpoints:\n  storageContainers:\n"
                            + "    - name: S\n      connectionString: x\n      containerName: c\n"
                            + "      batchFrequencyInSeconds: 59\n      maxChunkSizeInBytes: 524288001\n"
                            + "      fileNameFormat: '{iothub}/{YYYY}/{MM}/{DD}/{HH}'\n      encoding: xml\n",
                    List.of(
                            "routes.yaml:7:32: batchFrequencyInSeconds of storage endpoint 'S' is 59, outside 60..720",
                            "routes.yaml:8:28: maxChunkSizeInBytes of storage endpoint 'S' is 524288001, outside 10485760..524288000",
                            "routes.yaml:9:23: fileNameFormat of storage endpoint 'S' lacks {partition}, {mm}",
                            "routes.yaml:10:17: unknown encoding 'xml' for storage endpoint 'S'")
                },
                new Object[] {
                    "endpoints:\n  serviceBusQueues:\n    - {name: Q}\nroutes:\n"
                            + "  - {name: R, source: Telemetry, endpointNames: []}\n  - {name: R, source: DeviceMessages, endpointNames: [Q], colour: red}\n",
                    List.of(
                            "routes.yaml:1:1: hubName is missing",
                            "routes.yaml:3:7: endpoint 'Q' has no connectionString",
                            "routes.yaml:5:23: unknown source 'Telemetry' in route 'R'",
                            "routes.yaml:5:49: route 'R' has no endpoints",
                            "routes.yaml:6:12: duplicate route name 'R' (first declared at 5:12)",
                            "routes.yaml:6:59: unknown key 'colour' in a route")
                },
                new Object[] {
                    "hubName: h\nenrichments:\n  - {key: a, value: $twin.deviceId, endpointNames: [events]}\n"
                            + "  - {key: A, value: x, endpointNames: [nowhere]}\n",
                    List.of(
                            "routes.yaml:3:21: enrichment 'a': invalid twin path '$twin.deviceId': write $twin.tags.NAME,"
                                    + " $twin.properties.desired.NAME or $twin.properties.reported.NAME",
                            "routes.yaml:4:11: duplicate enrichment key 'A' (first declared at 3:11)",
                            "routes.yaml:4:40: unknown endpoint 'nowhere' in enrichment 'A'")
                },
                new Object[] {
                    "hubName: h\nendpoints:\n  eventHubs:\n    - {name: E, connectionString: '${env:}'}\n"
                            + "  cosmosDBSqlContainers: []\nfallbackRoute: {source: TwinChangeEvents, isEnabled: maybe}\n",
                    List.of(
                            "routes.yaml:4:35: endpoint 'E': malformed secret reference",
                            "routes.yaml:5:3: Cosmos DB endpoints are not supported",
                            "routes.yaml:6:25: the fallback route applies to DeviceMessages only",
                            "routes.yaml:6:54: isEnabled of fallbackRoute must be true or false")
                },
                new Object[] {
                    "hubName: h\nendpoints:\n  storageContainers:\n"
                            + "    - {name: A, connectionString: 'file://data/archive', containerName: c}\n"
                            + "    - {name: B, connectionString: 's3://k:secret@bucket/p?region=eu', containerName: c}\n"
                            + "    - {name: C, connectionString: 'file:data/archive', containerName: c}\n"
                            + "    - {name: D, connectionString: 'hdfs://nn:8020/a b', containerName: c}\n"
                            + "    - {name: E, connectionString: 'file:///data/archive', containerName: c}\n"
                            + "    - {name: F, connectionString: 's3://bucket', containerName: c}\n",
                    List.of(
                            "routes.yaml:4:35: storage endpoint 'A': file-system URI names the host 'data' (file://data/...), not a folder",
                            "routes.yaml:5:35: storage endpoint 'B': file-system URI has a query or a fragment, which a file system path cannot hold",
                            "routes.yaml:6:35: storage endpoint 'C': file-system URI has no absolute path",
                            "routes.yaml:7:35: storage endpoint 'D': file-system URI is not a valid URI (Illegal character in path at index 16)")
                },
                new Object[] {
                    "hubName: [h\n",
                    List.of(
                            "routes.yaml:2:1: invalid YAML: expected ',' or ']', but got <stream end>")
                },
                new Object[] {"", List.of("routes.yaml:1:1: the file is empty")});
    }

    @ParameterizedTest
    @MethodSource("invalidFiles")
    void reportsEveryProblemWithItsPosition(String text, List<String> expected) {
        assertThat(problems(text)).containsExactlyElementsOf(expected);
        assertThat(parse(text).isValid()).isFalse();
    }

    @Test
    void onlyUrisWithASchemeOtherThanHttpAreFileSystems() {
        assertThat(StorageSettings.isFileSystemUri("file:///data/archive")).isTrue();
        assertThat(StorageSettings.isFileSystemUri("file:/data/archive")).isTrue();
        assertThat(StorageSettings.isFileSystemUri("s3://bucket/prefix")).isTrue();
        assertThat(StorageSettings.isFileSystemUri("abfss://c@acct.dfs.core.windows.net/p"))
                .isTrue();
        assertThat(StorageSettings.isFileSystemUri("hdfs://namenode:8020/archive")).isTrue();
        assertThat(StorageSettings.isFileSystemUri("https://acct.blob.core.windows.net/c?sig=x"))
                .isFalse();
        assertThat(
                        StorageSettings.isFileSystemUri(
                                "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=k"))
                .isFalse();
        assertThat(StorageSettings.isFileSystemUri("C:\\data")).isFalse();
    }

    @Test
    void aFileSystemUriProblemNeverQuotesItsCredentials() {
        List<ConfigProblem> problems =
                parse(
                                "hubName: h\nendpoints:\n  storageContainers:\n"
                                        + "    - {name: B, connectionString: 's3://key:s3cr3t@bucket/p#x', containerName: c}\n")
                        .problems();
        assertThat(problems).hasSize(1);
        assertThat(problems.get(0).toString()).doesNotContain("s3cr3t", "key:");
    }

    @Test
    void everyProblemHasAFix() {
        RoutingConfigLoader.Result result =
                parse(
                        "hubName: h\nroutes:\n  - {name: R, source: DeviceMessages, endpointNames: [Nope]}\n");

        assertThat(result.problems())
                .singleElement()
                .satisfies(
                        problem -> {
                            assertThat(problem.fix())
                                    .isEqualTo("declare it under endpoints, or use one of: events");
                            assertThat(problem.toString())
                                    .isEqualTo(
                                            "routes.yaml:3:55: unknown endpoint 'Nope' in route 'R'\n"
                                                    + "    fix: declare it under endpoints, or use one of: events");
                        });
    }

    @Test
    void resolvesSecretReferences() {
        FakeSecrets secrets =
                new FakeSecrets(
                        Map.of(
                                "EVENTS_CONNECTION",
                                "Endpoint=sb://e/;SharedAccessKey=k1",
                                "STORAGE_CONNECTION",
                                "DefaultEndpointsProtocol=https;AccountKey=k2"),
                        Map.of(Path.of("/run/secrets/sb"), "Endpoint=sb://q/;SharedAccessKey=k3"));

        RoutingConfig config =
                RoutingConfigLoader.resolvingSecrets(secrets)
                        .parse(TUTORIAL, "routes.yaml", Path.of("/cfg"))
                        .orThrow();

        Secret queue = config.endpoint("CriticalQueue").orElseThrow().connectionString();
        assertThat(queue.value()).contains("Endpoint=sb://q/;SharedAccessKey=k3");
        assertThat(queue.toString()).isEqualTo("${file:/run/secrets/sb}");
        assertThat(config.builtInEvents().connectionString().value())
                .contains("Endpoint=sb://e/;SharedAccessKey=k1");
        assertThat(config.toString()).doesNotContain("k1", "k2", "k3");
    }

    @Test
    void missingSecretsNameTheEndpointAndTheReferenceNeverAValue() {
        FakeSecrets secrets =
                new FakeSecrets(Map.of("STORAGE_CONNECTION", "AccountKey=secret-key"), Map.of());
        String text = TUTORIAL.replace("${file:/run/secrets/sb}", "${file:secrets/unreadable}");

        List<ConfigProblem> problems =
                RoutingConfigLoader.resolvingSecrets(secrets)
                        .parse(text, "routes.yaml", Path.of("/cfg"))
                        .problems();

        assertThat(problems)
                .extracting(p -> p.location() + ": " + p.message() + " / " + p.fix())
                .containsExactly(
                        "routes.yaml:3:21: endpoint 'events': ${env:EVENTS_CONNECTION} is not set"
                                + " / set the environment variable EVENTS_CONNECTION before starting",
                        "routes.yaml:15:47: endpoint 'CriticalQueue': cannot read ${file:secrets/unreadable} (AccessDeniedException)"
                                + " / make /cfg/secrets/unreadable readable");
        assertThat(problems.toString()).doesNotContain("secret-key");
    }

    @Test
    void aMissingSecretFileIsNamed() {
        FakeSecrets secrets =
                new FakeSecrets(
                        Map.of("EVENTS_CONNECTION", "a", "STORAGE_CONNECTION", "b"), Map.of());

        List<ConfigProblem> problems =
                RoutingConfigLoader.resolvingSecrets(secrets)
                        .parse(TUTORIAL, "routes.yaml", Path.of("/cfg"))
                        .problems();

        assertThat(problems)
                .extracting(ConfigProblem::message)
                .containsExactly("endpoint 'CriticalQueue': ${file:/run/secrets/sb} is not set");
        assertThat(problems.get(0).fix())
                .isEqualTo("create /run/secrets/sb holding the connection string");
    }

    @Test
    void conditionCompileErrorsArePositionedInsideTheFile() {
        String text =
                String.join(
                        "\n",
                        "hubName: h",
                        "routes:",
                        "  - {name: Plain, source: DeviceMessages, endpointNames: [events], condition: level = 'high' extra}",
                        "  - {name: Single, source: DeviceMessages, endpointNames: [events], condition: 'level = ''high'' extra'}",
                        "  - {name: Double, source: DeviceMessages, endpointNames: [events], condition: \"level = \\\"high\\\" extra\"}",
                        "  - name: Block",
                        "    source: DeviceMessages",
                        "    endpointNames: [events]",
                        "    condition: |",
                        "      level = 'high'",
                        "        extra",
                        "");

        assertThat(problems(text))
                .containsExactly(
                        "routes.yaml:3:94: route 'Plain' condition: unexpected input 'extra'",
                        "routes.yaml:4:98: route 'Single' condition: unexpected input 'extra'",
                        "routes.yaml:5:98: route 'Double' condition: unexpected input 'extra'",
                        "routes.yaml:11:9: route 'Block' condition: unexpected input 'extra'");
    }
}
