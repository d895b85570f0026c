package io.hubroute.sink.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The builder's file-system URI: one way to the storage, checked at once, never shown whole. */
class BlobStorageSinkBuilderTest {
    private static final String CONNECTION_STRING =
            "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;"
                    + "BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;";

    private static BlobStorageSinkBuilder sink() {
        return BlobStorageSink.builder().setEndpointName("archive").setHubName("hub");
    }

    @Test
    void aFileSystemUriNeedsNoCredentialsNorContainer() {
        BlobStorageSinkOptions options =
                sink().setFileSystemUri("file:///data/archive").build().options();

        assertThat(options.fileSystemUri()).contains("file:///data/archive");
        assertThat(options.authentication()).isNull();
        assertThat(options.containerName()).isEmpty();
        assertThat(options.toString())
                .contains("fileSystemUri=file:///data/archive")
                .doesNotContain("authentication=");
    }

    @Test
    void blobStorageEndpointsHaveNoFileSystemUri() {
        BlobStorageSinkOptions options =
                sink().setConnectionString(CONNECTION_STRING)
                        .setContainerName("archive")
                        .build()
                        .options();

        assertThat(options.fileSystemUri()).isEmpty();
        assertThat(options.authentication().kind())
                .isEqualTo(BlobAuthentication.Kind.CONNECTION_STRING);
    }

    @Test
    void credentialsInTheUriNeverShow() {
        BlobStorageSink sink =
                sink().setFileSystemUri("s3://AKIAEXAMPLE:topsecret@bucket/prefix")
                        .setContainerName("telemetry")
                        .build();

        assertThat(sink.toString())
                .contains("fileSystemUri=s3://***@bucket/prefix")
                .doesNotContain("topsecret")
                .doesNotContain("AKIAEXAMPLE");
    }

    @Test
    void aFileSystemUriAndBlobStorageCredentialsTogetherAreRefusedNamingTheEndpoint() {
        BlobStorageSinkBuilder both =
                sink().setConnectionString(CONNECTION_STRING)
                        .setContainerName("archive")
                        .setFileSystemUri("file:///data/archive");

        assertThatThrownBy(both::build)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(
                        "endpoint 'archive' has both a file-system URI and Blob Storage"
                                + " credentials (CONNECTION_STRING): call either"
                                + " setFileSystemUri(...) or setConnectionString(...) /"
                                + " setSasUrl(...) / setAccountUrlWithDefaultCredential(...), not"
                                + " both");
    }

    @Test
    void neitherIsRefusedNamingEveryWay() {
        assertThatThrownBy(() -> sink().setContainerName("archive").build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(
                        "endpoint 'archive' has no credentials: call setConnectionString(...),"
                                + " setSasUrl(...) or setAccountUrlWithDefaultCredential(...), or"
                                + " setFileSystemUri(...) to write to a file system");
    }

    @Test
    void aMalformedUriIsRefusedAtOnceNamingTheEndpoint() {
        assertThatThrownBy(() -> sink().setFileSystemUri("/data/archive"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(
                        "endpoint 'archive': file-system URI '/data/archive' has no scheme: write"
                                + " file:///data/archive");
        assertThatThrownBy(() -> BlobStorageSink.builder().setFileSystemUri(" "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("fileSystemUri must not be blank");
    }
}
