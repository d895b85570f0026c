package io.hubroute.sink.blob.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.azure.core.exception.HttpResponseException;
import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import io.hubroute.embedded.AzuriteProcess;
import io.hubroute.sink.SinkMetrics;
import io.hubroute.sink.blob.BlobStorageSink;
import io.hubroute.sink.testing.CountingMetricGroup;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.apache.flink.api.connector.sink2.Committer.CommitRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The committer against a real Azurite: what the service refuses for good (blocks it no longer has,
 * a deleted container) fails the job instead of dropping the committable and is counted; the commit
 * is conditional, so an existing blob is never replaced; a blob committed before is recognised.
 */
class BlobStorageCommitterITCase {
    private static AzuriteProcess azurite;

    @BeforeAll
    static void startAzurite() throws Exception {
        azurite = AzuriteProcess.create().start();
    }

    @AfterAll
    static void stopAzurite() throws Exception {
        if (azurite != null) {
            azurite.close();
        }
    }

    private final CountingMetricGroup metrics = new CountingMetricGroup();

    @Test
    void blocksTheServiceDoesNotHaveFailTheJobInsteadOfBeingDropped() {
        BlobContainerClient container = container("invalid-block-list");
        // never staged, as after the service discarded them (staged blocks expire after 7 days)
        BlobCommittable committable =
                new BlobCommittable("hub/0/2024/03/05/10/15", List.of(blockId(0)), 10, 1000);
        FailFastCommitRequest request = new FailFastCommitRequest(committable);

        assertThatThrownBy(() -> committer(container).commit(List.of(request)))
                .isInstanceOf(IllegalStateException.class);

        assertThat(request.knownFailure).as("a known failure drops the committable").isFalse();
        assertThat(request.failure)
                .hasMessageContaining("cannot commit blob 'hub/0/2024/03/05/10/15'")
                .hasMessageContaining("in container 'invalid-block-list'")
                .hasRootCauseInstanceOf(HttpResponseException.class);
        assertThat(
                        ((HttpResponseException) request.failure.getCause())
                                .getResponse()
                                .getStatusCode())
                .isEqualTo(400);
        assertThat(metrics.count(SinkMetrics.COMMIT_FAILURES)).isEqualTo(1);
        assertThat(container.getBlobClient(committable.blobName()).exists()).isFalse();
    }

    @Test
    void aDeletedContainerFailsTheJobInsteadOfDroppingTheBlob() {
        BlobContainerClient container = container("deleted-container");
        BlobCommittable committable = staged(container, "hub/0/2024/03/05/10/16", 2);
        container.delete();
        FailFastCommitRequest request = new FailFastCommitRequest(committable);

        assertThatThrownBy(() -> committer(container).commit(List.of(request)))
                .isInstanceOf(IllegalStateException.class);

        assertThat(request.knownFailure).isFalse();
        assertThat(
                        ((HttpResponseException) request.failure.getCause())
                                .getResponse()
                                .getStatusCode())
                .isEqualTo(404);
        assertThat(metrics.count(SinkMetrics.COMMIT_FAILURES)).isEqualTo(1);
    }

    @Test
    void theConditionalCommitNeverReplacesAnExistingBlob() {
        BlobContainerClient container = container("conditional-commit");
        BlobCommittable committable = staged(container, "hub/0/2024/03/05/10/17", 2);
        BlobClient blob = container.getBlobClient(committable.blobName());
        byte[] foreign = "another writer's blob".getBytes(StandardCharsets.UTF_8);
        blob.upload(BinaryData.fromBytes(foreign), true);

        Throwable refused =
                catchThrowable(
                        () ->
                                BlobClients.blockLists(container)
                                        .commitNew(committable.blobName(), committable.blockIds()));

        assertThat(refused).isInstanceOf(HttpResponseException.class);
        assertThat(BlobClients.statusCode(refused)).isIn(409, 412);
        assertThat(blob.downloadContent().toBytes()).isEqualTo(foreign);
    }

    @Test
    void aBlobCommittedBeforeIsAlreadyCommittedAndCountedOnce() throws Exception {
        BlobContainerClient container = container("committed-twice");
        BlobCommittable committable = staged(container, "hub/0/2024/03/05/10/18", 3);
        BlobStorageCommitter committer = committer(container);
        FailFastCommitRequest first = new FailFastCommitRequest(committable);
        FailFastCommitRequest again = new FailFastCommitRequest(committable);

        committer.commit(List.of(first));
        committer.commit(List.of(again));

        assertThat(first.alreadyCommitted).isFalse();
        assertThat(again.alreadyCommitted).isTrue();
        assertThat(container.getBlobClient(committable.blobName()).downloadContent().toString())
                .isEqualTo("block 0\nblock 1\nblock 2\n");
        assertThat(metrics.count(SinkMetrics.STORAGE_BLOBS_WRITTEN)).isEqualTo(1);
        assertThat(metrics.count(SinkMetrics.COMMIT_FAILURES)).isZero();
    }

    private BlobStorageCommitter committer(BlobContainerClient container) {
        return new BlobStorageCommitter(
                BlobStorageSink.builder()
                        .setEndpointName("archive")
                        .setConnectionString(azurite.connectionString())
                        .setContainerName(container.getBlobContainerName())
                        .setHubName("hub")
                        .build()
                        .options(),
                metrics,
                BlobClients.blockLists(container));
    }

    private static BlobContainerClient container(String name) {
        BlobContainerClient container =
                new BlobServiceClientBuilder()
                        .connectionString(azurite.connectionString())
                        .buildClient()
                        .getBlobContainerClient(name);
        container.createIfNotExists();
        return container;
    }

    private static BlobCommittable staged(BlobContainerClient container, String name, int blocks) {
        List<String> blockIds = new java.util.ArrayList<>();
        for (int i = 0; i < blocks; i++) {
            String id = blockId(i);
            container
                    .getBlobClient(name)
                    .getBlockBlobClient()
                    .stageBlock(id, BinaryData.fromString("block " + i + "\n"));
            blockIds.add(id);
        }
        return new BlobCommittable(name, blockIds, blocks, blocks * 8L);
    }

    private static String blockId(int index) {
        return Base64.getEncoder()
                .encodeToString(
                        String.format("block-%06d", index).getBytes(StandardCharsets.UTF_8));
    }

    /** Records what the committer says; fails the job on an unknown failure, as Flink does. */
    private static final class FailFastCommitRequest implements CommitRequest<BlobCommittable> {
        final BlobCommittable committable;
        boolean alreadyCommitted;
        boolean knownFailure;
        Throwable failure;

        FailFastCommitRequest(BlobCommittable committable) {
            this.committable = committable;
        }

        @Override
        public BlobCommittable getCommittable() {
            return committable;
        }

        @Override
        public int getNumberOfRetries() {
            return 0;
        }

        @Override
        public void signalFailedWithKnownReason(Throwable t) {
            failure = t;
            knownFailure = true;
        }

        @Override
        public void signalFailedWithUnknownReason(Throwable t) {
            failure = t;
            throw new IllegalStateException("Failed to commit " + committable, t);
        }

        @Override
        public void retryLater() {
            throw new AssertionError("not a transient failure");
        }

        @Override
        public void updateAndRetryLater(BlobCommittable committable) {
            throw new AssertionError("the committable never changes");
        }

        @Override
        public void signalAlreadyCommitted() {
            alreadyCommitted = true;
        }
    }
}
