package io.hubroute.sink.blob;

import io.hubroute.sink.RoutedMessage;
import io.hubroute.sink.blob.internal.BlobCommittable;
import io.hubroute.sink.blob.internal.BlobCommittableSerializer;
import io.hubroute.sink.blob.internal.BlobStorageCommitter;
import io.hubroute.sink.blob.internal.BlobStorageWriter;
import io.hubroute.sink.blob.internal.BlobWriterState;
import io.hubroute.sink.blob.internal.BlobWriterStateSerializer;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * A Blob Storage endpoint: writes deliveries as IoT Hub does (Avro, Avro with deflate, or JSON
 * lines; blob names from the {@code fileNameFormat} tokens), exactly once.
 *
 * <p>How: each writer stages blocks as data arrives and keeps, in its checkpointed state, the
 * blocks of batches still open; a batch that closes (at the batch frequency or the maximum chunk
 * size) becomes a committable, and the committer commits its block list once the checkpoint that
 * covers it completes. A block list is committed at most once per blob (the committer checks the
 * committed list first), always as a new blob ({@code If-None-Match: *}: a blob of the same name
 * written by anyone else is never overwritten; the job fails naming it), and blocks staged by an
 * attempt that failed are never in a committed list (the service discards them). A commit is never
 * dropped: transient failures are retried by Flink, any other fails the job (counted in {@code
 * d2c.endpoints.commitFailures}), which restores and commits again. Blobs therefore appear only at
 * checkpoints: enable checkpointing.
 *
 * <p>The same files can go to any file system Flink has instead ({@code file:///data/archive},
 * {@code s3://bucket/prefix}, {@code abfss://...}, {@code hdfs://...}: {@link
 * BlobStorageSinkBuilder#setFileSystemUri}), with the same guarantee. Blocks are files in a hidden
 * folder ({@code .hubroute-staging}), synced before a checkpoint counts them. A commit concatenates
 * a blob's blocks into a temporary file, which takes the blob's name only if no file has it (a hard
 * link on the local file system; elsewhere a rename after a check: atomic on HDFS, a copy on object
 * stores such as S3, where the file still appears whole but a foreign writer racing for the same
 * name between check and copy is not ruled out), and then deletes the blocks. A re-commit is
 * recognised by the file's content while the blocks are there, by its length once the commit has
 * deleted them; a file of the same name with other content is never overwritten (the job fails
 * naming it). Blocks staged by a failed attempt under a name that no later attempt commits stay in
 * the hidden folder (Blob Storage drops such blocks after 7 days).
 *
 * <p>Each writer keeps at most {@link BlobStorageSinkBuilder#setMaxOpenBatches} batches open, so a
 * backlog spanning many minutes of enqueued time does not hold a batch (and its buffers) per
 * minute.
 *
 * <pre>{@code
 * env.enableCheckpointing(60_000);
 * deliveries.sinkTo(BlobStorageSink.builder()
 *         .setEndpointName("archive")
 *         .setConnectionString(connectionString)
 *         .setContainerName("archive")
 *         .setHubName("myhub")
 *         .build())
 *     .uid("sink-archive");
 * }</pre>
 */
public final class BlobStorageSink
        implements Sink<RoutedMessage>,
                SupportsWriterState<RoutedMessage, BlobWriterState>,
                SupportsCommitter<BlobCommittable> {
    private static final long serialVersionUID = 1L;

    private final BlobStorageSinkOptions options;

    BlobStorageSink(BlobStorageSinkOptions options) {
        this.options = options;
    }

    public static BlobStorageSinkBuilder builder() {
        return new BlobStorageSinkBuilder();
    }

    public BlobStorageSinkOptions options() {
        return options;
    }

    @Override
    public StatefulSinkWriter<RoutedMessage, BlobWriterState> createWriter(
            WriterInitContext context) throws IOException {
        return restoreWriter(context, List.of());
    }

    @Override
    public StatefulSinkWriter<RoutedMessage, BlobWriterState> restoreWriter(
            WriterInitContext context, Collection<BlobWriterState> recoveredState)
            throws IOException {
        return new BlobStorageWriter(options, context, recoveredState);
    }

    @Override
    public SimpleVersionedSerializer<BlobWriterState> getWriterStateSerializer() {
        return new BlobWriterStateSerializer();
    }

    @Override
    public Committer<BlobCommittable> createCommitter(CommitterInitContext context)
            throws IOException {
        return new BlobStorageCommitter(options, context.metricGroup());
    }

    @Override
    public SimpleVersionedSerializer<BlobCommittable> getCommittableSerializer() {
        return new BlobCommittableSerializer();
    }

    @Override
    public String toString() {
        return "BlobStorageSink{" + options + "}";
    }
}
