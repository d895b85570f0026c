package io.hubroute.sink.blob.internal;

import io.hubroute.sink.FailurePolicy;
import io.hubroute.sink.SinkMetrics;
import io.hubroute.sink.blob.BlobStorageSinkOptions;
import io.hubroute.sink.internal.EndpointMetrics;
import io.hubroute.sink.internal.Redaction;
import io.hubroute.sink.internal.Retrier;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits the block list of each closed batch once its checkpoint completes. Idempotent: when the
 * blob's committed block list already is the committable's, nothing is written again (a restored
 * job re-commits the committables of its last checkpoint).
 *
 * <p>A transient failure (timeout, throttling, server or network error) never waits on the task
 * thread: as Flink's {@code KafkaCommitter} does, the committer asks Flink to retry the request
 * ({@link CommitRequest#retryLater()}). Flink calls {@link #commit} again with the requests still
 * pending, up to {@code sink.committer.retries} times, and then fails the job, which restarts from
 * its last checkpoint and commits the same committables again. So a commit is never given up on for
 * a transient failure: its blocks hold records no other blob has.
 */
public final class BlobStorageCommitter implements Committer<BlobCommittable> {
    private static final Logger LOG = LoggerFactory.getLogger(BlobStorageCommitter.class);

    private final String endpointName;
    private final BlockLists blobs;
    // Reports every attempt to the endpoint's health; the retrying itself is Flink's.
    private final Retrier retrier;
    private final EndpointMetrics metrics;
    private final Counter blobsWritten;
    private final Counter bytesWritten;

    public BlobStorageCommitter(BlobStorageSinkOptions options, MetricGroup metricGroup) {
        this(options, metricGroup, BlobClients.blockLists(BlobClients.containerClient(options)));
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
        this.retrier =
                Retrier.forEndpoint(
                        endpointName,
                        null,
                        options.retryPolicy(),
                        FailurePolicy.BACKPRESSURE,
                        BlobClients::isTransient);
    }

    @Override
    public void commit(Collection<CommitRequest<BlobCommittable>> requests)
            throws InterruptedException {
        for (CommitRequest<BlobCommittable> request : requests) {
            BlobCommittable committable = request.getCommittable();
            boolean committedNow;
            try {
                committedNow = commitOnce(committable);
            } catch (RuntimeException failure) {
                failed(request, failure);
                continue;
            }
            retrier.attemptSucceeded();
            if (committedNow) {
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

    /** Commits the block list unless the blob already has exactly it; true when it committed. */
    private boolean commitOnce(BlobCommittable committable) {
        Optional<List<String>> committed = blobs.committed(committable.blobName());
        if (committed.isPresent() && committed.get().equals(committable.blockIds())) {
            return false;
        }
        blobs.commit(committable.blobName(), committable.blockIds());
        return true;
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
        // Not transient, typically InvalidBlockList: the staged blocks are gone.
        LOG.error(
                "Endpoint '{}' cannot commit blob '{}' ({} records): {}",
                endpointName,
                committable.blobName(),
                committable.records(),
                Redaction.describe(failure));
        request.signalFailedWithKnownReason(retrier.unfixable(failure));
    }

    @Override
    public void close() {}
}
