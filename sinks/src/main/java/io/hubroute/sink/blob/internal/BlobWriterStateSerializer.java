package io.hubroute.sink.blob.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * Version 1: open batch count (int), then per batch blob name (UTF), partition (int), epoch minute
 * (long), block ids (count, UTF each), header staged (boolean), sync marker (length, bytes),
 * records (long), bytes (long), opened at (long); then counter count (int), per counter base name
 * (UTF), next sequence (int), last used (long).
 */
public final class BlobWriterStateSerializer implements SimpleVersionedSerializer<BlobWriterState> {
    private static final int VERSION = 1;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(BlobWriterState state) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        out.writeInt(state.openBatches().size());
        for (BlobWriterState.OpenBatch batch : state.openBatches()) {
            out.writeUTF(batch.blobName());
            out.writeInt(batch.partition());
            out.writeLong(batch.epochMinute());
            BlobCommittableSerializer.writeStrings(batch.blockIds(), out);
            out.writeBoolean(batch.headerStaged());
            out.writeInt(batch.syncMarker().length);
            out.write(batch.syncMarker());
            out.writeLong(batch.records());
            out.writeLong(batch.bytes());
            out.writeLong(batch.openedAtMillis());
        }
        out.writeInt(state.sequences().size());
        for (BlobWriterState.SequenceCounter counter : state.sequences()) {
            out.writeUTF(counter.baseName());
            out.writeInt(counter.nextSequence());
            out.writeLong(counter.lastUsedMillis());
        }
        return out.getCopyOfBuffer();
    }

    @Override
    public BlobWriterState deserialize(int version, byte[] serialized) throws IOException {
        if (version != VERSION) {
            throw new IOException(
                    "blob writer state version "
                            + version
                            + " is not supported (this build reads "
                            + VERSION
                            + ")");
        }
        DataInputDeserializer in = new DataInputDeserializer(serialized);
        int batchCount = in.readInt();
        List<BlobWriterState.OpenBatch> batches = new ArrayList<>(checkedCount(batchCount));
        for (int i = 0; i < batchCount; i++) {
            String blobName = in.readUTF();
            int partition = in.readInt();
            long epochMinute = in.readLong();
            List<String> blockIds = BlobCommittableSerializer.readStrings(in);
            boolean headerStaged = in.readBoolean();
            byte[] syncMarker = new byte[in.readInt()];
            in.readFully(syncMarker);
            long records = in.readLong();
            long bytes = in.readLong();
            long openedAt = in.readLong();
            batches.add(
                    new BlobWriterState.OpenBatch(
                            blobName,
                            partition,
                            epochMinute,
                            blockIds,
                            headerStaged,
                            syncMarker,
                            records,
                            bytes,
                            openedAt));
        }
        int counterCount = in.readInt();
        List<BlobWriterState.SequenceCounter> counters =
                new ArrayList<>(checkedCount(counterCount));
        for (int i = 0; i < counterCount; i++) {
            counters.add(
                    new BlobWriterState.SequenceCounter(in.readUTF(), in.readInt(), in.readLong()));
        }
        return new BlobWriterState(batches, counters);
    }

    /** A list's count, checked before allocating: bytes that are not writer state may be read. */
    private static int checkedCount(int count) throws IOException {
        if (count < 0) {
            throw new IOException("negative count " + count + ": not blob writer state");
        }
        return Math.min(count, 1024);
    }
}
