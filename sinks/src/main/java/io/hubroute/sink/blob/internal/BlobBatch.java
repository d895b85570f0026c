package io.hubroute.sink.blob.internal;

import io.hubroute.sink.RoutedMessage;
import io.hubroute.sink.blob.BlobEncoding;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;

/**
 * One blob being written: its staged blocks and the encoded bytes not staged yet. For Avro, the
 * container header goes into the first staged block and every staged block ends on a sync marker,
 * so any prefix of blocks is a valid file; the pending records are kept (by reference) so that a
 * block that cannot be staged can be diverted.
 */
final class BlobBatch {
    private static final int SYNC_SIZE = 16;
    private static final int AVRO_SYNC_INTERVAL = 64 * 1024;

    final String blobName;
    final int partition;
    final long epochMinute;
    final long openedAtMillis;
    final List<String> blockIds;
    final byte[] syncMarker;
    private final DataFileWriter<GenericRecord> avroWriter;
    private final ExposedByteArrayOutputStream pending;
    private final byte[] header;
    private final List<RoutedMessage> pendingRecords = new ArrayList<>();
    private boolean headerStaged;
    private long pendingEstimate;
    private long stagedBytes;
    private long stagedRecords;

    private BlobBatch(
            BlobEncoding encoding,
            String blobName,
            int partition,
            long epochMinute,
            long openedAtMillis,
            List<String> blockIds,
            boolean headerStaged,
            byte[] syncMarker,
            long stagedRecords,
            long stagedBytes,
            int blockSize)
            throws IOException {
        this.blobName = blobName;
        this.partition = partition;
        this.epochMinute = epochMinute;
        this.openedAtMillis = openedAtMillis;
        this.blockIds = new ArrayList<>(blockIds);
        this.headerStaged = headerStaged;
        this.syncMarker = syncMarker;
        this.stagedRecords = stagedRecords;
        this.stagedBytes = stagedBytes;
        this.pending = new ExposedByteArrayOutputStream(Math.min(blockSize, 64 * 1024));
        if (encoding == BlobEncoding.JSON) {
            this.avroWriter = null;
            this.header = new byte[0];
        } else {
            this.avroWriter =
                    new DataFileWriter<>(new GenericDatumWriter<>(IotHubMessageSchema.MESSAGE));
            avroWriter.setSyncInterval(AVRO_SYNC_INTERVAL);
            avroWriter.setCodec(
                    encoding == BlobEncoding.AVRO_DEFLATE
                            ? CodecFactory.deflateCodec(CodecFactory.DEFAULT_DEFLATE_LEVEL)
                            : CodecFactory.nullCodec());
            avroWriter.create(IotHubMessageSchema.MESSAGE, pending, syncMarker);
            avroWriter.flush();
            this.header = pending.toByteArray();
            pending.reset();
        }
    }

    static BlobBatch open(
            BlobEncoding encoding,
            String blobName,
            int partition,
            long epochMinute,
            long nowMillis,
            byte[] syncMarker,
            int blockSize)
            throws IOException {
        return new BlobBatch(
                encoding,
                blobName,
                partition,
                epochMinute,
                nowMillis,
                List.of(),
                false,
                syncMarker,
                0,
                0,
                blockSize);
    }

    static BlobBatch restore(BlobEncoding encoding, BlobWriterState.OpenBatch state, int blockSize)
            throws IOException {
        return new BlobBatch(
                encoding,
                state.blobName(),
                state.partition(),
                state.epochMinute(),
                state.openedAtMillis(),
                state.blockIds(),
                state.headerStaged(),
                state.syncMarker(),
                state.records(),
                state.bytes(),
                blockSize);
    }

    static int syncSize(BlobEncoding encoding) {
        return encoding == BlobEncoding.JSON ? 0 : SYNC_SIZE;
    }

    void append(RoutedMessage delivery, byte[] encoded, int length) throws IOException {
        if (avroWriter != null) {
            avroWriter.appendEncoded(ByteBuffer.wrap(encoded, 0, length));
        } else {
            pending.write(encoded, 0, length);
        }
        pendingRecords.add(delivery);
        pendingEstimate += length;
    }

    boolean hasPending() {
        return !pendingRecords.isEmpty();
    }

    /** Bytes staged plus an estimate (before compression) of those pending. */
    long sizeEstimate() {
        return stagedBytes + pendingEstimate;
    }

    long pendingEstimate() {
        return pendingEstimate;
    }

    /** The next block's bytes: the pending data, after the header when no block holds it yet. */
    byte[] takeBlock() throws IOException {
        if (avroWriter != null) {
            avroWriter.flush();
        }
        byte[] data = pending.toByteArray();
        if (headerStaged || header.length == 0) {
            return data;
        }
        byte[] block = Arrays.copyOf(header, header.length + data.length);
        System.arraycopy(data, 0, block, header.length, data.length);
        return block;
    }

    List<RoutedMessage> pendingRecords() {
        return pendingRecords;
    }

    /** The block from {@link #takeBlock()} was staged as {@code blockId}. */
    void staged(String blockId, int blockLength) {
        blockIds.add(blockId);
        headerStaged = true;
        stagedBytes += blockLength;
        stagedRecords += pendingRecords.size();
        clearPending();
    }

    /** The block from {@link #takeBlock()} was given up on (its records were diverted). */
    void dropped() {
        clearPending();
    }

    private void clearPending() {
        pending.reset();
        pendingRecords.clear();
        pendingEstimate = 0;
    }

    long stagedRecords() {
        return stagedRecords;
    }

    long stagedBytes() {
        return stagedBytes;
    }

    BlobWriterState.OpenBatch state() {
        return new BlobWriterState.OpenBatch(
                blobName,
                partition,
                epochMinute,
                blockIds,
                headerStaged,
                syncMarker,
                stagedRecords,
                stagedBytes,
                openedAtMillis);
    }

    BlobCommittable committable() {
        return new BlobCommittable(blobName, blockIds, stagedRecords, stagedBytes);
    }
}
