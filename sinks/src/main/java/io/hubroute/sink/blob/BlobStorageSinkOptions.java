package io.hubroute.sink.blob;

import io.hubroute.sink.DeadLetterEndpoint;
import io.hubroute.sink.FailurePolicy;
import io.hubroute.sink.RetryPolicy;
import io.hubroute.sink.internal.Redaction;
import java.io.Serializable;
import java.time.Duration;
import java.util.Optional;

/**
 * A Blob Storage endpoint's settings, checked and immutable; built by {@link
 * BlobStorageSinkBuilder}. {@link #toString()} never shows a secret.
 */
public final class BlobStorageSinkOptions implements Serializable {
    private static final long serialVersionUID = 1L;

    /** IoT Hub's default file name format. */
    public static final String DEFAULT_FILE_NAME_FORMAT =
            "{iothub}/{partition}/{YYYY}/{MM}/{DD}/{HH}/{mm}";

    private final String endpointName;
    private final BlobAuthentication authentication;
    private final String fileSystemUri;
    private final String containerName;
    private final boolean createContainerIfMissing;
    private final BlobEncoding encoding;
    private final String fileNameFormat;
    private final String hubName;
    private final long batchFrequencyMillis;
    private final long maxChunkSizeBytes;
    private final int blockSizeBytes;
    private final RetryPolicy retryPolicy;
    private final FailurePolicy failurePolicy;
    private final DeadLetterEndpoint deadLetterEndpoint;
    private final int maxOpenBatches;

    BlobStorageSinkOptions(
            String endpointName,
            BlobAuthentication authentication,
            String fileSystemUri,
            String containerName,
            boolean createContainerIfMissing,
            BlobEncoding encoding,
            String fileNameFormat,
            String hubName,
            long batchFrequencyMillis,
            long maxChunkSizeBytes,
            int blockSizeBytes,
            RetryPolicy retryPolicy,
            FailurePolicy failurePolicy,
            DeadLetterEndpoint deadLetterEndpoint,
            int maxOpenBatches) {
        this.endpointName = endpointName;
        this.authentication = authentication;
        this.fileSystemUri = fileSystemUri;
        this.containerName = containerName;
        this.createContainerIfMissing = createContainerIfMissing;
        this.encoding = encoding;
        this.fileNameFormat = fileNameFormat;
        this.hubName = hubName;
        this.batchFrequencyMillis = batchFrequencyMillis;
        this.maxChunkSizeBytes = maxChunkSizeBytes;
        this.blockSizeBytes = blockSizeBytes;
        this.retryPolicy = retryPolicy;
        this.failurePolicy = failurePolicy;
        this.deadLetterEndpoint = deadLetterEndpoint;
        this.maxOpenBatches = maxOpenBatches;
    }

    public String endpointName() {
        return endpointName;
    }

    /**
     * How the endpoint signs in to Blob Storage; null when it writes to a file system ({@link
     * #fileSystemUri()} is present), whose own configuration signs in.
     */
    public BlobAuthentication authentication() {
        return authentication;
    }

    /**
     * The Flink file-system URI the files go to ({@code file:///data/archive}, {@code
     * s3://bucket/prefix}, ...) instead of Blob Storage; empty for Blob Storage. May carry
     * credentials in its user info: never log it (this class's {@link #toString()} redacts it).
     */
    public Optional<String> fileSystemUri() {
        return Optional.ofNullable(fileSystemUri);
    }

    /**
     * The container; empty when a container SAS URL names it, or when files go right under the
     * file-system URI.
     */
    public Optional<String> containerName() {
        return Optional.ofNullable(containerName);
    }

    public boolean createContainerIfMissing() {
        return createContainerIfMissing;
    }

    public BlobEncoding encoding() {
        return encoding;
    }

    public String fileNameFormat() {
        return fileNameFormat;
    }

    public String hubName() {
        return hubName;
    }

    public Duration batchFrequency() {
        return Duration.ofMillis(batchFrequencyMillis);
    }

    public long maxChunkSizeBytes() {
        return maxChunkSizeBytes;
    }

    /**
     * The size at which buffered data is staged as a block, at most {@link #maxChunkSizeBytes()}.
     */
    public int blockSizeBytes() {
        return blockSizeBytes;
    }

    public RetryPolicy retryPolicy() {
        return retryPolicy;
    }

    public FailurePolicy failurePolicy() {
        return failurePolicy;
    }

    /**
     * The dead-letter endpoint, present exactly when the failure policy is {@link
     * FailurePolicy#DEAD_LETTER}.
     */
    public Optional<DeadLetterEndpoint> deadLetterEndpoint() {
        return Optional.ofNullable(deadLetterEndpoint);
    }

    /**
     * The most batches (blobs) one writer keeps open; opening one more closes the least recently
     * written one early.
     */
    public int maxOpenBatches() {
        return maxOpenBatches;
    }

    @Override
    public String toString() {
        return "BlobStorageSinkOptions{endpointName="
                + endpointName
                + (fileSystemUri == null
                        ? ", authentication=" + authentication
                        : ", fileSystemUri=" + Redaction.redactUri(fileSystemUri))
                + ", containerName="
                + containerName
                + ", encoding="
                + encoding
                + ", fileNameFormat="
                + fileNameFormat
                + ", hubName="
                + hubName
                + ", batchFrequency="
                + batchFrequencyMillis
                + "ms, maxChunkSizeBytes="
                + maxChunkSizeBytes
                + ", retryPolicy="
                + retryPolicy
                + ", failurePolicy="
                + failurePolicy
                + ", maxOpenBatches="
                + maxOpenBatches
                + (deadLetterEndpoint == null
                        ? ""
                        : ", deadLetterEndpoint=" + deadLetterEndpoint.endpointName())
                + "}";
    }
}
