package io.hubroute.config;

import java.util.List;
import java.util.Objects;

/**
 * The settings of a storage container endpoint, with IoT Hub's defaults and limits.
 *
 * @param fileNameFormat blob names; must hold every token of {@link #FILE_NAME_TOKENS}, in any
 *     order
 */
public record StorageSettings(
        String containerName,
        StorageEncoding encoding,
        String fileNameFormat,
        int batchFrequencyInSeconds,
        long maxChunkSizeInBytes) {
    public static final String DEFAULT_FILE_NAME_FORMAT =
            "{iothub}/{partition}/{YYYY}/{MM}/{DD}/{HH}/{mm}";
    public static final List<String> FILE_NAME_TOKENS =
            List.of("{iothub}", "{partition}", "{YYYY}", "{MM}", "{DD}", "{HH}", "{mm}");
    public static final int DEFAULT_BATCH_FREQUENCY_SECONDS = 300;
    public static final int MIN_BATCH_FREQUENCY_SECONDS = 60;
    public static final int MAX_BATCH_FREQUENCY_SECONDS = 720;
    public static final long DEFAULT_MAX_CHUNK_SIZE_BYTES = 314_572_800L;
    public static final long MIN_MAX_CHUNK_SIZE_BYTES = 10_485_760L;
    public static final long MAX_MAX_CHUNK_SIZE_BYTES = 524_288_000L;

    public StorageSettings {
        Objects.requireNonNull(containerName, "containerName");
        Objects.requireNonNull(encoding, "encoding");
        Objects.requireNonNull(fileNameFormat, "fileNameFormat");
    }
}
