package io.hubroute.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

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

    /**
     * Whether a storage endpoint's connection string is a Flink file-system URI ({@code
     * file:///data/archive}, {@code s3://bucket/prefix}, {@code abfss://...}, {@code hdfs://...}):
     * a URI with a scheme other than {@code http(s)}. The endpoint then writes its files through
     * Flink's file systems. Account connection strings ({@code DefaultEndpointsProtocol=...}) and
     * SAS URLs are not.
     */
    public static boolean isFileSystemUri(String connectionString) {
        String trimmed = connectionString.trim();
        int colon = trimmed.indexOf(':');
        if (colon < 2) {
            // no scheme, or a one-letter one (a Windows drive letter)
            return false;
        }
        String scheme = trimmed.substring(0, colon).toLowerCase(Locale.ROOT);
        if (!scheme.matches("[a-z][a-z0-9+.-]*")
                || scheme.equals("http")
                || scheme.equals("https")) {
            return false;
        }
        return scheme.equals("file") || trimmed.startsWith("://", colon);
    }

    /**
     * What is wrong with the form of a file-system URI, or empty when nothing is: it must parse,
     * name an absolute path, and carry no query or fragment; {@code file://host/path} (two slashes)
     * is refused, since it names a host, not a folder. Never quotes the URI, which may hold
     * credentials.
     *
     * @return the problem and its fix, as {@code [problem, fix]}
     */
    public static Optional<String[]> fileSystemUriProblem(String uri) {
        String fix =
                "write file:///data/archive (three slashes) for a local folder, or s3://bucket/prefix,";
        fix += " abfss://container@account.dfs.core.windows.net/prefix, hdfs://namenode:8020/path";
        URI parsed;
        try {
            parsed = new URI(uri.trim());
        } catch (URISyntaxException e) {
            return Optional.of(
                    new String[] {
                        "is not a valid URI ("
                                + e.getReason()
                                + (e.getIndex() >= 0 ? " at index " + e.getIndex() : "")
                                + ")",
                        fix
                    });
        }
        if (parsed.getRawQuery() != null || parsed.getRawFragment() != null) {
            return Optional.of(
                    new String[] {
                        "has a query or a fragment, which a file system path cannot hold",
                        "give the file system's options (region, credentials) in Flink's"
                                + " configuration, not in the URI"
                    });
        }
        boolean file = "file".equalsIgnoreCase(parsed.getScheme());
        if (file && parsed.getRawAuthority() != null && !parsed.getRawAuthority().isEmpty()) {
            return Optional.of(
                    new String[] {
                        "names the host '"
                                + parsed.getHost()
                                + "' (file://"
                                + parsed.getHost()
                                + "/...), not a folder",
                        "write file:///" + parsed.getHost() + "/... (three slashes)"
                    });
        }
        String path = parsed.getPath();
        if (parsed.isOpaque() || path == null || (file && !path.startsWith("/"))) {
            return Optional.of(new String[] {"has no absolute path", fix});
        }
        return Optional.empty();
    }
}
