package io.hubroute.sink.blob.internal;

import java.util.List;
import java.util.Optional;

/**
 * What the committer needs of a container: the committed block list of a blob, and committing one
 * as a new blob. The Blob SDK's container client in production ({@link BlobClients#blockLists}); a
 * hand-written fake in tests.
 */
interface BlockLists {
    /** The container's name, for messages. */
    String containerName();

    /**
     * The blob's committed block ids in order; empty when no committed blob of that name exists
     * (none at all, or one that holds only staged blocks). A blob written whole, without blocks,
     * has an empty list.
     */
    Optional<List<String>> committed(String blobName);

    /**
     * Commits {@code blockIds} as the content of a blob that does not exist yet ({@code
     * If-None-Match: *}): never replaces a blob. When the blob exists the call fails with HTTP 409
     * or 412.
     */
    void commitNew(String blobName, List<String> blockIds);
}
