package io.hubroute.job.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hubroute.config.Secret;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local folder store, and what the Blob Storage store shows of itself. Listing and reading a
 * real container (Azurite) is left to the end-to-end cases: this module has no Azurite test
 * dependency.
 */
class ArchiveStoreTest {
    private static final String ACCOUNT_KEY = "c2VjcmV0LWtleS10aGF0LW11c3Qtbm90LWxlYWs=";
    private static final String CONNECTION_STRING =
            "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey="
                    + ACCOUNT_KEY
                    + ";BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;";

    @TempDir Path folder;

    private void write(String name, String content) throws IOException {
        Path file = folder.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    @Test
    void aFolderListsItsFilesByRelativeNameSorted() throws IOException {
        write("hub/1/2024/03/05/10/15", "bb");
        write("hub/0/2024/03/05/10/16", "c");
        write("hub/0/2024/03/05/10/15", "aaaa");
        write("other/x", "");
        Files.createDirectories(folder.resolve("hub/empty-dir"));
        ArchiveStore store = ArchiveStore.localFolder(folder);

        assertThat(store.list(null))
                .containsExactly(
                        new ArchiveBlob("hub/0/2024/03/05/10/15", 4),
                        new ArchiveBlob("hub/0/2024/03/05/10/16", 1),
                        new ArchiveBlob("hub/1/2024/03/05/10/15", 2),
                        new ArchiveBlob("other/x", 0));
        assertThat(store.list("hub/0/"))
                .extracting(ArchiveBlob::name)
                .containsExactly("hub/0/2024/03/05/10/15", "hub/0/2024/03/05/10/16");
        assertThat(store.list("hub/0/2024/03/05/10/1"))
                .extracting(ArchiveBlob::name)
                .containsExactly("hub/0/2024/03/05/10/15", "hub/0/2024/03/05/10/16");
        assertThat(store.list("nothing")).isEmpty();
        assertThat(store.name()).isEqualTo(folder.getFileName().toString());
        try (InputStream in = store.open("hub/1/2024/03/05/10/15")) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("bb");
        }
    }

    @Test
    void aFolderStoreSurvivesSerializationAndRefusesNamesOutsideIt() throws Exception {
        write("a/b", "x");
        ArchiveStore store = roundTrip(ArchiveStore.localFolder(folder));

        assertThat(store.list("")).extracting(ArchiveBlob::name).containsExactly("a/b");
        assertThatThrownBy(() -> store.open("../outside"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("is outside the archive folder");
        assertThatThrownBy(() -> ArchiveStore.localFolder(folder.resolve("missing")).list(""))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("archive folder does not exist");
    }

    @Test
    void aContainerStoreNeverShowsItsConnectionString() throws Exception {
        ArchiveStore referenced =
                ArchiveStore.azureBlob(
                        Secret.resolved("${env:ARCHIVE_STORAGE}", CONNECTION_STRING), "archive");
        ArchiveStore inline = ArchiveStore.azureBlob(Secret.inline(CONNECTION_STRING), "archive");

        assertThat(referenced.toString())
                .isEqualTo("container 'archive' (connection string ${env:ARCHIVE_STORAGE})");
        assertThat(inline.toString()).isEqualTo("container 'archive' (connection string <inline>)");
        assertThat(roundTrip(referenced).toString()).doesNotContain(ACCOUNT_KEY);
        assertThat(referenced.name()).isEqualTo("archive");
    }

    @Test
    void anUnresolvedConnectionStringSaysHowToResolveIt() {
        assertThatThrownBy(
                        () ->
                                ArchiveStore.azureBlob(
                                        Secret.unresolved("${env:ARCHIVE_STORAGE}"), "archive"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "connection string ${env:ARCHIVE_STORAGE} is not resolved: resolve its"
                                + " ${env:...} or ${file:...} reference (SecretReferences.resolve)"
                                + " first");
    }

    @Test
    void aMalformedConnectionStringIsRefusedWithoutEchoingIt() {
        ArchiveStore store =
                ArchiveStore.azureBlob(
                        Secret.inline("AccountKey=" + ACCOUNT_KEY + ";nonsense"), "archive");

        assertThatThrownBy(() -> store.list(""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(
                        "cannot use the connection string <inline> for container 'archive'")
                .hasMessageNotContaining(ACCOUNT_KEY)
                .hasNoCause();
    }

    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(T value) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        try (ObjectInputStream in =
                new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (T) in.readObject();
        }
    }
}
