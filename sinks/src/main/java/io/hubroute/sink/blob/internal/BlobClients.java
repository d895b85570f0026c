package io.hubroute.sink.blob.internal;

import com.azure.core.exception.HttpResponseException;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobContainerClientBuilder;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.Block;
import com.azure.storage.blob.models.BlockList;
import com.azure.storage.blob.models.BlockListType;
import com.azure.storage.blob.options.BlockBlobCommitBlockListOptions;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import io.hubroute.sink.blob.BlobAuthentication;
import io.hubroute.sink.blob.BlobStorageSinkOptions;
import io.hubroute.sink.internal.Redaction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Builds the container client of an endpoint, gives the writer and the committer their views of it,
 * and classifies the failures of either kind of container ({@link FileSystemContainer}'s too).
 */
final class BlobClients {
    private static final Duration TRY_TIMEOUT = Duration.ofSeconds(60);

    /** {@code If-None-Match: *}: the request succeeds only when the blob does not exist. */
    private static final String ANY_ETAG = "*";

    private BlobClients() {}

    static BlobContainerClient containerClient(BlobStorageSinkOptions options) {
        // The SDK tries once; hubroute's RetryPolicy does the retrying, so health and metrics see
        // it.
        RequestRetryOptions sdkRetry =
                new RequestRetryOptions(
                        RetryPolicyType.FIXED,
                        1,
                        TRY_TIMEOUT,
                        Duration.ofMillis(1),
                        Duration.ofMillis(1),
                        null);
        BlobContainerClientBuilder builder =
                new BlobContainerClientBuilder().retryOptions(sdkRetry);
        BlobAuthentication authentication = options.authentication();
        try {
            switch (authentication.kind()) {
                case CONNECTION_STRING:
                    builder.connectionString(authentication.secretValue());
                    break;
                case SAS_URL:
                    builder.endpoint(authentication.secretValue());
                    break;
                default:
                    builder.endpoint(authentication.secretValue())
                            .credential(new DefaultAzureCredentialBuilder().build());
                    break;
            }
            if (options.containerName().isPresent()) {
                builder.containerName(options.containerName().get());
            }
            return builder.buildClient();
        } catch (RuntimeException e) {
            // No cause: SDK messages about a malformed connection string may quote it.
            throw new IllegalArgumentException(
                    "endpoint '"
                            + options.endpointName()
                            + "': cannot use its "
                            + authentication.kind()
                            + " ("
                            + Redaction.describe(e)
                            + "): check the endpoint's credentials");
        }
    }

    /** The writer's view of the container. */
    static BlockStaging blockStaging(BlobContainerClient container) {
        return new ContainerBlockStaging(container);
    }

    /** The committer's view of the container. */
    static BlockLists blockLists(BlobContainerClient container) {
        return new ContainerBlockLists(container);
    }

    /**
     * Whether retrying may help: timeouts, throttling, server errors and network errors (a file
     * system's {@link java.io.IOException}s among them); not a refusal, nor an illegal argument.
     */
    static boolean isTransient(Throwable failure) {
        if (failure instanceof StorageRefusedException) {
            return false;
        }
        if (failure instanceof HttpResponseException) {
            int status = ((HttpResponseException) failure).getResponse().getStatusCode();
            return status == 408 || status == 429 || status >= 500;
        }
        if (isPermissionDenied(failure)) {
            // a file system's 403: retrying cannot help, and back-pressure would wait for ever
            return false;
        }
        return !(failure instanceof IllegalArgumentException);
    }

    /**
     * Whether a file system refused for lack of permission: the JDK's {@code AccessDeniedException}
     * (local files) or Hadoop's {@code AccessControlException} (HDFS, and the object-store file
     * systems built on it), anywhere in the cause chain.
     */
    private static boolean isPermissionDenied(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof java.nio.file.AccessDeniedException
                    || cause.getClass().getSimpleName().equals("AccessControlException")) {
                return true;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }

    /**
     * Whether a commit failed because a blob of that name exists (or, for HTTP 409 and 412, a lease
     * or a policy stands in the way: the committer looks).
     */
    static boolean isConflict(Throwable failure) {
        if (failure instanceof StorageRefusedException) {
            return ((StorageRefusedException) failure).blobExists();
        }
        int status = statusCode(failure);
        return status == 409 || status == 412;
    }

    static int statusCode(Throwable failure) {
        return failure instanceof HttpResponseException
                ? ((HttpResponseException) failure).getResponse().getStatusCode()
                : -1;
    }

    private static final class ContainerBlockStaging implements BlockStaging {
        private final BlobContainerClient container;

        ContainerBlockStaging(BlobContainerClient container) {
            this.container = container;
        }

        @Override
        public void createContainerIfMissing() {
            container.createIfNotExists();
        }

        @Override
        public boolean exists(String blobName) {
            return Boolean.TRUE.equals(container.getBlobClient(blobName).exists());
        }

        @Override
        public void stageBlock(String blobName, String blockId, byte[] data) {
            container
                    .getBlobClient(blobName)
                    .getBlockBlobClient()
                    .stageBlock(blockId, BinaryData.fromBytes(data));
        }
    }

    private static final class ContainerBlockLists implements BlockLists {
        private final BlobContainerClient container;

        ContainerBlockLists(BlobContainerClient container) {
            this.container = container;
        }

        @Override
        public String location() {
            return "container '" + container.getBlobContainerName() + "'";
        }

        @Override
        public CommitState state(BlobCommittable committable) {
            Optional<List<String>> committed = committed(committable.blobName());
            if (committed.isEmpty()) {
                return CommitState.ABSENT;
            }
            return committed.get().equals(committable.blockIds())
                    ? CommitState.SAME
                    : CommitState.OTHER;
        }

        /**
         * The blob's committed block ids in order; empty when no committed blob of that name exists
         * (none at all, or one that holds only staged blocks). A blob written whole, without
         * blocks, has an empty list.
         */
        private Optional<List<String>> committed(String blobName) {
            BlockList list;
            try {
                list =
                        blobClient(blobName)
                                .getBlockBlobClient()
                                .listBlocks(BlockListType.COMMITTED);
            } catch (RuntimeException e) {
                if (statusCode(e) == 404) {
                    return Optional.empty();
                }
                throw e;
            }
            List<Block> blocks = list.getCommittedBlocks();
            if (blocks == null || blocks.isEmpty()) {
                // No committed block: a blob that holds only staged blocks (ours, not committed
                // yet) is no blob; one written whole (Put Blob) is, with an empty block list.
                return blobClient(blobName).exists() ? Optional.of(List.of()) : Optional.empty();
            }
            List<String> blockIds = new ArrayList<>(blocks.size());
            for (int i = 0; i < blocks.size(); i++) {
                blockIds.add(blocks.get(i).getName());
            }
            return Optional.of(blockIds);
        }

        private BlobClient blobClient(String blobName) {
            return container.getBlobClient(blobName);
        }

        @Override
        public void commitNew(String blobName, List<String> blockIds) {
            blobClient(blobName)
                    .getBlockBlobClient()
                    .commitBlockListWithResponse(
                            new BlockBlobCommitBlockListOptions(blockIds)
                                    .setRequestConditions(
                                            new BlobRequestConditions().setIfNoneMatch(ANY_ETAG)),
                            null,
                            Context.NONE);
        }
    }
}
