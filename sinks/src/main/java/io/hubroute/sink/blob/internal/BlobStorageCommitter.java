package io.hubroute.sink.blob.internal;

import io.hubroute.sink.FailurePolicy;
import io.hubroute.sink.SinkMetrics;
import io.hubroute.sink.blob.BlobStorageSinkOptions;
import io.hubroute.sink.internal.EndpointMetrics;
import io.hubroute.sink.internal.FailureClassifier;
import io.hubroute.sink.internal.Redaction;
import io.hubroute.sink.internal.Retrier;
import java.io.IOException;
import java.util.Collection;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits the block list of each closed batch once its checkpoint completes, as a new blob: the
 * commit carries {@code If-None-Match: *} (on a file system: the file takes the name only if it is
 * free), so it never replaces a blob of the same name. Idempotent: when the blob already holds the
 * committable's blocks (Blob Storage: its committed block list; a file system: see {@link
 * FileSystemContainer}), nothing is written again (a restored job re-commits the committables of
 * its last checkpoint).
 *
 * <p>A committable is never dropped. A transient failure (timeout, throttling, server or network
 * error) never waits on the task thread: as Flink's {@code KafkaCommitter} does, the committer asks
 * Flink to retry the request ({@link CommitRequest#retryLater()}). Flink calls {@link #commit}
 * again with the requests still pending, up to {@code sink.committer.retries} times, and then fails
 * the job. Any other failure (403 after a key rotation, 404 for a deleted container, 409/412 for a
 * lease or policy, 400 for staged blocks that expired, or a blob of the same name with other
 * content) is counted in {@link SinkMetrics#COMMIT_FAILURES} and fails the job at once ({@link
 * CommitRequest#signalFailedWithUnknownReason}): it restores from its last checkpoint and commits
 * the same committables again, so nothing is lost once the cause is fixed. On a file system, I/O
 * errors are transient; a file of the same name with other content, or staged blocks that are gone,
 * fail the job.
 */
public final class BlobStorageCommitter implements Committer<BlobCommittable> {
    private static final Logger LOG = LoggerFactory.getLogger(BlobStorageCommitter.class);

    /** What committing one committable did. */
    private enum Outcome {
        COMMITTED,
        ALREADY_COMMITTED,
        /** A blob of that name exists with another block list: it is left as it is. */
        NAME_TAKEN
    }

    private final String endpointName;
    private final BlockLists blobs;
    // Reports every attempt to the endpoint's health; the retrying itself is Flink's.
    private final Retrier retrier;
    private final EndpointMetrics metrics;
    private final Counter blobsWritten;
    private final Counter bytesWritten;
    private final Counter commitFailures;

    public BlobStorageCommitter(BlobStorageSinkOptions options, MetricGroup metricGroup)
            throws IOException {
        this(options, metricGroup, BlobContainers.blockLists(options));
    }

    BlobStorageCommitter(
            BlobStorageSinkOptions options, MetricGroup metricGroup, BlockLists blobs) {
        this.endpointName = options.endpointName();
        this.blobs = blobs;
        this.metrics =
                EndpointMetrics.register(
                        metricGroup, endpointName, SinkMetrics.EndpointKind.STORAGE);
        this.blobsWritten = metrics.group().counter(SinkMetrics.STORAGE_BLOBS_WRITTEN);
        this.bytesWritten = metrics.group().counter(SinkMetrics.STORAGE_BYTES_WRITTEN);
        this.commitFailures = metrics.group().counter(SinkMetrics.COMMIT_FAILURES);
        this.retrier =
                Retrier.forEndpoint(
                        endpointName,
                        null,
                        options.retryPolicy(),
                        FailurePolicy.BACKPRESSURE,
                        FailureClassifier.transientWhen(BlobClients::isTransient));
    }

    @Override
    public void commit(Collection<CommitRequest<BlobCommittable>> requests)
            throws InterruptedException {
        for (CommitRequest<BlobCommittable> request : requests) {
            BlobCommittable committable = request.getCommittable();
            Outcome outcome;
            try {
                outcome = commitOnce(committable);
            } catch (RuntimeException failure) {
                failed(request, failure);
                continue;
            }
            if (outcome == Outcome.NAME_TAKEN) {
                nameTaken(request);
                continue;
            }
            retrier.attemptSucceeded();
            if (outcome == Outcome.COMMITTED) {
                metrics.recordEgress(committable.records());
                blobsWritten.inc();
                bytesWritten.inc(committable.bytes());
                LOG.debug(
                        "Endpoint '{}' committed blob '{}'", endpointName, committable.blobName());
            } else {
                request.signalAlreadyCommitted();
            }
        }
    }

    /**
     * Commits the block list as a new blob unless the blob already has exactly it. A blob that
     * appears between the look and the commit (409 or 412, or a file of that name) is looked at
     * again: the same blocks mean an earlier attempt committed it and only its answer was lost.
     */
    private Outcome commitOnce(BlobCommittable committable) {
        String blobName = committable.blobName();
        BlockLists.CommitState state = blobs.state(committable);
        if (state == BlockLists.CommitState.ABSENT) {
            try {
                blobs.commitNew(blobName, committable.blockIds());
                return Outcome.COMMITTED;
            } catch (RuntimeException failure) {
                if (!BlobClients.isConflict(failure)) {
                    throw failure;
                }
                state = blobs.state(committable);
                if (state == BlockLists.CommitState.ABSENT) {
                    // a conflict that is not an existing blob (a lease, a policy): not retried here
                    throw failure;
                }
            }
        }
        if (state == BlockLists.CommitState.OTHER) {
            return Outcome.NAME_TAKEN;
        }
        blobs.discardStaged(blobName);
        return Outcome.ALREADY_COMMITTED;
    }

    private void failed(CommitRequest<BlobCommittable> request, RuntimeException failure)
            throws InterruptedException {
        retrier.attemptFailed(failure);
        BlobCommittable committable = request.getCommittable();
        if (retrier.isTransient(failure)) {
            if (Thread.currentThread().isInterrupted()) {
                // The task is being cancelled: stop rather than have Flink call again at once.
                InterruptedException interrupted =
                        new InterruptedException(
                                "interrupted while committing blob '"
                                        + committable.blobName()
                                        + "'");
                interrupted.initCause(failure);
                throw interrupted;
            }
            LOG.warn(
                    "Endpoint '{}' could not commit blob '{}' ({} records) after {} retries; Flink"
                            + " retries it: {}",
                    endpointName,
                    committable.blobName(),
                    committable.records(),
                    request.getNumberOfRetries(),
                    Redaction.describe(failure));
            request.retryLater();
            return;
        }
        // 403, 404, 409/412, 400 InvalidBlockList, ...: never dropped; the job fails, restores
        // from its last checkpoint and commits again.
        failJob(
                request,
                new IOException(
                        "endpoint '"
                                + endpointName
                                + "' cannot commit blob '"
                                + committable.blobName()
                                + "' in "
                                + blobs.location()
                                + " ("
                                + committable.records()
                                + " records): "
                                + Redaction.describe(failure)
                                + "; the job fails so that, restored from its last checkpoint,"
                                + " it commits the blob again once the cause (credentials,"
                                + " container, lease, policy) is fixed",
                        failure));
    }

    private void nameTaken(CommitRequest<BlobCommittable> request) {
        BlobCommittable committable = request.getCommittable();
        retrier.attemptFailed(new IllegalStateException("blob exists"));
        failJob(
                request,
                new IOException(
                        "endpoint '"
                                + endpointName
                                + "': blob '"
                                + committable.blobName()
                                + "' in "
                                + blobs.location()
                                + " already exists with other content (another job, or IoT Hub"
                                + " itself, wrote it) and is never overwritten; move or delete it,"
                                + " and the job, restored from its last checkpoint, commits its "
                                + committable.records()
                                + " records there"));
    }

    private void failJob(CommitRequest<BlobCommittable> request, IOException failure) {
        commitFailures.inc();
        LOG.error("{}", failure.getMessage());
        // Flink fails the job (it throws): the committable is restored with the last checkpoint.
        request.signalFailedWithUnknownReason(failure);
    }

    @Override
    public void close() {}
}
