package io.hubroute.sink.blob;

import io.hubroute.sink.blob.internal.BlobCommittable;
import io.hubroute.sink.blob.internal.BlobCommittableSerializer;
import io.hubroute.sink.blob.internal.BlobWriterState;
import io.hubroute.sink.blob.internal.BlobWriterStateSerializer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Reads what a {@link BlobStorageSink} keeps in a savepoint, for tools that look into savepoints
 * ({@code hubroute savepoint inspect}): the writer's open batches and the committables waiting for
 * their commit. Read-only: nothing here writes sink state.
 *
 * <p>Sink state carries no mark of the sink it belongs to, so the readers answer "not blob sink
 * state" (empty) unless the bytes read back to exactly what the sink writes.
 *
 * <pre>{@code
 * Optional<List<BlobSinkState.Batch>> open = BlobSinkState.openBatches(version, bytes);
 * SimpleVersionedSerializer<BlobSinkState.Batch> committables = BlobSinkState.committableReader();
 * }</pre>
 */
public final class BlobSinkState {
    private static final BlobWriterStateSerializer WRITER_STATE = new BlobWriterStateSerializer();
    private static final BlobCommittableSerializer COMMITTABLES = new BlobCommittableSerializer();

    private BlobSinkState() {}

    /**
     * A blob whose blocks are staged and not committed: an open batch of a writer, or a closed one
     * waiting for its checkpoint's commit.
     *
     * @param blobName the blob's full name in the container
     * @param blocks the staged blocks
     * @param records the records in it
     * @param bytes its size in bytes
     */
    public record Batch(String blobName, int blocks, long records, long bytes) {
        public Batch {
            Objects.requireNonNull(blobName, "blobName");
        }
    }

    /**
     * The open batches of one writer state, as the sink's writer state serializer wrote it; empty
     * when the bytes are not a blob writer's state.
     */
    public static Optional<List<Batch>> openBatches(int version, byte[] serialized) {
        Objects.requireNonNull(serialized, "serialized");
        BlobWriterState state;
        try {
            state = WRITER_STATE.deserialize(version, serialized);
            if (version != WRITER_STATE.getVersion()
                    || !Arrays.equals(WRITER_STATE.serialize(state), serialized)) {
                return Optional.empty();
            }
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        List<Batch> batches = new ArrayList<>();
        for (BlobWriterState.OpenBatch batch : state.openBatches()) {
            batches.add(
                    new Batch(
                            batch.blobName(),
                            batch.blockIds().size(),
                            batch.records(),
                            batch.bytes()));
        }
        return Optional.of(batches);
    }

    /**
     * Reads the sink's committables (for Flink's committer state reader); fails on bytes that are
     * not exactly a blob committable. It cannot write.
     */
    public static SimpleVersionedSerializer<Batch> committableReader() {
        return new CommittableReader();
    }

    private static final class CommittableReader implements SimpleVersionedSerializer<Batch> {
        @Override
        public int getVersion() {
            return COMMITTABLES.getVersion();
        }

        @Override
        public byte[] serialize(Batch batch) {
            throw new UnsupportedOperationException("blob sink state is read here, not written");
        }

        @Override
        public Batch deserialize(int version, byte[] serialized) throws IOException {
            BlobCommittable committable;
            try {
                committable = COMMITTABLES.deserialize(version, serialized);
            } catch (RuntimeException e) {
                throw new IOException("not a blob committable: " + e.getMessage(), e);
            }
            if (!Arrays.equals(COMMITTABLES.serialize(committable), serialized)) {
                throw new IOException("not a blob committable: bytes left over");
            }
            return new Batch(
                    committable.blobName(),
                    committable.blockIds().size(),
                    committable.records(),
                    committable.bytes());
        }
    }
}
