package io.hubroute.sink.blob.internal;

/**
 * What the writer needs of a container: creating it, whether a blob exists, staging a block. The
 * Blob SDK's container client ({@link BlobClients#blockStaging}) or a Flink file system ({@link
 * FileSystemContainer}) in production; a hand-written fake in tests. Failures are runtime
 * exceptions: the SDK's, or the file system's {@link java.io.IOException}s as {@link
 * java.io.UncheckedIOException}.
 */
interface BlockStaging {
    /** Creates the container when it does not exist. */
    void createContainerIfMissing();

    /** Whether a committed blob of that name exists. */
    boolean exists(String blobName);

    /** Stages {@code data} as block {@code blockId} of the blob (uncommitted until the commit). */
    void stageBlock(String blobName, String blockId, byte[] data);
}
