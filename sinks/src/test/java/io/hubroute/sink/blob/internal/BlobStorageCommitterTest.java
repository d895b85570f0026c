package io.hubroute.sink.blob.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.exception.HttpResponseException;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpResponse;
import io.hubroute.sink.SinkMetrics;
import io.hubroute.sink.blob.BlobStorageSink;
import io.hubroute.sink.blob.BlobStorageSinkOptions;
import io.hubroute.sink.testing.CountingMetricGroup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The committer against a hand-written fake container: transient failures go back to Flink as
 * {@code retryLater()} (no waiting on the task thread), and the retry commits every block; any
 * other failure fails the job (never drops the committable), and an existing blob is never
 * overwritten.
 */
class BlobStorageCommitterTest {
    private static final BlobCommittable COMMITTABLE =
            new BlobCommittable(
                    "hub/0/2024/01/02/03/04", List.of("AAAA", "BBBB", "CCCC"), 42, 4096);

    private final FakeBlockLists blobs = new FakeBlockLists();
    private final CountingMetricGroup metrics = new CountingMetricGroup();
    private final BlobStorageCommitter committer =
            new BlobStorageCommitter(options(), metrics, blobs);

    private static BlobStorageSinkOptions options() {
        return BlobStorageSink.builder()
                .setEndpointName("archive")
                .setConnectionString(
                        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;"
                                + "BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;")
                .setContainerName("archive")
                .setHubName("hub")
                .build()
                .options();
    }

    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(ints = {408, 429, 500, 503})
    void transientStatusOnCommitAsksFlinkToRetryAndTheRetryCommitsEveryBlock(int status)
            throws Exception {
        blobs.failNextCommit(httpFailure(status));
        FakeCommitRequest request = new FakeCommitRequest(COMMITTABLE);

        committer.commit(List.of(request));

        assertThat(request.retriesRequested).isEqualTo(1);
        assertThat(request.failure).isNull();
        assertThat(blobs.committed).isEmpty();
        assertThat(metrics.count(SinkMetrics.egress(SinkMetrics.EndpointKind.STORAGE))).isZero();

        commitAsFlinkDoes(request);

        assertThat(blobs.committed).containsEntry(COMMITTABLE.blobName(), COMMITTABLE.blockIds());
        assertThat(request.failure).isNull();
        assertThat(request.alreadyCommitted).isFalse();
        assertThat(metrics.count(SinkMetrics.egress(SinkMetrics.EndpointKind.STORAGE)))
                .isEqualTo(42);
        assertThat(metrics.count(SinkMetrics.STORAGE_BLOBS_WRITTEN)).isEqualTo(1);
        assertThat(metrics.count(SinkMetrics.STORAGE_BYTES_WRITTEN)).isEqualTo(4096);
    }

    @Test
    void networkErrorWhileReadingTheBlockListIsRetriedByFlinkToo() throws Exception {
        blobs.failNextRead(new UncheckedIOException(new IOException("Connection reset")));
        blobs.failNextRead(httpFailure(503));
        FakeCommitRequest request = new FakeCommitRequest(COMMITTABLE);

        commitAsFlinkDoes(request);

        assertThat(request.retriesRequested).isEqualTo(2);
        assertThat(request.failure).isNull();
        assertThat(blobs.committed).containsEntry(COMMITTABLE.blobName(), COMMITTABLE.blockIds());
        assertThat(blobs.commits).isEqualTo(1);
    }

    @Test
    void aCommitThatReachedTheServiceBeforeFailingIsNotCommittedTwice() throws Exception {
        blobs.commitThenFail(httpFailure(500));
        FakeCommitRequest request = new FakeCommitRequest(COMMITTABLE);

        commitAsFlinkDoes(request);

        assertThat(request.retriesRequested).isEqualTo(1);
        assertThat(request.alreadyCommitted).isTrue();
        assertThat(blobs.commits).isEqualTo(1);
        assertThat(blobs.committed).containsEntry(COMMITTABLE.blobName(), COMMITTABLE.blockIds());
    }

    @Test
    void blobThatAlreadyHoldsTheBlockListIsSignalledAlreadyCommitted() throws Exception {
        blobs.committed.put(COMMITTABLE.blobName(), COMMITTABLE.blockIds());
        FakeCommitRequest request = new FakeCommitRequest(COMMITTABLE);

        committer.commit(List.of(request));

        assertThat(request.alreadyCommitted).isTrue();
        assertThat(blobs.commits).isZero();
        assertThat(metrics.count(SinkMetrics.STORAGE_BLOBS_WRITTEN)).isZero();
    }

    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(ints = {400, 403, 404, 409, 412})
    void failureRetryingCannotFixFailsTheJobIsCountedAndNeverDropsTheCommittable(int status) {
        blobs.failNextCommit(httpFailure(status));
        FakeCommitRequest request = new FakeCommitRequest(COMMITTABLE);

        assertThatThrownBy(() -> committer.commit(List.of(request)))
                .as("Flink fails the job, which restores and commits again")
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Failed to commit");
        assertThat(request.retriesRequested).isZero();
        assertThat(request.failureIsKnown).as("a known failure drops the committable").isFalse();
        assertThat(request.failure)
                .isInstanceOf(IOException.class)
                .hasMessage(
                        "endpoint 'archive' cannot commit blob 'hub/0/2024/01/02/03/04' in"
                                + " container 'archive' (42 records): HttpResponseException:"
                                + " status "
                                + status
                                + "; the job fails so that, restored from its last checkpoint, it"
                                + " commits the blob again once the cause (credentials, container,"
                                + " lease, policy) is fixed")
                .hasCauseInstanceOf(HttpResponseException.class);
        assertThat(metrics.count(SinkMetrics.COMMIT_FAILURES)).isEqualTo(1);
        assertThat(blobs.committed).isEmpty();
    }

    @Test
    void aBlobOfTheSameNameWithOtherContentIsNeverOverwritten() {
        List<String> foreign = List.of("ZZZZ");
        blobs.committed.put(COMMITTABLE.blobName(), foreign);
        FakeCommitRequest request = new FakeCommitRequest(COMMITTABLE);

        assertThatThrownBy(() -> committer.commit(List.of(request)))
                .isInstanceOf(IllegalStateException.class);
        assertThat(blobs.committed).containsEntry(COMMITTABLE.blobName(), foreign);
        assertThat(blobs.commits).isZero();
        assertThat(request.failureIsKnown).isFalse();
        assertThat(request.alreadyCommitted).isFalse();
        assertThat(request.failure)
                .hasMessage(
                        "endpoint 'archive': blob 'hub/0/2024/01/02/03/04' in container 'archive'"
                                + " already exists with other content (another job, or IoT Hub"
                                + " itself, wrote it) and is never overwritten; move or delete it,"
                                + " and the job, restored from its last checkpoint, commits its 42"
                                + " records there");
        assertThat(metrics.count(SinkMetrics.COMMIT_FAILURES)).isEqualTo(1);
    }

    @Test
    void aBlobWrittenByAnotherWriterAfterTheLookIsNotOverwrittenEither() {
        List<String> foreign = List.of("ZZZZ", "YYYY");
        blobs.appearsBeforeNextCommit(COMMITTABLE.blobName(), foreign);
        FakeCommitRequest request = new FakeCommitRequest(COMMITTABLE);

        assertThatThrownBy(() -> committer.commit(List.of(request)))
                .isInstanceOf(IllegalStateException.class);
        assertThat(blobs.committed).containsEntry(COMMITTABLE.blobName(), foreign);
        assertThat(request.failure).hasMessageContaining("already exists with other content");
        assertThat(metrics.count(SinkMetrics.COMMIT_FAILURES)).isEqualTo(1);
    }

    @Test
    void aBlobThatGotOurBlockListAfterTheLookIsAlreadyCommitted() throws Exception {
        blobs.appearsBeforeNextCommit(COMMITTABLE.blobName(), COMMITTABLE.blockIds());
        FakeCommitRequest request = new FakeCommitRequest(COMMITTABLE);

        committer.commit(List.of(request));

        assertThat(request.alreadyCommitted).isTrue();
        assertThat(request.failure).isNull();
        assertThat(metrics.count(SinkMetrics.COMMIT_FAILURES)).isZero();
    }

    /** What Flink's committer operator does: calls again with the requests still pending. */
    private void commitAsFlinkDoes(FakeCommitRequest request) throws Exception {
        for (int call = 0; call <= 10 && request.isPending(); call++) {
            request.pending = false;
            committer.commit(List.of(request));
        }
        assertThat(request.isPending()).as("committed within Flink's default 10 retries").isFalse();
    }

    private static HttpResponseException httpFailure(int status) {
        return new HttpResponseException("status " + status, new StatusOnlyResponse(status));
    }

    /**
     * A container in memory whose next calls fail as told. Commits are conditional, as the real
     * ones are: a blob that exists is never replaced (409).
     */
    private static final class FakeBlockLists implements BlockLists {
        final Map<String, List<String>> committed = new HashMap<>();
        final Queue<RuntimeException> readFailures = new ArrayDeque<>();
        final Queue<RuntimeException> commitFailures = new ArrayDeque<>();
        final Queue<RuntimeException> failuresAfterCommit = new ArrayDeque<>();
        final Map<String, List<String>> appearBeforeNextCommit = new HashMap<>();
        int commits;

        void failNextRead(RuntimeException failure) {
            readFailures.add(failure);
        }

        void failNextCommit(RuntimeException failure) {
            commitFailures.add(failure);
        }

        /** The next commit reaches the service, but its answer is lost. */
        void commitThenFail(RuntimeException failure) {
            failuresAfterCommit.add(failure);
        }

        /** Another writer (or an earlier attempt) commits the blob just before our commit. */
        void appearsBeforeNextCommit(String blobName, List<String> blockIds) {
            appearBeforeNextCommit.put(blobName, blockIds);
        }

        @Override
        public String location() {
            return "container 'archive'";
        }

        @Override
        public CommitState state(BlobCommittable committable) {
            if (!readFailures.isEmpty()) {
                throw readFailures.remove();
            }
            List<String> blockIds = committed.get(committable.blobName());
            if (blockIds == null) {
                return CommitState.ABSENT;
            }
            return blockIds.equals(committable.blockIds()) ? CommitState.SAME : CommitState.OTHER;
        }

        @Override
        public void commitNew(String blobName, List<String> blockIds) {
            committed.putAll(appearBeforeNextCommit);
            appearBeforeNextCommit.clear();
            if (!commitFailures.isEmpty()) {
                throw commitFailures.remove();
            }
            if (committed.containsKey(blobName)) {
                throw httpFailure(409);
            }
            commits++;
            committed.put(blobName, List.copyOf(blockIds));
            if (!failuresAfterCommit.isEmpty()) {
                throw failuresAfterCommit.remove();
            }
        }
    }

    /** The status code is all the committer reads of a failed response. */
    private static final class StatusOnlyResponse extends HttpResponse {
        private final int status;

        StatusOnlyResponse(int status) {
            super(null);
            this.status = status;
        }

        @Override
        public int getStatusCode() {
            return status;
        }

        @Override
        public String getHeaderValue(String name) {
            return null;
        }

        @Override
        public HttpHeaders getHeaders() {
            return new HttpHeaders();
        }

        @Override
        public Flux<ByteBuffer> getBody() {
            return Flux.empty();
        }

        @Override
        public Mono<byte[]> getBodyAsByteArray() {
            return Mono.empty();
        }

        @Override
        public Mono<String> getBodyAsString() {
            return Mono.empty();
        }

        @Override
        public Mono<String> getBodyAsString(Charset charset) {
            return Mono.empty();
        }
    }
}
