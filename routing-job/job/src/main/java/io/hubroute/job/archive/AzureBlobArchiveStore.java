package io.hubroute.job.archive;

import com.azure.core.exception.HttpResponseException;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobContainerClientBuilder;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobListDetails;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.ListBlobsOptions;
import io.hubroute.sink.blob.BlobAuthentication;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An archive in a Blob Storage container. The container client is made on first use, where the
 * store is used (the client, on a task manager), and is not serialized. Errors say what failed with
 * the HTTP status and error code, never with the SDK's message or cause, which may quote the
 * connection string or a SAS URL.
 */
final class AzureBlobArchiveStore implements ArchiveStore {
    private static final long serialVersionUID = 1L;

    private final BlobAuthentication authentication;
    private final String containerName;
    private final String signIn;
    private transient volatile BlobContainerClient container;

    AzureBlobArchiveStore(BlobAuthentication authentication, String containerName, String signIn) {
        this.authentication = Objects.requireNonNull(authentication, "authentication");
        this.containerName = Objects.requireNonNull(containerName, "containerName");
        if (containerName.isBlank()) {
            throw new IllegalArgumentException("containerName must not be blank");
        }
        this.signIn = signIn;
    }

    /** How the store signs in, without the secret. */
    static String describeSignIn(BlobAuthentication authentication) {
        switch (authentication.kind()) {
            case CONNECTION_STRING:
                return "connection string";
            case SAS_URL:
                return "SAS URL";
            default:
                // An account URL is no secret.
                return "DefaultAzureCredential at " + authentication.secretValue();
        }
    }

    private BlobContainerClient container() {
        BlobContainerClient client = container;
        if (client != null) {
            return client;
        }
        BlobContainerClientBuilder builder = new BlobContainerClientBuilder();
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
            client = builder.containerName(containerName).buildClient();
        } catch (RuntimeException e) {
            // No cause and no SDK message: they may quote the connection string.
            throw new IllegalArgumentException(
                    "cannot use the "
                            + signIn
                            + " for container '"
                            + containerName
                            + "' ("
                            + e.getClass().getSimpleName()
                            + "): check that it is a storage account connection string");
        }
        container = client;
        return client;
    }

    @Override
    public String name() {
        return containerName;
    }

    @Override
    public List<ArchiveBlob> list(String prefix) throws IOException {
        ListBlobsOptions options =
                new ListBlobsOptions()
                        .setDetails(new BlobListDetails().setRetrieveMetadata(true))
                        .setMaxResultsPerPage(5000);
        if (prefix != null && !prefix.isEmpty()) {
            options.setPrefix(prefix);
        }
        BlobContainerClient client = container();
        List<ArchiveBlob> blobs = new ArrayList<>();
        try {
            for (BlobItem item : client.listBlobs(options, null)) {
                if (isFolder(item)) {
                    continue;
                }
                Long size =
                        item.getProperties() == null
                                ? null
                                : item.getProperties().getContentLength();
                blobs.add(new ArchiveBlob(item.getName(), size == null ? 0 : size));
            }
        } catch (RuntimeException e) {
            throw new IOException(
                    "cannot list container '" + containerName + "': " + describe(e) + fix(e));
        }
        blobs.sort(Comparator.comparing(ArchiveBlob::name));
        return blobs;
    }

    /** A folder of a hierarchical-namespace account (ADLS Gen2) lists as an empty blob. */
    private static boolean isFolder(BlobItem item) {
        Map<String, String> metadata = item.getMetadata();
        return metadata != null && "true".equalsIgnoreCase(metadata.get("hdi_isfolder"));
    }

    @Override
    public InputStream open(String blobName) throws IOException {
        BlobContainerClient client = container();
        try {
            return client.getBlobClient(blobName).openInputStream();
        } catch (RuntimeException e) {
            throw new IOException(
                    "cannot open blob '"
                            + blobName
                            + "' of container '"
                            + containerName
                            + "': "
                            + describe(e));
        }
    }

    /** The status and error code of a storage error, or the exception's kind; never a message. */
    static String describe(Throwable failure) {
        if (failure instanceof BlobStorageException) {
            BlobStorageException storage = (BlobStorageException) failure;
            return "HTTP "
                    + storage.getStatusCode()
                    + (storage.getErrorCode() == null ? "" : " " + storage.getErrorCode());
        }
        if (failure instanceof HttpResponseException
                && ((HttpResponseException) failure).getResponse() != null) {
            return "HTTP " + ((HttpResponseException) failure).getResponse().getStatusCode();
        }
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == failure
                ? failure.getClass().getSimpleName()
                : failure.getClass().getSimpleName()
                        + " caused by "
                        + root.getClass().getSimpleName();
    }

    private String fix(RuntimeException e) {
        if (e instanceof BlobStorageException) {
            int status = ((BlobStorageException) e).getStatusCode();
            if (status == 404) {
                return ": check the container name";
            }
            if (status == 401 || status == 403) {
                return ": check the "
                        + signIn
                        + " (its key, or the SAS token's rights: list and read)";
            }
        }
        return ": check that the storage account is reachable";
    }

    @Override
    public String toString() {
        return "container '" + containerName + "' (" + signIn + ")";
    }
}
