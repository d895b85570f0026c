package io.hubroute.sink.blob.internal;

import io.hubroute.sink.blob.BlobStorageSinkOptions;
import java.io.IOException;

/**
 * An endpoint's container, as its options say: a Flink file system when it has a file-system URI,
 * else Blob Storage.
 */
final class BlobContainers {
    private BlobContainers() {}

    /** The writer's view. */
    static BlockStaging staging(BlobStorageSinkOptions options) throws IOException {
        return options.fileSystemUri().isPresent()
                ? FileSystemContainer.open(options)
                : BlobClients.blockStaging(BlobClients.containerClient(options));
    }

    /** The committer's view. */
    static BlockLists blockLists(BlobStorageSinkOptions options) throws IOException {
        return options.fileSystemUri().isPresent()
                ? FileSystemContainer.open(options)
                : BlobClients.blockLists(BlobClients.containerClient(options));
    }
}
