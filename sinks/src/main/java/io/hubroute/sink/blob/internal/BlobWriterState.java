package io.hubroute.sink.blob.internal;

import java.util.List;
import java.util.Objects;

/**
 * What a writer checkpoints: its batches still open (blocks staged, not yet committed) and, per
 * base blob name, the next sequence number, so that a restored writer never reuses a blob name.
 */
public record BlobWriterState(List<OpenBatch> openBatches, List<SequenceCounter> sequences) {
    public BlobWriterState {
        openBatches = List.copyOf(openBatches);
        sequences = List.copyOf(sequences);
    }

    /**
     * An open batch.
     *
     * @param syncMarker the Avro sync marker (empty for JSON), so a restored writer appends data
     *     blocks to the same container file
     * @param headerStaged whether a staged block holds the Avro header
     * @param openedAtMillis wall-clock time the batch was opened; it closes a batch frequency later
     */
    public record OpenBatch(
            String blobName,
            int partition,
            long epochMinute,
            List<String> blockIds,
            boolean headerStaged,
            byte[] syncMarker,
            long records,
            long bytes,
            long openedAtMillis) {
        public OpenBatch {
            Objects.requireNonNull(blobName, "blobName");
            blockIds = List.copyOf(blockIds);
            Objects.requireNonNull(syncMarker, "syncMarker");
        }
    }

    /** The next sequence number for a base blob name, and when it was last used. */
    public record SequenceCounter(String baseName, int nextSequence, long lastUsedMillis) {
        public SequenceCounter {
            Objects.requireNonNull(baseName, "baseName");
        }
    }
}
