package io.hubroute.job.archive;

import static org.assertj.core.api.Assertions.assertThat;

import io.hubroute.job.source.DecodeFailure;
import io.hubroute.job.source.DecodeResult;
import io.hubroute.job.source.DecodedRecord;
import io.hubroute.sink.blob.BlobEncoding;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The archive as a bounded stream, in a local MiniCluster with parallelism 2. */
class ArchiveSourceTest {
    private static final String FORMAT = "{iothub}/{partition}/{YYYY}/{MM}/{DD}/{HH}/{mm}";
    private static final long T0 = Instant.parse("2024-03-05T10:15:00Z").toEpochMilli();

    @TempDir Path folder;

    private void write(String name, byte[] content) throws Exception {
        Path file = folder.resolve("archive").resolve(name);
        Files.createDirectories(file.getParent());
        Files.write(file, content);
    }

    private static StreamExecutionEnvironment environment() {
        Configuration configuration = new Configuration();
        configuration.set(PipelineOptions.GENERIC_TYPES, false);
        ArchiveMetricsReporter.enable(configuration);
        return StreamExecutionEnvironment.createLocalEnvironment(2, configuration);
    }

    @Test
    void readsEveryRecordOfThreeBlobsInParallel() throws Exception {
        write("hub/0/2024/03/05/10/15", ArchiveTestFiles.endpointFile(BlobEncoding.AVRO, T0, 40));
        write("hub/1/2024/03/05/10/15", ArchiveTestFiles.endpointFile(BlobEncoding.AVRO, T0, 25));
        write(
                "hub/1/2024/03/05/10/16_1_0",
                ArchiveTestFiles.endpointFile(BlobEncoding.AVRO, T0 + 60_000, 7));
        write("hub/2/2024/03/05/10/15", "{\"not\": \"avro\"}\n".getBytes());
        ArchiveStore store = ArchiveStore.localFolder(folder.resolve("archive"));

        List<ArchiveBlob> selected = ArchiveSource.select(store, FORMAT, "hub/", null, null);
        assertThat(selected).hasSize(4);
        long totalBytes = 0;
        for (ArchiveBlob blob : selected) {
            totalBytes += blob.sizeBytes();
        }
        ArchiveMetricsReporter.reset();

        StreamExecutionEnvironment env = environment();
        List<DecodeResult> results = new ArrayList<>();
        try (CloseableIterator<DecodeResult> collected =
                ArchiveSource.addTo(env, store, ArchiveFormat.AVRO, FORMAT, "hub/", null, null)
                        .executeAndCollect("archive source test")) {
            collected.forEachRemaining(results::add);
        }

        List<DecodedRecord> decoded = new ArrayList<>();
        List<DecodeFailure> failures = new ArrayList<>();
        Set<String> positions = new HashSet<>();
        for (DecodeResult result : results) {
            if (result instanceof DecodedRecord) {
                DecodedRecord record = (DecodedRecord) result;
                decoded.add(record);
                assertThat(positions.add(record.topic() + "@" + record.offset())).isTrue();
                assertThat(record.topic()).startsWith("archive/hub/" + record.partition() + "/");
            } else {
                failures.add((DecodeFailure) result);
            }
        }
        assertThat(decoded).hasSize(40 + 25 + 7);
        assertThat(decoded).filteredOn(r -> r.partition() == 0).hasSize(40);
        assertThat(decoded).filteredOn(r -> r.partition() == 1).hasSize(32);
        assertThat(failures).hasSize(1);
        assertThat(failures.get(0).topic()).isEqualTo("archive/hub/2/2024/03/05/10/15");
        assertThat(failures.get(0).partition()).isEqualTo(2);
        assertThat(failures.get(0).reason()).startsWith("not Avro: ");
        assertThat(ArchiveMetricsReporter.count("blobs")).isEqualTo(4);
        assertThat(ArchiveMetricsReporter.count("records")).isEqualTo(40 + 25 + 7 + 1);
        assertThat(ArchiveMetricsReporter.count("unreadableBlobs")).isEqualTo(1);
        // Avro stops at the bad blob's header; the good blobs are read to their end.
        assertThat(ArchiveMetricsReporter.count("bytes"))
                .isBetween(totalBytes - selected.get(3).sizeBytes(), totalBytes);
    }

    @Test
    void aTimeRangeSkipsBlobsAndRecords() throws Exception {
        write("hub/0/2024/03/05/10/15", ArchiveTestFiles.endpointFile(BlobEncoding.JSON, T0, 60));
        write(
                "hub/0/2024/03/05/12/00",
                ArchiveTestFiles.endpointFile(BlobEncoding.JSON, T0 + 6_300_000, 5));
        ArchiveStore store = ArchiveStore.localFolder(folder.resolve("archive"));
        Instant start = Instant.ofEpochMilli(T0 + 10_000);
        Instant end = Instant.ofEpochMilli(T0 + 20_000);

        assertThat(ArchiveSource.select(store, FORMAT, null, start, end))
                .extracting(ArchiveBlob::name)
                .containsExactly("hub/0/2024/03/05/10/15");

        StreamExecutionEnvironment env = environment();
        List<DecodeResult> results = new ArrayList<>();
        try (CloseableIterator<DecodeResult> collected =
                ArchiveSource.addTo(env, store, ArchiveFormat.JSON, FORMAT, null, start, end)
                        .executeAndCollect()) {
            collected.forEachRemaining(results::add);
        }
        assertThat(results).hasSize(10).allMatch(r -> r instanceof DecodedRecord);
        for (DecodeResult result : results) {
            long enqueued = ((DecodedRecord) result).enqueuedTimeMillis();
            assertThat(enqueued).isBetween(T0 + 10_000, T0 + 19_999);
        }
    }

    @Test
    void anArchiveWithNothingSelectedIsAnEmptyStream() throws Exception {
        write("hub/0/2024/03/05/10/15", ArchiveTestFiles.endpointFile(BlobEncoding.AVRO, T0, 3));
        ArchiveStore store = ArchiveStore.localFolder(folder.resolve("archive"));

        List<DecodeResult> results = new ArrayList<>();
        try (CloseableIterator<DecodeResult> collected =
                ArchiveSource.addTo(
                                environment(),
                                store,
                                ArchiveFormat.AVRO,
                                FORMAT,
                                "nothing/",
                                null,
                                null)
                        .executeAndCollect()) {
            collected.forEachRemaining(results::add);
        }
        assertThat(results).isEmpty();
    }

    @Test
    void theGraphHasStableUidsAndNamesWithoutSecrets() throws Exception {
        StreamExecutionEnvironment env = environment();
        ArchiveStore store =
                ArchiveStore.azureBlob(
                        io.hubroute.config.Secret.resolved(
                                "${env:ARCHIVE}",
                                "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=S3CRETKEY;"),
                        "archive");
        ArchiveSource.addTo(
                        env,
                        store,
                        ArchiveFormat.AVRO,
                        ArchiveSelection.all(),
                        List.of(new ArchiveBlob("a", 10), new ArchiveBlob("b", 20)))
                .print();

        StreamGraph graph = env.getStreamGraph();
        List<String> uids = new ArrayList<>();
        for (StreamNode node : graph.getStreamNodes()) {
            assertThat(node.getOperatorName()).doesNotContain("S3CRETKEY");
            uids.add(node.getTransformationUID());
        }
        assertThat(uids).contains(ArchiveSource.LIST_UID, ArchiveSource.READ_UID);
        assertThat(graph.getJobGraph().getVertices())
                .allSatisfy(vertex -> assertThat(vertex.getName()).doesNotContain("S3CRETKEY"));
    }
}
