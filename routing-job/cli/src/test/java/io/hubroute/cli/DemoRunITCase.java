package io.hubroute.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hubroute run} with no routes of its own: IoT Hub's routing tutorial on the embedded demo.
 * Its storage endpoint ({@code encoding: avro}) writes what IoT Hub writes: Avro container files of
 * IoT Hub's record, storage property names, one file per partition and minute, named by the
 * endpoint's {@code fileNameFormat}. The files are read here with the plain Avro library and
 * nothing of hubroute's.
 */
class DemoRunITCase {
    private static final Path TUTORIAL = ExamplesTest.EXAMPLES.resolve("tutorial/routes.yaml");

    @Test
    void theDemosStorageEndpointWritesIotHubsAvroFiles(@TempDir Path directory) throws Exception {
        Path summaryFile = directory.resolve("summary.json");
        CommandTestSupport.Run run =
                CommandTestSupport.run(
                        "run",
                        "--routes",
                        TUTORIAL.toString(),
                        "--messages",
                        "300",
                        "--work-dir",
                        directory.resolve("work").toString(),
                        "--summary-json",
                        summaryFile.toString());

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        JsonNode summary = new ObjectMapper().readTree(summaryFile.toFile());
        long delivered = summary.path("endpoints").path("StorageEP").path("delivered").asLong();
        assertThat(delivered).as("the storage route matched some messages").isPositive();
        assertThat(summary.path("outputs").path("StorageEP").asText())
                .startsWith("files file:")
                .endsWith("/storage/telemetry (avro)");

        List<Path> files = storageFiles(directory.resolve("work"));
        assertThat(files).isNotEmpty();
        List<GenericRecord> records = new ArrayList<>();
        for (Path file : files) {
            Path relative = storageFolder(file).relativize(file);
            // {iothub}/{partition}/{YYYY}/{MM}/{DD}/{HH}/{mm}, with _<subtask>_<n> after the first
            assertThat(relative.toString())
                    .as("file name from fileNameFormat")
                    .matches(
                            "demo-hub/[0-9]+/20[0-9]{2}/[0-9]{2}/[0-9]{2}/[0-9]{2}/[0-9]{2}(_[0-9]+_[0-9]+)?");
            try (DataFileReader<GenericRecord> reader =
                    new DataFileReader<>(file.toFile(), new GenericDatumReader<>())) {
                Schema schema = reader.getSchema();
                assertThat(schema.getFullName()).isEqualTo("Microsoft.Azure.Devices.Message");
                assertThat(schema.getFields().stream().map(Schema.Field::name))
                        .containsExactly(
                                "EnqueuedTimeUtc", "Properties", "SystemProperties", "Body");
                reader.forEach(records::add);
            }
        }
        assertThat(records).hasSize((int) delivered);
        for (GenericRecord record : records) {
            Map<String, String> system = strings(record.get("SystemProperties"));
            assertThat(system)
                    .containsKeys("connectionDeviceId", "messageId", "contentType", "enqueuedTime")
                    .doesNotContainKeys(
                            "iothub-connection-device-id", "message-id", "content-type");
            assertThat(system.keySet()).noneMatch(name -> name.startsWith("iothub-"));
            assertThat(system.get("connectionDeviceId")).isNotBlank();
            Map<String, String> properties = strings(record.get("Properties"));
            // the route's condition, and the tutorial's enrichment of StorageEP
            assertThat(properties)
                    .containsEntry("level", "storage")
                    .containsEntry("hub", "demo-hub");
            assertThat(record.get("EnqueuedTimeUtc").toString())
                    .matches("20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\\.[0-9]{7}Z");
            assertThat(record.get("Body")).isNotNull();
        }
        assertThat(records.stream().map(r -> strings(r.get("SystemProperties")).get("messageId")))
                .as("each delivery once")
                .doesNotHaveDuplicates();
    }

    private static List<Path> storageFiles(Path work) throws Exception {
        try (Stream<Path> all = Files.walk(work)) {
            return all.filter(Files::isRegularFile)
                    .filter(path -> path.toString().contains("/storage/telemetry/"))
                    .filter(path -> !path.toString().contains("/.hubroute-staging/"))
                    .collect(Collectors.toList());
        }
    }

    private static Path storageFolder(Path file) {
        Path folder = file;
        while (!folder.getFileName().toString().equals("telemetry")) {
            folder = folder.getParent();
        }
        return folder;
    }

    private static Map<String, String> strings(Object avroMap) {
        return ((Map<?, ?>) avroMap)
                .entrySet().stream()
                        .collect(
                                Collectors.toMap(
                                        entry -> entry.getKey().toString(),
                                        entry -> entry.getValue().toString()));
    }
}
