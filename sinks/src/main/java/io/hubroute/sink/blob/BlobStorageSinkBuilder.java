package io.hubroute.sink.blob;

import io.hubroute.sink.DeadLetterEndpoint;
import io.hubroute.sink.FailurePolicy;
import io.hubroute.sink.RetryPolicy;
import io.hubroute.sink.blob.internal.BlobNameFormat;
import io.hubroute.sink.blob.internal.FileSystemContainer;
import java.time.Duration;
import java.util.Objects;

/**
 * Builds a {@link BlobStorageSink}. Every setter checks its argument at once; {@link #build()}
 * checks that the settings fit together.
 *
 * <pre>{@code
 * BlobStorageSink sink = BlobStorageSink.builder()
 *     .setEndpointName("telemetry-archive")
 *     .setConnectionString(System.getenv("STORAGE_CONNECTION_STRING"))
 *     .setContainerName("telemetry")
 *     .setHubName("myhub")
 *     .setEncoding(BlobEncoding.AVRO)
 *     .setFileNameFormat("{iothub}/{partition}/{YYYY}/{MM}/{DD}/{HH}/{mm}")
 *     .setBatchFrequency(Duration.ofSeconds(300))
 *     .setMaxChunkSizeBytes(300L * 1024 * 1024)
 *     .build();
 * deliveries.sinkTo(sink).uid("sink-telemetry-archive");
 * }</pre>
 *
 * <p>The same files can go to a Flink file system instead ({@code file://}, {@code s3://}, {@code
 * abfss://}, {@code hdfs://}, ...): replace the connection string with {@link #setFileSystemUri}.
 *
 * <pre>{@code
 * BlobStorageSink sink = BlobStorageSink.builder()
 *     .setEndpointName("telemetry-archive")
 *     .setFileSystemUri("s3://archive-bucket/iot")   // files under s3://archive-bucket/iot/telemetry/
 *     .setContainerName("telemetry")
 *     .setHubName("myhub")
 *     .build();
 * }</pre>
 *
 * <p>Defaults are IoT Hub's: Avro, the default file name format, 300 s, 300 MiB, back-pressure
 * after the retry budget.
 */
public final class BlobStorageSinkBuilder {
    private static final int MAX_BLOCK_SIZE = 4 * 1024 * 1024;
    private static final int DEFAULT_MAX_OPEN_BATCHES = 64;

    private String endpointName;
    private BlobAuthentication authentication;
    private String fileSystemUri;
    private String containerName;
    private boolean createContainerIfMissing;
    private BlobEncoding encoding = BlobEncoding.AVRO;
    private String fileNameFormat = BlobStorageSinkOptions.DEFAULT_FILE_NAME_FORMAT;
    private String hubName;
    private Duration batchFrequency = Duration.ofSeconds(300);
    private long maxChunkSizeBytes = 300L * 1024 * 1024;
    private RetryPolicy retryPolicy = RetryPolicy.defaults();
    private FailurePolicy failurePolicy = FailurePolicy.BACKPRESSURE;
    private DeadLetterEndpoint deadLetterEndpoint;
    private int maxOpenBatches = DEFAULT_MAX_OPEN_BATCHES;

    BlobStorageSinkBuilder() {}

    /** The endpoint's name, as routes refer to it; used in metrics and logs. */
    public BlobStorageSinkBuilder setEndpointName(String endpointName) {
        this.endpointName = requireText(endpointName, "endpointName");
        return this;
    }

    /** Signs in with a storage account connection string. */
    public BlobStorageSinkBuilder setConnectionString(String connectionString) {
        this.authentication = BlobAuthentication.connectionString(connectionString);
        return this;
    }

    /**
     * Signs in with an account or container SAS URL; a container SAS URL also names the container.
     */
    public BlobStorageSinkBuilder setSasUrl(String sasUrl) {
        this.authentication = BlobAuthentication.sasUrl(sasUrl);
        return this;
    }

    /**
     * Signs in with {@code DefaultAzureCredential} at the account URL ({@code
     * https://account.blob.core.windows.net}).
     */
    public BlobStorageSinkBuilder setAccountUrlWithDefaultCredential(String accountUrl) {
        this.authentication = BlobAuthentication.defaultCredential(accountUrl);
        return this;
    }

    /**
     * Writes the files to a Flink file system instead of Blob Storage: {@code
     * file:///data/archive}, {@code s3://bucket/prefix}, {@code
     * abfss://container@account.dfs.core.windows.net/prefix}, {@code hdfs://namenode/path}; any
     * scheme Flink has a file system for (most need their plugin in Flink's {@code plugins/}
     * folder, looked for where the job runs). The files are those IoT Hub writes, with the same
     * names, in the folder {@code <uri>/<containerName>}, or right under the URI without a
     * container name. The file system's own configuration signs in: use this instead of a
     * connection string, SAS URL or default credential.
     *
     * @throws IllegalArgumentException when the URI has no scheme, no absolute path, or a query
     */
    public BlobStorageSinkBuilder setFileSystemUri(String fileSystemUri) {
        requireText(fileSystemUri, "fileSystemUri");
        try {
            this.fileSystemUri = FileSystemContainer.checkUri(fileSystemUri);
        } catch (IllegalArgumentException e) {
            if (endpointName == null) {
                throw e;
            }
            throw new IllegalArgumentException(
                    "endpoint '" + endpointName + "': " + e.getMessage());
        }
        return this;
    }

    /** The container the blobs go to (3-63 lower-case letters, digits and dashes). */
    public BlobStorageSinkBuilder setContainerName(String containerName) {
        requireText(containerName, "containerName");
        if (!containerName.matches("[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]")) {
            throw new IllegalArgumentException(
                    "container name '"
                            + containerName
                            + "' is not valid: use 3-63 lower-case letters, digits and single dashes, starting and ending with a letter or digit");
        }
        this.containerName = containerName;
        return this;
    }

    /**
     * Creates the container when it does not exist (needs the right to; off by default, as on IoT
     * Hub). On a file system it makes the folder at start; folders are made as files are written
     * anyway.
     */
    public BlobStorageSinkBuilder setCreateContainerIfMissing(boolean createContainerIfMissing) {
        this.createContainerIfMissing = createContainerIfMissing;
        return this;
    }

    public BlobStorageSinkBuilder setEncoding(BlobEncoding encoding) {
        this.encoding = Objects.requireNonNull(encoding, "encoding");
        return this;
    }

    /**
     * The blob name pattern with IoT Hub's tokens {@code {iothub}}, {@code {partition}}, {@code
     * {YYYY}}, {@code {MM}}, {@code {DD}}, {@code {HH}}, {@code {mm}}; all must appear, in any
     * order.
     */
    public BlobStorageSinkBuilder setFileNameFormat(String fileNameFormat) {
        BlobNameFormat.parse(requireText(fileNameFormat, "fileNameFormat"));
        this.fileNameFormat = fileNameFormat;
        return this;
    }

    /** The hub's name, the value of {@code {iothub}}. */
    public BlobStorageSinkBuilder setHubName(String hubName) {
        this.hubName = requireText(hubName, "hubName");
        return this;
    }

    /**
     * How long a batch stays open before it is closed (IoT Hub allows 60 to 720 s; here at least 1
     * s). A closed batch becomes visible when the next checkpoint completes.
     */
    public BlobStorageSinkBuilder setBatchFrequency(Duration batchFrequency) {
        Objects.requireNonNull(batchFrequency, "batchFrequency");
        if (batchFrequency.toMillis() < 1000) {
            throw new IllegalArgumentException(
                    "batchFrequency must be at least 1 s, got "
                            + batchFrequency.toMillis()
                            + " ms");
        }
        this.batchFrequency = batchFrequency;
        return this;
    }

    /**
     * The size at which a batch is closed before its time is up (IoT Hub allows 10 to 500 MiB; here
     * at least 1 KiB). Measured before compression.
     */
    public BlobStorageSinkBuilder setMaxChunkSizeBytes(long maxChunkSizeBytes) {
        if (maxChunkSizeBytes < 1024) {
            throw new IllegalArgumentException(
                    "maxChunkSizeBytes must be at least 1024, got " + maxChunkSizeBytes);
        }
        this.maxChunkSizeBytes = maxChunkSizeBytes;
        return this;
    }

    /**
     * The most batches (blobs) each writer keeps open at once (default 64; at least 1). A batch is
     * one partition and minute of enqueued time; catching up on a backlog that spans many minutes
     * would otherwise open one per minute. Opening one more closes the least recently written batch
     * early: it becomes a blob of its own at the next checkpoint, and a later record of its minute
     * starts another ({@code <name>_<subtask>_<n>}). Memory per writer stays within about this many
     * blocks (see {@link #setMaxChunkSizeBytes}: a block is at most 4 MiB).
     */
    public BlobStorageSinkBuilder setMaxOpenBatches(int maxOpenBatches) {
        if (maxOpenBatches < 1) {
            throw new IllegalArgumentException(
                    "maxOpenBatches must be at least 1, got " + maxOpenBatches);
        }
        this.maxOpenBatches = maxOpenBatches;
        return this;
    }

    public BlobStorageSinkBuilder setRetryPolicy(RetryPolicy retryPolicy) {
        this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
        return this;
    }

    /** Back-pressure (the default) after the retry budget: nothing is lost, the job slows down. */
    public BlobStorageSinkBuilder setBackpressureAfterRetries() {
        this.failurePolicy = FailurePolicy.BACKPRESSURE;
        this.deadLetterEndpoint = null;
        return this;
    }

    /**
     * Diverts the messages of a block that failed for the whole retry budget to {@code
     * deadLetterEndpoint}, with the failure recorded on each; the blob goes on without them.
     */
    public BlobStorageSinkBuilder setDeadLetterAfterRetries(DeadLetterEndpoint deadLetterEndpoint) {
        this.deadLetterEndpoint = Objects.requireNonNull(deadLetterEndpoint, "deadLetterEndpoint");
        this.failurePolicy = FailurePolicy.DEAD_LETTER;
        return this;
    }

    public BlobStorageSink build() {
        if (endpointName == null) {
            throw new IllegalStateException("no endpoint name: call setEndpointName(...)");
        }
        if (authentication == null && fileSystemUri == null) {
            throw new IllegalStateException(
                    "endpoint '"
                            + endpointName
                            + "' has no credentials: call setConnectionString(...), setSasUrl(...) or setAccountUrlWithDefaultCredential(...), or setFileSystemUri(...) to write to a file system");
        }
        if (authentication != null && fileSystemUri != null) {
            throw new IllegalStateException(
                    "endpoint '"
                            + endpointName
                            + "' has both a file-system URI and Blob Storage credentials ("
                            + authentication.kind()
                            + "): call either setFileSystemUri(...) or setConnectionString(...) / setSasUrl(...) / setAccountUrlWithDefaultCredential(...), not both");
        }
        if (hubName == null) {
            throw new IllegalStateException(
                    "endpoint '"
                            + endpointName
                            + "' has no hub name for {iothub}: call setHubName(...)");
        }
        boolean containerInUrl =
                authentication != null
                        && authentication.kind() == BlobAuthentication.Kind.SAS_URL
                        && BlobNameFormat.containerOfUrl(authentication.secretValue()) != null;
        if (containerName == null && !containerInUrl && fileSystemUri == null) {
            throw new IllegalStateException(
                    "endpoint '"
                            + endpointName
                            + "' has no container: call setContainerName(...) or pass a container SAS URL");
        }
        if (deadLetterEndpoint != null && deadLetterEndpoint.endpointName().equals(endpointName)) {
            throw new IllegalStateException(
                    "endpoint '"
                            + endpointName
                            + "' cannot be its own dead-letter endpoint: name another one");
        }
        int blockSize = (int) Math.min(MAX_BLOCK_SIZE, maxChunkSizeBytes);
        return new BlobStorageSink(
                new BlobStorageSinkOptions(
                        endpointName,
                        authentication,
                        fileSystemUri,
                        containerName,
                        createContainerIfMissing,
                        encoding,
                        fileNameFormat,
                        hubName,
                        batchFrequency.toMillis(),
                        maxChunkSizeBytes,
                        blockSize,
                        retryPolicy,
                        failurePolicy,
                        deadLetterEndpoint,
                        maxOpenBatches));
    }

    private static String requireText(String value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
        return value;
    }
}
