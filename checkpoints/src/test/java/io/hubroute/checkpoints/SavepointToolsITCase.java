package io.hubroute.checkpoints;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hubroute.job.RoutingJob;
import io.hubroute.job.TwinExport;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The savepoint tools on real savepoints of the routing job (see {@link RoutingJobSavepoints}): one
 * taken once for the class, and one of another job for the bad-input cases.
 */
class SavepointToolsITCase {
    @TempDir static Path work;

    private static String savepoint;

    @BeforeAll
    static void takeSavepoint() throws Exception {
        savepoint = RoutingJobSavepoints.routingJobSavepoint(work.resolve("savepoints"));
    }

    @Test
    void exportedTwinsAreTheTwinsTheEventsProduced() throws Exception {
        StringWriter out = new StringWriter();
        int exported = TwinExporter.export(savepoint, out);

        Map<String, byte[]> expected = RoutingJobSavepoints.expectedTwins();
        assertThat(expected.keySet()).containsExactly("d-0", "d-0/m-1", "d-1", "d-2");
        assertThat(exported).isEqualTo(expected.size());
        // the format twins.exportFile and replay --twins read: the same twins come back
        Path file = Files.writeString(work.resolve("twins.jsonl"), out.toString());
        assertThat(asText(TwinExport.read(file))).isEqualTo(asText(expected));
        assertThat(asText(TwinExporter.read(savepoint))).isEqualTo(asText(expected));
        assertThat(out.toString().lines())
                .contains(
                        "{\"id\":\"d-0\",\"moduleId\":\"m-1\",\"tags\":{\"role\":\"edge\"},"
                                + "\"properties\":{\"reported\":{\"ok\":true}}}");
    }

    @Test
    void inspectCountsTwinsAndListsTheOperatorsAndTheirState() throws Exception {
        SavepointReport report = SavepointInspector.inspect(savepoint);

        assertThat(report.deviceTwins()).isEqualTo(3);
        assertThat(report.moduleTwins()).isEqualTo(1);
        assertThat(report.routesVersion()).as("a job without live route changes").isNull();
        List<String> uids = new ArrayList<>();
        report.operators().forEach(operator -> uids.add(operator.uid()));
        assertThat(uids)
                .contains(
                        RoutingJob.SOURCE_UID,
                        RoutingJob.ROUTE_UID,
                        RoutingJob.ENDPOINT_UID_PREFIX + "archive",
                        "Sink Committer: " + RoutingJob.ENDPOINT_UID_PREFIX + "archive");
        SavepointReport.Operator route = operator(report, RoutingJob.ROUTE_UID);
        assertThat(route.stateNames()).contains("twin", "twin-export-settled");
        assertThat(route.parallelism()).isEqualTo(2);
        assertThat(route.stateSizeBytes()).isPositive();
        String table = SavepointReportText.table(report);
        assertThat(table)
                .contains("twins         3 devices, 1 module\n")
                .contains(
                        "routes        no routes version (a job from before live route changes)\n")
                .containsPattern("(?m)^  hubroute-route +2/128 +[0-9.]+ (B|KB)  twin")
                .contains("pending blob commits\n");
        assertThat(SavepointReportText.json(report))
                .contains("\"devices\" : 3")
                .contains("\"routesVersion\" : null");
    }

    @Test
    void pendingBlobCommitsAreTheCommittablesAndOpenBatchesOfTheBlobEndpoint() throws Exception {
        SavepointReport report = SavepointInspector.inspect(savepoint);

        assertThat(report.blobEndpoints())
                .extracting(SavepointReport.BlobEndpoint::endpoint)
                .containsExactly("archive");
        SavepointReport.BlobEndpoint archive = report.blobEndpoints().get(0);
        // no checkpoint completed before the savepoint: every delivery waits for its commit
        long pendingRecords = 0;
        for (SavepointReport.Blob blob : archive.pendingCommits()) {
            assertThat(blob.blobName()).startsWith("archive/").endsWith(".json");
            assertThat(blob.blocks()).isEqualTo(2);
            pendingRecords += blob.records();
        }
        assertThat(pendingRecords).isEqualTo(RoutingJobSavepoints.ARCHIVED.get());
        assertThat(archive.openBatches())
                .extracting(SavepointReport.Blob::blobName)
                .containsExactlyInAnyOrder("archive/0-open.json", "archive/1-open.json");
        assertThat(archive.openBatches())
                .allSatisfy(
                        blob ->
                                assertThat(blob.records())
                                        .isEqualTo(RoutingJobSavepoints.OPEN_BATCH_RECORDS));
    }

    @Test
    void inspectReadsTheActiveRoutesVersionOfAJobWithLiveRouteChanges() throws Exception {
        String live = RoutingJobSavepoints.liveRoutesSavepoint(work.resolve("live"));

        SavepointReport report = SavepointInspector.inspect(live);

        assertThat(report.routesVersion())
                .isEqualTo(
                        new SavepointReport.RoutesVersion(
                                7, "routes.yaml", java.time.Instant.parse("2026-12-01T10:00:00Z")));
        assertThat(report.deviceTwins()).isEqualTo(3);
        assertThat(operator(report, RoutingJob.ROUTE_UID).stateNames())
                .contains("twin", "hubroute-routes");
        assertThat(SavepointReportText.table(report))
                .contains(
                        "routes        version 7 (routes.yaml, published 2026-12-01T10:00:00Z)\n");
    }

    @Test
    void aPathThatIsNotASavepointSaysWhatItFound() throws Exception {
        Path empty = Files.createDirectories(work.resolve("empty"));
        assertThatThrownBy(() -> SavepointInspector.inspect(empty.toString()))
                .isInstanceOf(InvalidSavepointException.class)
                .hasMessage(
                        empty
                                + " is not a savepoint: no _metadata file (a savepoint directory"
                                + " holds one)");
        Path missing = work.resolve("missing");
        assertThatThrownBy(() -> TwinExporter.read(missing.toString()))
                .hasMessage(
                        missing
                                + " is not a savepoint: no _metadata file (a savepoint directory"
                                + " holds one); the path does not exist");
        Path random = Files.writeString(work.resolve("notes.txt"), "hello, world");
        assertThatThrownBy(() -> SavepointInspector.inspect(random.toString()))
                .hasMessageStartingWith(random + " is not a savepoint: no _metadata file");

        Path garbage = Files.createDirectories(work.resolve("garbage"));
        Files.writeString(garbage.resolve("_metadata"), "hello, world");
        assertThatThrownBy(() -> SavepointInspector.inspect(garbage.toString()))
                .hasMessage(
                        garbage
                                + " is not a savepoint: its _metadata starts with 0x68656C6C,"
                                + " not Flink's savepoint magic number 0x4960672D");
        Path tiny = Files.createDirectories(work.resolve("tiny"));
        Files.write(tiny.resolve("_metadata"), new byte[] {0x49, 0x60});
        assertThatThrownBy(() -> SavepointInspector.inspect(tiny.toString()))
                .hasMessage(
                        tiny
                                + " is not a savepoint: its _metadata has 2 bytes, too short for"
                                + " Flink savepoint metadata");
    }

    @Test
    void aSavepointOfAnIncompatibleVersionNamesItsVersion() throws Exception {
        Path newer = Files.createDirectories(work.resolve("newer"));
        byte[] metadata = Files.readAllBytes(Path.of(java.net.URI.create(savepoint(savepoint))));
        metadata[7] = 42; // the version, after the magic number
        Files.write(newer.resolve("_metadata"), metadata);
        assertThatThrownBy(() -> SavepointInspector.inspect(newer.toString()))
                .isInstanceOf(InvalidSavepointException.class)
                .hasMessage(
                        newer
                                + " is a savepoint this version cannot read: metadata version 42;"
                                + " hubroute (Flink 2.2) reads versions 1 to 6 (a savepoint of a"
                                + " newer Flink: use the hubroute built on it)");
    }

    @Test
    void aSavepointOfAnotherJobNamesItsOperators() throws Exception {
        String other = RoutingJobSavepoints.otherJobSavepoint(work.resolve("other"));
        assertThatThrownBy(() -> TwinExporter.read(other))
                .isInstanceOf(InvalidSavepointException.class)
                .hasMessageStartingWith(
                        other + " is a savepoint of another job: its operators are ")
                .hasMessageContaining("numbers")
                .hasMessageContaining("word-count")
                .hasMessageEndingWith("(a hubroute savepoint has hubroute-route)");
    }

    private static String savepoint(String path) {
        String directory = path.startsWith("file:") ? path : Path.of(path).toUri().toString();
        return directory.endsWith("/") ? directory + "_metadata" : directory + "/_metadata";
    }

    private static SavepointReport.Operator operator(SavepointReport report, String uid) {
        for (SavepointReport.Operator operator : report.operators()) {
            if (operator.uid().equals(uid)) {
                return operator;
            }
        }
        throw new AssertionError("no operator " + uid + " in " + report.operators());
    }

    private static Map<String, String> asText(Map<String, byte[]> twins) {
        Map<String, String> text = new TreeMap<>();
        twins.forEach((key, bytes) -> text.put(key, new String(bytes, StandardCharsets.UTF_8)));
        return text;
    }
}
