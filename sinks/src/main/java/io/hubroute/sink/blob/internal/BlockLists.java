package io.hubroute.sink.blob.internal;

import java.util.List;
import java.util.Optional;

/**
 * What the committer needs of a container: the committed block list of a blob, and committing one.
 * The Blob SDK's container client in production ({@link BlobClients#blockLists}); a hand-written
 * fake in tests.
 */
interface BlockLists {
    /** The blob's committed block ids in order; empty when the blob does not exist. */
    Optional<List<String>> committed(String blobName);

    /** Commits {@code blockIds} as the blob's content, replacing what it held. */
    void commit(String blobName, List<String> blockIds);
}
