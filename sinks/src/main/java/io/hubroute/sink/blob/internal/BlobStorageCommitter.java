package io.hubroute.sink.blob.internal;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.Block;
import com.azure.storage.blob.models.BlockList;
import com.azure.storage.blob.models.BlockListType;
import com.azure.storage.blob.specialized.BlockBlobClient;
import io.hubroute.sink.EndpointHealthTracker;
import io.hubroute.sink.EndpointMetrics;
import io.hubroute.sink.FailurePolicy;
import io.hubroute.sink.Redaction;
import io.hubroute.sink.Retrier;
import io.hubroute.sink.RetriesExhaustedException;
import io.hubroute.sink.SinkMetrics;
import io.hubroute.sink.blob.BlobStorageSinkOptions;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits the block list of each closed batch once its checkpoint completes. Idempotent: when the
 * blob's committed block list already is the committable's, nothing is written again (a restored
 * job re-commits the committables of its last checkpoint). Retries with back-pressure: a commit is
 * never given up on, since its blocks hold records no other blob has.
 */
public final class BlobStorageCommitter implements Committer<BlobCommittable> {
    private static final Logger LOG = LoggerFactory.getLogger(BlobStorageCommitter.class);

    private final BlobStorageSinkOptions options;
    private final BlobContainerClient container;
    private final Retrier retrier;
    private final EndpointMetrics metrics;
    private final Counter blobsWritten;
    private final Counter bytesWritten;

    public BlobStorageCommitter(BlobStorageSinkOptions options, MetricGroup metricGroup) {
        this.options = options;
        this.container = BlobClients.containerClient(options);
        this.metrics =
                EndpointMetrics.register(
                        metricGroup, options.endpointName(), SinkMetrics.EndpointKind.STORAGE);
        this.blobsWritten = metrics.group().counter(SinkMetrics.STORAGE_BLOBS_WRITTEN);
        this.bytesWritten = metrics.group().counter(SinkMetrics.STORAGE_BYTES_WRITTEN);
        EndpointHealthTracker health =
                EndpointHealthTracker.forRetryPolicy(
                        options.endpointName(), null, options.retryPolicy());
        this.retrier =
                new Retrier(
                        options.endpointName(),
                        options.retryPolicy(),
                        FailurePolicy.BACKPRESSURE,
                        health,
                        BlobClients::isTransient,
                        Retrier.Sleeper.THREAD);
    }

    @Override
    public void commit(Collection<CommitRequest<BlobCommittable>> requests)
            throws IOException, InterruptedException {
        for (CommitRequest<BlobCommittable> request : requests) {
            BlobCommittable committable = request.getCommittable();
            BlockBlobClient blob =
                    container.getBlobClient(committable.blobName()).getBlockBlobClient();
            boolean committedNow;
            try {
                committedNow = retrier.call(() -> commitOnce(blob, committable.blockIds()));
            } catch (RetriesExhaustedException e) {
                throw new IllegalStateException("back-pressure retrier gave up", e);
            } catch (IOException e) {
                // Not transient, typically InvalidBlockList: the staged blocks are gone.
                LOG.error(
                        "Endpoint '{}' cannot commit blob '{}' ({} records): {}",
                        options.endpointName(),
                        committable.blobName(),
                        committable.records(),
                        Redaction.describe(e.getCause()));
                request.signalFailedWithKnownReason(e);
                continue;
            }
            if (committedNow) {
                metrics.recordEgress(committable.records());
                blobsWritten.inc();
                bytesWritten.inc(committable.bytes());
                LOG.debug(
                        "Endpoint '{}' committed blob '{}'",
                        options.endpointName(),
                        committable.blobName());
            } else {
                request.signalAlreadyCommitted();
            }
        }
    }

    /** Commits the block list unless the blob already has exactly it; true when it committed. */
    private static boolean commitOnce(BlockBlobClient blob, List<String> blockIds) {
        if (isCommitted(blob, blockIds)) {
            return false;
        }
        blob.commitBlockList(blockIds, true);
        return true;
    }

    private static boolean isCommitted(BlockBlobClient blob, List<String> blockIds) {
        BlockList list;
        try {
            list = blob.listBlocks(BlockListType.COMMITTED);
        } catch (RuntimeException e) {
            if (BlobClients.statusCode(e) == 404) {
                return false;
            }
            throw e;
        }
        List<Block> committed = list.getCommittedBlocks();
        if (committed == null || committed.size() != blockIds.size()) {
            return false;
        }
        for (int i = 0; i < committed.size(); i++) {
            if (!committed.get(i).getName().equals(blockIds.get(i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {}
}
