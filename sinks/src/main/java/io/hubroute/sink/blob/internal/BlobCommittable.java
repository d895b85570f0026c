package io.hubroute.sink.blob.internal;

import java.util.List;
import java.util.Objects;

/**
 * A closed batch waiting for its checkpoint: the blob and the ids of its staged blocks, in order.
 *
 * @param blobName the blob's full name in the container
 * @param blockIds base64 block ids, all of one length, in file order
 * @param records the records in the blob (for metrics)
 * @param bytes the blob's size in bytes, exactly the sum of its blocks' sizes (for metrics, and for
 *     a file system to recognise its file once the blocks are gone)
 */
public record BlobCommittable(String blobName, List<String> blockIds, long records, long bytes) {
    public BlobCommittable {
        Objects.requireNonNull(blobName, "blobName");
        blockIds = List.copyOf(blockIds);
        if (blockIds.isEmpty()) {
            throw new IllegalArgumentException(
                    "a committable needs at least one block: " + blobName);
        }
    }
}
