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
 *
 * <p>Buffers exist only while records are pending: the encoding buffer and the Avro writer are made
 * at the first record after a block was staged (a new Avro writer with the blob's sync marker, its
 * header dropped once staged, exactly as after a restore) and let go when the block is staged. A
 * batch whose data is all staged holds its block ids and little else.
 */
final class BlobBatch {
    private static final int SYNC_SIZE = 16;
    private static final int AVRO_SYNC_INTERVAL = 64 * 1024;
    private static final int INITIAL_BUFFER_BYTES = 8 * 1024;

    /**
     * What an Avro writer holds while it exists (Avro 1.12: a block buffer of 1.25 sync intervals
     * and an 8 KiB output buffer), for {@link #bufferedBytes()}.
     */
    static final int AVRO_WRITER_BYTES = AVRO_SYNC_INTERVAL + AVRO_SYNC_INTERVAL / 4 + 8 * 1024;

    final String blobName;
    final int partition;
    final long epochMinute;
    final long openedAtMillis;
    final List<String> blockIds;
    final byte[] syncMarker;
    private final BlobEncoding encoding;
    private DataFileWriter<GenericRecord> avroWriter;
    private ExposedByteArrayOutputStream pending;
    private byte[] header;
    private List<RoutedMessage> pendingRecords = new ArrayList<>();
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
            long stagedBytes) {
        this.encoding = encoding;
        this.blobName = blobName;
        this.partition = partition;
        this.epochMinute = epochMinute;
        this.openedAtMillis = openedAtMillis;
        this.blockIds = new ArrayList<>(blockIds);
        this.headerStaged = headerStaged;
        this.syncMarker = syncMarker;
        this.stagedRecords = stagedRecords;
        this.stagedBytes = stagedBytes;
    }

    static BlobBatch open(
            BlobEncoding encoding,
            String blobName,
            int partition,
            long epochMinute,
            long nowMillis,
            byte[] syncMarker) {
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
                0);
    }

    static BlobBatch restore(BlobEncoding encoding, BlobWriterState.OpenBatch state) {
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
                state.bytes());
    }

    static int syncSize(BlobEncoding encoding) {
        return encoding == BlobEncoding.JSON ? 0 : SYNC_SIZE;
    }

    void append(RoutedMessage delivery, byte[] encoded, int length) throws IOException {
        if (pending == null) {
            startPending();
        }
        if (avroWriter != null) {
            avroWriter.appendEncoded(ByteBuffer.wrap(encoded, 0, length));
        } else {
            pending.write(encoded, 0, length);
        }
        pendingRecords.add(delivery);
        pendingEstimate += length;
    }

    /** The buffers for the next block; for Avro a writer that continues the blob's file. */
    private void startPending() throws IOException {
        pending = new ExposedByteArrayOutputStream(INITIAL_BUFFER_BYTES);
        if (encoding == BlobEncoding.JSON) {
            return;
        }
        avroWriter = new DataFileWriter<>(new GenericDatumWriter<>(IotHubMessageSchema.MESSAGE));
        avroWriter.setSyncInterval(AVRO_SYNC_INTERVAL);
        avroWriter.setCodec(
                encoding == BlobEncoding.AVRO_DEFLATE
                        ? CodecFactory.deflateCodec(CodecFactory.DEFAULT_DEFLATE_LEVEL)
                        : CodecFactory.nullCodec());
        avroWriter.create(IotHubMessageSchema.MESSAGE, pending, syncMarker);
        avroWriter.flush();
        // The header goes into the blob's first block only; a later writer's copy is dropped.
        header = headerStaged ? null : pending.toByteArray();
        pending.reset();
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

    /**
     * The memory the batch's buffers hold now: the encoding buffer's capacity and, for Avro, the
     * writer's own buffers (an estimate, {@link #AVRO_WRITER_BYTES}); 0 when nothing is pending.
     */
    long bufferedBytes() {
        if (pending == null) {
            return 0;
        }
        return pending.capacity()
                + (avroWriter == null ? 0 : AVRO_WRITER_BYTES)
                + (header == null ? 0 : header.length);
    }

    /**
     * The next block's bytes: the pending data, after the header when no block holds it yet. Only
     * while {@link #hasPending()}.
     */
    byte[] takeBlock() throws IOException {
        if (avroWriter != null) {
            avroWriter.flush();
        }
        byte[] data = pending.toByteArray();
        if (header == null || header.length == 0) {
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
        releasePending();
    }

    /** The block from {@link #takeBlock()} was given up on (its records were diverted). */
    void dropped() {
        releasePending();
    }

    private void releasePending() {
        avroWriter = null;
        pending = null;
        header = null;
        pendingRecords = new ArrayList<>();
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
