package io.hubroute.sink.blob.internal;

import java.util.List;

/**
 * What the committer needs of a container: whether a committable's blob is committed already, and
 * committing one as a new blob. The Blob SDK's container client ({@link BlobClients#blockLists}) or
 * a Flink file system ({@link FileSystemContainer}) in production; a hand-written fake in tests.
 */
interface BlockLists {
    /** Whether a committable's blob exists, and with what. */
    enum CommitState {
        /** No blob of that name: commit it. */
        ABSENT,
        /** The blob holds exactly the committable's blocks: an earlier attempt committed it. */
        SAME,
        /** A blob of that name holds something else: it is never overwritten. */
        OTHER
    }

    /**
     * Where the blobs go, for messages: {@code container 'archive'} or {@code folder
     * 'file:/data/archive'}, never with a secret.
     */
    String location();

    /**
     * What is under the committable's blob name. Blob Storage compares the committed block list; a
     * blob that holds only staged blocks (ours, not committed yet) is {@link CommitState#ABSENT}.
     */
    CommitState state(BlobCommittable committable);

    /**
     * Commits {@code blockIds} as the content of a blob that does not exist yet ({@code
     * If-None-Match: *}): never replaces a blob. When the blob exists the call fails with HTTP 409
     * or 412 (Blob Storage) or a {@link StorageRefusedException#blobExists()} refusal (a file
     * system).
     */
    void commitNew(String blobName, List<String> blockIds);

    /**
     * Drops what is left of a committed blob's staged blocks (after a commit interrupted before its
     * clean-up). Blob Storage discards them itself; never fails.
     */
    default void discardStaged(String blobName) {}
}
