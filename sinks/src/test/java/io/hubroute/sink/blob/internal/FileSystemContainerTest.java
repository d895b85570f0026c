package io.hubroute.sink.blob.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.hubroute.sink.SinkMetrics;
import io.hubroute.sink.blob.BlobStorageSink;
import io.hubroute.sink.blob.BlobStorageSinkBuilder;
import io.hubroute.sink.blob.internal.BlockLists.CommitState;
import io.hubroute.sink.testing.CountingMetricGroup;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.metrics.MetricGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The file-system container on the local file system: blocks staged as files, committed as one file
 * in order, never over a file of the same name; a re-commit recognised (also after a commit that
 * did not get to clean up); blocks gone fail for good.
 */
class FileSystemContainerTest {
    private static final String BLOB = "hub/0/2024/03/05/10/15";

    @TempDir Path directory;

    private FileSystemContainer container(String containerName) {
        return FileSystemContainer.of(
                "archive",
                FileSystem.getLocalFileSystem(),
                FileSystemContainer.root(directory.toUri().toString(), containerName));
    }

    @Test
    void stagedBlocksBecomeOneFileInListOrderAndTheStagingFolderGoes() throws Exception {
        FileSystemContainer container = container("archive");
        List<String> ids = blockIds(3);
        // staged out of order, as retries may: the list decides the order
        container.stageBlock(BLOB, ids.get(2), bytes("third\n"));
        container.stageBlock(BLOB, ids.get(0), bytes("first\n"));
        container.stageBlock(BLOB, ids.get(1), bytes("second\n"));
        assertThat(container.exists(BLOB)).isFalse();
        assertThat(container.state(committable(BLOB, ids, 19))).isEqualTo(CommitState.ABSENT);

        container.commitNew(BLOB, ids);

        Path file = directory.resolve("archive").resolve(BLOB);
        assertThat(Files.readString(file)).isEqualTo("first\nsecond\nthird\n");
        assertThat(container.exists(BLOB)).isTrue();
        assertThat(filesUnder(directory.resolve("archive").resolve(".hubroute-staging")))
                .as("no staged block or temporary file is left")
                .isEmpty();
    }

    @Test
    void withoutAContainerNameFilesGoRightUnderTheUri() throws Exception {
        FileSystemContainer container = container(null);
        List<String> ids = blockIds(1);
        container.stageBlock(BLOB, ids.get(0), bytes("only\n"));

        container.commitNew(BLOB, ids);

        assertThat(Files.readString(directory.resolve(BLOB))).isEqualTo("only\n");
        assertThat(container.location()).isEqualTo("folder 'file:" + directory + "'");
    }

    @Test
    void aCommittedBlobIsSameAfterwardsAndTheCommitterSignalsItAlreadyCommitted() throws Exception {
        FileSystemContainer container = container("archive");
        BlobCommittable committable = staged(container, BLOB, "a\n", "bb\n");
        CountingMetricGroup metrics = new CountingMetricGroup();
        BlobStorageCommitter committer = committer(metrics, container);
        FakeCommitRequest first = new FakeCommitRequest(committable);
        FakeCommitRequest again = new FakeCommitRequest(committable);

        committer.commit(List.of(first));
        committer.commit(List.of(again));

        assertThat(container.state(committable)).isEqualTo(CommitState.SAME);
        assertThat(first.alreadyCommitted).isFalse();
        assertThat(again.alreadyCommitted).isTrue();
        assertThat(Files.readString(directory.resolve("archive").resolve(BLOB)))
                .isEqualTo("a\nbb\n");
        assertThat(metrics.count(SinkMetrics.STORAGE_BLOBS_WRITTEN)).isEqualTo(1);
        assertThat(metrics.count(SinkMetrics.COMMIT_FAILURES)).isZero();
    }

    @Test
    void aCommitInterruptedBeforeItsCleanUpIsSameAndTheCommitterFinishesTheCleanUp()
            throws Exception {
        FileSystemContainer container = container("archive");
        BlobCommittable committable = staged(container, BLOB, "a\n", "bb\n");
        // the file is in place, the blocks still staged: the commit stopped right after the link
        Path file = directory.resolve("archive").resolve(BLOB);
        Files.createDirectories(file.getParent());
        Files.writeString(file, "a\nbb\n");
        FakeCommitRequest request = new FakeCommitRequest(committable);

        assertThat(container.state(committable)).isEqualTo(CommitState.SAME);
        committer(new CountingMetricGroup(), container).commit(List.of(request));

        assertThat(request.alreadyCommitted).isTrue();
        assertThat(Files.readString(file)).isEqualTo("a\nbb\n");
        assertThat(Files.exists(nioPath(container.stagingFolder(BLOB)))).isFalse();
    }

    @Test
    void aCommitInterruptedWhileDeletingItsBlocksIsSameByLength() throws Exception {
        FileSystemContainer container = container("archive");
        BlobCommittable committable = staged(container, BLOB, "a\n", "bb\n", "ccc\n");
        container.commitNew(BLOB, committable.blockIds());
        // one block left behind, as when the deletion stopped half-way
        container.stageBlock(BLOB, committable.blockIds().get(1), bytes("bb\n"));

        assertThat(container.state(committable)).isEqualTo(CommitState.SAME);
        assertThat(
                        container.state(
                                committable(BLOB, committable.blockIds(), committable.bytes() + 1)))
                .as("a file of another length is not ours")
                .isEqualTo(CommitState.OTHER);
    }

    @Test
    void creatingTheContainerMakesItsFolder() {
        FileSystemContainer container = container("archive");

        container.createContainerIfMissing();
        container.createContainerIfMissing();

        assertThat(directory.resolve("archive")).isDirectory();
    }

    @Test
    void aForeignFileIsOtherAndNeverOverwritten() throws Exception {
        FileSystemContainer container = container("archive");
        BlobCommittable committable = staged(container, BLOB, "ours\n");
        Path file = directory.resolve("archive").resolve(BLOB);
        Files.createDirectories(file.getParent());
        Files.writeString(file, "someone else's file\n");

        assertThat(container.state(committable)).isEqualTo(CommitState.OTHER);
        Throwable refused = catchThrowable(() -> container.commitNew(BLOB, committable.blockIds()));

        assertThat(refused)
                .isInstanceOf(StorageRefusedException.class)
                .hasMessage(
                        "a file named '"
                                + BLOB
                                + "' exists in folder '"
                                + "file:"
                                + directory.resolve("archive")
                                + "'");
        assertThat(BlobClients.isConflict(refused)).isTrue();
        assertThat(BlobClients.isTransient(refused)).isFalse();
        assertThat(Files.readString(file)).isEqualTo("someone else's file\n");
        assertThat(filesUnder(nioPath(container.stagingFolder(BLOB))))
                .as("our blocks stay, and no temporary file is left")
                .hasSize(1);
    }

    @Test
    void aForeignFileOfTheSameLengthIsOtherWhileOurBlocksAreThere() throws Exception {
        FileSystemContainer container = container("archive");
        BlobCommittable committable = staged(container, BLOB, "ours\n");
        Path file = directory.resolve("archive").resolve(BLOB);
        Files.createDirectories(file.getParent());
        Files.writeString(file, "them\n");

        assertThat(container.state(committable)).isEqualTo(CommitState.OTHER);
    }

    @Test
    void aFileOfAnotherLengthIsOtherOnceTheBlocksAreGone() throws Exception {
        FileSystemContainer container = container("archive");
        BlobCommittable committable = staged(container, BLOB, "ours\n");
        Path file = directory.resolve("archive").resolve(BLOB);
        Files.createDirectories(file.getParent());
        Files.writeString(file, "a longer file of someone else\n");
        container.discardStaged(BLOB);

        assertThat(container.state(committable)).isEqualTo(CommitState.OTHER);
    }

    @Test
    void theCommitterFailsTheJobNamingTheFileAndLeavesItAsItIs() throws Exception {
        FileSystemContainer container = container("archive");
        BlobCommittable committable = staged(container, BLOB, "ours\n");
        Path file = directory.resolve("archive").resolve(BLOB);
        Files.createDirectories(file.getParent());
        Files.writeString(file, "foreign\n");
        CountingMetricGroup metrics = new CountingMetricGroup();
        FakeCommitRequest request = new FakeCommitRequest(committable);

        assertThatThrownBy(() -> committer(metrics, container).commit(List.of(request)))
                .isInstanceOf(IllegalStateException.class);

        assertThat(request.failure)
                .hasMessageStartingWith(
                        "endpoint 'archive': blob '"
                                + BLOB
                                + "' in folder '"
                                + "file:"
                                + directory.resolve("archive")
                                + "' already exists with other content");
        assertThat(Files.readString(file)).isEqualTo("foreign\n");
        assertThat(metrics.count(SinkMetrics.COMMIT_FAILURES)).isEqualTo(1);
    }

    @Test
    void missingBlocksWithoutAFileFailForGoodAndWriteNothing() throws Exception {
        FileSystemContainer container = container("archive");
        List<String> ids = blockIds(2);
        container.stageBlock(BLOB, ids.get(0), bytes("first\n"));
        BlobCommittable committable = committable(BLOB, ids, 12);
        CountingMetricGroup metrics = new CountingMetricGroup();
        FakeCommitRequest request = new FakeCommitRequest(committable);

        Throwable byState = catchThrowable(() -> container.state(committable));
        Throwable byCommit = catchThrowable(() -> container.commitNew(BLOB, ids));
        Throwable byCommitter =
                catchThrowable(() -> committer(metrics, container).commit(List.of(request)));

        assertThat(byState)
                .isInstanceOf(StorageRefusedException.class)
                .hasMessageStartingWith("1 of the blob's 2 staged blocks are missing from file:/")
                .hasMessageEndingWith(
                        " and no file has its name: something removed them, so these records"
                                + " cannot be written");
        assertThat(BlobClients.isTransient(byState)).isFalse();
        assertThat(byCommit)
                .isInstanceOf(StorageRefusedException.class)
                .hasMessageContaining("is missing from");
        assertThat(BlobClients.isConflict(byCommit)).isFalse();
        assertThat(byCommitter).as("the job fails").isInstanceOf(IllegalStateException.class);
        assertThat(request.retriesRequested).as("not retried").isZero();
        assertThat(request.failure).hasMessageContaining("staged blocks are missing");
        assertThat(metrics.count(SinkMetrics.COMMIT_FAILURES)).isEqualTo(1);
        assertThat(container.exists(BLOB)).isFalse();
        assertThat(filesUnder(nioPath(container.stagingFolder(BLOB))))
                .as("the staged block stays, and no temporary file is left")
                .hasSize(1);
    }

    @Test
    void permissionDeniedIsNotRetriedOtherIoErrorsAre() {
        // a file system's 403: back-pressure would wait for ever on it
        assertThat(
                        BlobClients.isTransient(
                                new java.io.UncheckedIOException(
                                        new java.nio.file.AccessDeniedException("/data/archive"))))
                .isFalse();
        assertThat(
                        BlobClients.isTransient(
                                new java.io.UncheckedIOException(
                                        new java.io.IOException(new AccessControlException()))))
                .isFalse();
        assertThat(
                        BlobClients.isTransient(
                                new java.io.UncheckedIOException(
                                        new java.io.IOException("Connection reset"))))
                .isTrue();
    }

    /** Named as Hadoop's, which the check knows by name (Hadoop is not on this classpath). */
    private static final class AccessControlException extends java.io.IOException {
        private static final long serialVersionUID = 1L;
    }

    @Test
    void stagingABlockAgainOverwritesIt() throws Exception {
        FileSystemContainer container = container("archive");
        List<String> ids = blockIds(1);
        container.stageBlock(BLOB, ids.get(0), bytes("a first try that was cut sh"));
        container.stageBlock(BLOB, ids.get(0), bytes("whole\n"));

        container.commitNew(BLOB, ids);

        assertThat(Files.readString(directory.resolve("archive").resolve(BLOB)))
                .isEqualTo("whole\n");
    }

    @Test
    void escapedBlobNamesAreFilesOfExactlyThatName() throws Exception {
        FileSystemContainer container = container("archive");
        String name = "my%20hub%2F%2E%2E/0/2024/03/05/10/15_1_2";
        BlobCommittable committable = staged(container, name, "x\n");

        container.commitNew(name, committable.blockIds());

        Path file =
                directory
                        .resolve("archive")
                        .resolve("my%20hub%2F%2E%2E")
                        .resolve("0/2024/03/05/10/15_1_2");
        assertThat(Files.readString(file)).isEqualTo("x\n");
        assertThat(container.exists(name)).isTrue();
        assertThat(container.state(committable)).isEqualTo(CommitState.SAME);
    }

    @Test
    void stagingFolderNamesAreOneSegmentOnePerBlobAndShort() {
        assertThat(FileSystemContainer.stagingFolderName("hub/0/2024/03/05/10/15_1_2"))
                .isEqualTo("hub%2F0%2F2024%2F03%2F05%2F10%2F15_1_2");
        assertThat(FileSystemContainer.stagingFolderName("a%2F/b"))
                .isNotEqualTo(FileSystemContainer.stagingFolderName("a//b"))
                .isEqualTo("a%252F%2Fb");
        String longName = "x".repeat(300) + "/0";
        String otherLongName = "x".repeat(300) + "/1";
        assertThat(FileSystemContainer.stagingFolderName(longName))
                .hasSize(200)
                .isNotEqualTo(FileSystemContainer.stagingFolderName(otherLongName));
        assertThat(FileSystemContainer.blockFileName("AB+/="))
                .isEqualTo("41422b2f3d")
                .isNotEqualTo(FileSystemContainer.blockFileName("AB-_="));
    }

    @Test
    void ioErrorsOfTheFileSystemAreTransient() throws Exception {
        // the container folder is a file: nothing can be written under it
        Files.writeString(directory.resolve("archive"), "not a folder");
        FileSystemContainer container = container("archive");

        Throwable failure =
                catchThrowable(() -> container.stageBlock(BLOB, blockIds(1).get(0), bytes("x")));

        assertThat(failure).isInstanceOf(UncheckedIOException.class);
        assertThat(BlobClients.isTransient(failure)).isTrue();
    }

    static Stream<Arguments> malformedUris() {
        return Stream.of(
                Arguments.of(
                        "/data/archive",
                        "file-system URI '/data/archive' has no scheme: write file:///data/archive"
                                + " for a local folder, or s3://bucket/prefix,"
                                + " abfss://container@account.dfs.core.windows.net/prefix,"
                                + " hdfs://namenode/path"),
                Arguments.of(
                        "https://account.blob.core.windows.net/archive?sig=secret",
                        "file-system URI 'https://account.blob.core.windows.net/archive?sig=***'"
                                + " is an http(s) URL, not a Flink file system: for a Blob Storage"
                                + " SAS URL call setSasUrl(...)"),
                Arguments.of(
                        "file:data/archive",
                        "file-system URI 'file:data/archive' has a relative path: write an"
                                + " absolute one, e.g. file:///data/archive or s3://bucket/prefix"),
                Arguments.of(
                        "s3://key:secret@bucket/prefix?region=eu",
                        "file-system URI 's3://***@bucket/prefix?region=eu' has a query or"
                                + " fragment: remove the '?...' or '#...' part; a Flink file system"
                                + " takes its settings (credentials, endpoint) from Flink's"
                                + " configuration"),
                Arguments.of(
                        "file://data/archive",
                        "file-system URI 'file://data/archive' names host 'data', which a local"
                                + " folder has not: write file:///data/archive (three slashes)"),
                Arguments.of(
                        "s3://key:secret@bucket/a b",
                        "file-system URI is not a valid URI (Illegal character in path at"
                                + " index 24): write scheme://authority/path,"
                                + " e.g. file:///data/archive or s3://bucket/prefix"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedUris")
    void malformedUrisAreRefusedSayingHowToWriteThemWithoutTheirSecrets(
            String uri, String message) {
        assertThatThrownBy(() -> FileSystemContainer.checkUri(uri))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message)
                .hasNoCause();
    }

    @Test
    void wellFormedUrisPass() {
        assertThat(FileSystemContainer.checkUri(" file:///data/archive/ "))
                .isEqualTo("file:///data/archive/");
        assertThat(FileSystemContainer.checkUri("file:/data/archive"))
                .isEqualTo("file:/data/archive");
        assertThat(FileSystemContainer.checkUri("s3://bucket")).isEqualTo("s3://bucket");
        assertThat(FileSystemContainer.checkUri("abfss://archive@account.dfs.core.windows.net/iot"))
                .isEqualTo("abfss://archive@account.dfs.core.windows.net/iot");
    }

    @Test
    void theRootIsTheUriAndTheContainerAsAFolder() {
        assertThat(FileSystemContainer.root("file:///data/archive/", "telemetry"))
                .hasToString("file:/data/archive/telemetry");
        assertThat(FileSystemContainer.root("s3://bucket", "telemetry"))
                .hasToString("s3://bucket/telemetry");
        assertThat(FileSystemContainer.root("s3://bucket/prefix", null))
                .isEqualTo(URI.create("s3://bucket/prefix"));
    }

    @Test
    void aSchemeWithoutAFlinkFileSystemIsRefusedNamingTheEndpointAndThePlugin() {
        Throwable s3 =
                catchThrowable(
                        () ->
                                FileSystemContainer.open(
                                        sink().setFileSystemUri("s3://key:secret@bucket/prefix")
                                                .build()
                                                .options()));
        Throwable unknown =
                catchThrowable(
                        () ->
                                FileSystemContainer.open(
                                        sink().setFileSystemUri("nosuchfs://bucket/prefix")
                                                .build()
                                                .options()));

        assertThat(s3)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "endpoint 'archive': no Flink file system for scheme 's3' (file-system URI"
                                + " 's3://***@bucket/prefix'): add Flink's flink-s3-fs-hadoop"
                                + " plugin (copy opt/flink-s3-fs-hadoop-*.jar into"
                                + " plugins/s3-fs-hadoop/), or flink-s3-fs-presto for s3://");
        assertThat(unknown)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "endpoint 'archive': no Flink file system for scheme 'nosuchfs'"
                                + " (file-system URI 'nosuchfs://bucket/prefix'): add the Flink"
                                + " file-system plugin for 'nosuchfs' to Flink's plugins/ folder,"
                                + " or check the scheme's spelling");
    }

    private static BlobStorageSinkBuilder sink() {
        return BlobStorageSink.builder()
                .setEndpointName("archive")
                .setContainerName("archive")
                .setHubName("hub");
    }

    private BlobStorageCommitter committer(MetricGroup metrics, FileSystemContainer container) {
        return new BlobStorageCommitter(
                sink().setFileSystemUri(directory.toUri().toString()).build().options(),
                metrics,
                container);
    }

    private static BlobCommittable staged(
            FileSystemContainer container, String blobName, String... blocks) {
        List<String> ids = blockIds(blocks.length);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int i = 0; i < blocks.length; i++) {
            container.stageBlock(blobName, ids.get(i), bytes(blocks[i]));
            all.writeBytes(bytes(blocks[i]));
        }
        return committable(blobName, ids, all.size());
    }

    private static BlobCommittable committable(String blobName, List<String> ids, long bytes) {
        return new BlobCommittable(blobName, ids, ids.size(), bytes);
    }

    /** Block ids as the writer makes them: 20 bytes (a writer id and an index), in base64. */
    private static List<String> blockIds(int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(
                    Base64.getEncoder()
                            .encodeToString(
                                    ByteBuffer.allocate(20)
                                            .putLong(0xfbfffeL)
                                            .putLong(-1L)
                                            .putInt(i)
                                            .array()));
        }
        return ids;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static Path nioPath(org.apache.flink.core.fs.Path path) {
        return Path.of(path.toUri());
    }

    private static List<Path> filesUnder(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }
}
