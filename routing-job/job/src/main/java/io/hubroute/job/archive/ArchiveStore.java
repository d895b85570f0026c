package io.hubroute.job.archive;

import io.hubroute.config.Secret;
import io.hubroute.sink.blob.BlobAuthentication;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.List;

/**
 * Where an archive's files are: a Blob Storage container or a local folder. Serializable, so it
 * travels with the Flink job; clients are made where it is used. {@link #toString()} names the
 * container or folder and never a secret.
 *
 * <pre>{@code
 * ArchiveStore store = ArchiveStore.azureBlob(resolvedConnectionString, "telemetry-archive");
 * List<ArchiveBlob> blobs = store.list("myhub/0/2024/03/");
 * try (InputStream in = store.open(blobs.get(0).name())) { ... }
 * }</pre>
 */
public interface ArchiveStore extends Serializable {
    /** The files under {@code folder}, named by their path relative to it with {@code /}. */
    static ArchiveStore localFolder(Path folder) {
        return new LocalFolderArchiveStore(folder);
    }

    /**
     * A Blob Storage container signed in with a connection string (Azure's, or Azurite's {@code
     * UseDevelopmentStorage=true} / account-key form).
     *
     * @param connectionString an inline or resolved secret ({@code ${env:...}} / {@code
     *     ${file:...}} resolved by {@code SecretReferences})
     * @throws IllegalArgumentException when the secret is an unresolved reference
     */
    static ArchiveStore azureBlob(Secret connectionString, String containerName) {
        String value =
                connectionString
                        .value()
                        .orElseThrow(
                                () ->
                                        new IllegalArgumentException(
                                                "connection string "
                                                        + connectionString
                                                        + " is not resolved: resolve its"
                                                        + " ${env:...} or ${file:...} reference"
                                                        + " (SecretReferences.resolve) first"));
        return new AzureBlobArchiveStore(
                BlobAuthentication.connectionString(value),
                containerName,
                "connection string " + connectionString);
    }

    /** A Blob Storage container signed in as a Blob Storage endpoint would be. */
    static ArchiveStore azureBlob(BlobAuthentication authentication, String containerName) {
        return new AzureBlobArchiveStore(
                authentication,
                containerName,
                AzureBlobArchiveStore.describeSignIn(authentication));
    }

    /** The container's or folder's name; a record's topic is {@code <name>/<blob name>}. */
    String name();

    /**
     * The files whose names start with {@code prefix} (null or empty: all), sorted by name.
     *
     * @throws IOException when the store cannot be listed, saying why (never with a secret)
     * @throws IllegalArgumentException when the sign-in cannot be used (a malformed connection
     *     string), saying so without quoting it
     */
    List<ArchiveBlob> list(String prefix) throws IOException;

    /**
     * Opens one file for streaming; the caller closes it.
     *
     * @throws IOException when it cannot be opened
     */
    InputStream open(String blobName) throws IOException;
}
