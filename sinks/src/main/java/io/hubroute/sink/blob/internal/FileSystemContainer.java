package io.hubroute.sink.blob.internal;

import io.hubroute.sink.blob.BlobStorageSinkOptions;
import io.hubroute.sink.internal.Redaction;
import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.flink.core.fs.UnsupportedFileSystemSchemeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Blob Storage endpoint's container on a Flink {@link FileSystem} ({@code file://}, {@code
 * s3://}, {@code abfss://}, {@code hdfs://}, any scheme Flink has a file system for): the same
 * files, through the same writer and committer, with the same exactly-once guarantee.
 *
 * <p>Layout: blob {@code name} is the file {@code <root>/<name>}; the root is the endpoint's URI,
 * followed by its container name as a folder when it has one. Block {@code id} of a blob is the
 * file {@code <root>/.hubroute-staging/<blob folder>/<id in hex>}, written whole (a retry
 * overwrites it; a block that a checkpoint counts is never written again). The blob folder is the
 * blob's name as one path segment ({@link #stagingFolderName}), so that removing it leaves no empty
 * folders.
 *
 * <p>Commit ({@link #commitNew}): the blocks are concatenated in order into a temporary file in the
 * blob's staging folder, which then takes the blob's name only if no file has it, and the staging
 * folder is deleted. On the local file system the temporary file is hard-linked to the name, which
 * fails when the name exists (never replaces) and makes the file appear whole at once. Elsewhere it
 * is renamed after a check that the name is free: HDFS (and ABFS with a hierarchical namespace)
 * rename atomically and refuse an existing target; object stores (S3, GCS) rename by copying, so
 * the file still appears whole, but another writer that takes the name between the check and the
 * copy could be overwritten (hubroute's own writers never share a name).
 *
 * <p>Idempotence ({@link #state}): a file has no block list, so a re-commit is recognised by what
 * is there. No file: {@code ABSENT} when every block is staged, else the commit is refused (blocks
 * missing, as Blob Storage's 400 for expired blocks). A file and every block still staged: {@code
 * SAME} exactly when the file's bytes are the blocks' concatenation (a commit interrupted before
 * its clean-up). A file and blocks gone: only a commit deletes blocks, after its file is in place,
 * so {@code SAME} when the file has the committable's length; otherwise the file is someone else's
 * ({@code OTHER}), and never overwritten.
 *
 * <p>Failures: the file system's {@link IOException}s are thrown as {@link UncheckedIOException}
 * and are transient ({@link BlobClients#isTransient}); refusals are {@link
 * StorageRefusedException}s. Blocks are synced before a checkpoint counts them ({@link
 * FSDataOutputStream#sync()}; object stores make a file durable when it is closed).
 */
public final class FileSystemContainer implements BlockStaging, BlockLists {
    private static final Logger LOG = LoggerFactory.getLogger(FileSystemContainer.class);

    /** The hidden folder (in the root) that holds staged blocks. */
    public static final String STAGING_FOLDER = ".hubroute-staging";

    private static final String TEMPORARY_PREFIX = ".commit-";
    private static final int MAX_STAGING_FOLDER_NAME = 200;
    private static final int COPY_BUFFER_BYTES = 64 * 1024;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final String endpointName;
    private final FileSystem fileSystem;
    private final String scheme;
    private final String authority;

    /** The root's path, without a trailing slash ("" for the root of a bucket). */
    private final String rootPath;

    private final boolean local;
    private final String location;

    private FileSystemContainer(
            String endpointName, FileSystem fileSystem, URI root, String redactedRoot) {
        this.endpointName = endpointName;
        this.fileSystem = fileSystem;
        this.scheme = root.getScheme();
        this.authority = root.getAuthority();
        this.rootPath = withoutTrailingSlashes(root.getPath() == null ? "" : root.getPath());
        this.local = "file".equalsIgnoreCase(scheme) && !fileSystem.isDistributedFS();
        this.location = "folder '" + redactedRoot + "'";
    }

    /**
     * The endpoint's container: its file-system URI, and its container name as a folder when it has
     * one.
     *
     * @throws IllegalArgumentException naming the endpoint and the fix when Flink has no file
     *     system for the URI's scheme
     * @throws IOException when the file system cannot be set up (its configuration, the network)
     */
    static FileSystemContainer open(BlobStorageSinkOptions options) throws IOException {
        String uri = options.fileSystemUri().orElseThrow();
        URI root = root(uri, options.containerName().orElse(null));
        String redactedRoot = Redaction.redactUri(root.toString());
        FileSystem fileSystem;
        try {
            fileSystem = FileSystem.get(root);
        } catch (UnsupportedFileSystemSchemeException e) {
            throw new IllegalArgumentException(
                    "endpoint '"
                            + options.endpointName()
                            + "': no Flink file system for scheme '"
                            + root.getScheme()
                            + "' (file-system URI '"
                            + Redaction.redactUri(uri)
                            + "'): "
                            + fixForScheme(root.getScheme()));
        }
        return new FileSystemContainer(options.endpointName(), fileSystem, root, redactedRoot);
    }

    /** A container over a given file system, for tests. */
    static FileSystemContainer of(String endpointName, FileSystem fileSystem, URI root) {
        return new FileSystemContainer(
                endpointName, fileSystem, root, Redaction.redactUri(root.toString()));
    }

    /**
     * Checks a file-system URI as {@code setFileSystemUri} gets it, and returns it trimmed. Only
     * its form: whether Flink has a file system for the scheme is known where the job runs
     * (plugins).
     *
     * @throws IllegalArgumentException saying what is wrong and how to write it, never quoting a
     *     secret
     */
    public static String checkUri(String fileSystemUri) {
        String text = fileSystemUri.trim();
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            // no cause and no quote: the URI may carry credentials
            throw new IllegalArgumentException(
                    "file-system URI is not a valid URI ("
                            + e.getReason()
                            + (e.getIndex() >= 0 ? " at index " + e.getIndex() : "")
                            + "): write scheme://authority/path, e.g. file:///data/archive or"
                            + " s3://bucket/prefix");
        }
        String shown = Redaction.redactUri(text);
        String scheme = uri.getScheme();
        if (scheme == null) {
            throw new IllegalArgumentException(
                    "file-system URI '"
                            + shown
                            + "' has no scheme: write file:///data/archive for a local folder, or"
                            + " s3://bucket/prefix, abfss://container@account.dfs.core.windows.net/prefix,"
                            + " hdfs://namenode/path");
        }
        String lower = scheme.toLowerCase(Locale.ROOT);
        if (lower.equals("http") || lower.equals("https")) {
            throw new IllegalArgumentException(
                    "file-system URI '"
                            + shown
                            + "' is an http(s) URL, not a Flink file system: for a Blob Storage SAS"
                            + " URL call setSasUrl(...)");
        }
        String path = uri.getPath();
        if (uri.isOpaque() || (path != null && !path.isEmpty() && !path.startsWith("/"))) {
            throw new IllegalArgumentException(
                    "file-system URI '"
                            + shown
                            + "' has a relative path: write an absolute one, e.g."
                            + " file:///data/archive or s3://bucket/prefix");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException(
                    "file-system URI '"
                            + shown
                            + "' has a query or fragment: remove the '?...' or '#...' part; a Flink"
                            + " file system takes its settings (credentials, endpoint) from Flink's"
                            + " configuration");
        }
        if (lower.equals("file")
                && uri.getRawAuthority() != null
                && !uri.getRawAuthority().isEmpty()) {
            throw new IllegalArgumentException(
                    "file-system URI '"
                            + shown
                            + "' names host '"
                            + uri.getRawAuthority()
                            + "', which a local folder has not: write file:///"
                            + uri.getRawAuthority()
                            + uri.getRawPath()
                            + " (three slashes)");
        }
        return text;
    }

    /**
     * The root: the URI, with the container name as a folder when there is one; without a trailing
     * slash.
     */
    static URI root(String fileSystemUri, String containerName) {
        URI uri = URI.create(fileSystemUri.trim());
        String path = withoutTrailingSlashes(uri.getPath() == null ? "" : uri.getPath());
        if (containerName != null) {
            path = path + "/" + containerName;
        }
        try {
            return new URI(uri.getScheme(), uri.getAuthority(), path, null, null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(
                    "file-system URI '"
                            + Redaction.redactUri(fileSystemUri)
                            + "': "
                            + e.getReason());
        }
    }

    private static String fixForScheme(String scheme) {
        switch (scheme.toLowerCase(Locale.ROOT)) {
            case "s3":
            case "s3a":
                return "add Flink's flink-s3-fs-hadoop plugin (copy opt/flink-s3-fs-hadoop-*.jar into"
                        + " plugins/s3-fs-hadoop/), or flink-s3-fs-presto for s3://";
            case "s3p":
                return "add Flink's flink-s3-fs-presto plugin (copy opt/flink-s3-fs-presto-*.jar into"
                        + " plugins/s3-fs-presto/)";
            case "abfs":
            case "abfss":
            case "wasb":
            case "wasbs":
                return "add Flink's flink-azure-fs-hadoop plugin (copy"
                        + " opt/flink-azure-fs-hadoop-*.jar into plugins/azure-fs-hadoop/)";
            case "gs":
                return "add Flink's flink-gs-fs-hadoop plugin (copy opt/flink-gs-fs-hadoop-*.jar"
                        + " into plugins/gs-fs-hadoop/)";
            case "oss":
                return "add Flink's flink-oss-fs-hadoop plugin (copy opt/flink-oss-fs-hadoop-*.jar"
                        + " into plugins/oss-fs-hadoop/)";
            case "hdfs":
            case "viewfs":
                return "put Hadoop on Flink's class path (export HADOOP_CLASSPATH=`hadoop"
                        + " classpath`)";
            default:
                return "add the Flink file-system plugin for '"
                        + scheme
                        + "' to Flink's plugins/ folder, or check the scheme's spelling";
        }
    }

    // --- BlockStaging: the writer's view ---------------------------------------------------

    /** Makes the root folder; files and folders under it are made as they are written anyway. */
    @Override
    public void createContainerIfMissing() {
        try {
            fileSystem.mkdirs(path(rootPath.isEmpty() ? "/" : ""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public boolean exists(String blobName) {
        try {
            return fileSystem.exists(blobPath(blobName));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stageBlock(String blobName, String blockId, byte[] data) {
        try (FSDataOutputStream out =
                fileSystem.create(blockPath(blobName, blockId), FileSystem.WriteMode.OVERWRITE)) {
            out.write(data);
            sync(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // --- BlockLists: the committer's view ---------------------------------------------------

    @Override
    public String location() {
        return location;
    }

    @Override
    public CommitState state(BlobCommittable committable) {
        String blobName = committable.blobName();
        try {
            FileStatus file = statusOrNull(blobPath(blobName));
            Map<String, Long> staged = staged(blobName);
            List<String> blockIds = committable.blockIds();
            int present = 0;
            long stagedLength = 0;
            for (int i = 0; i < blockIds.size(); i++) {
                Long length = staged.get(blockFileName(blockIds.get(i)));
                if (length != null) {
                    present++;
                    stagedLength += length;
                }
            }
            if (file == null) {
                if (present == blockIds.size()) {
                    return CommitState.ABSENT;
                }
                throw StorageRefusedException.blocksMissing(
                        (blockIds.size() - present)
                                + " of the blob's "
                                + blockIds.size()
                                + " staged blocks are missing from "
                                + Redaction.redactUri(stagingFolder(blobName).toString())
                                + " and no file has its name: something removed them, so these"
                                + " records cannot be written");
            }
            if (present == blockIds.size()) {
                // A commit that put the file in place but did not get to delete the blocks.
                return file.getLen() == stagedLength && sameBytes(file, blobName, blockIds)
                        ? CommitState.SAME
                        : CommitState.OTHER;
            }
            // Blocks gone: our commit deleted them once its file was in place.
            return file.getLen() == committable.bytes() ? CommitState.SAME : CommitState.OTHER;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void commitNew(String blobName, List<String> blockIds) {
        Path target = blobPath(blobName);
        Path temporary =
                path(stagingFolderPath(blobName) + "/" + TEMPORARY_PREFIX + UUID.randomUUID());
        try {
            if (fileSystem.exists(target)) {
                throw blobExists(blobName);
            }
            try (FSDataOutputStream out =
                    fileSystem.create(temporary, FileSystem.WriteMode.OVERWRITE)) {
                byte[] buffer = new byte[COPY_BUFFER_BYTES];
                for (int i = 0; i < blockIds.size(); i++) {
                    try (InputStream in = openBlock(blobName, blockIds.get(i))) {
                        copy(in, out, buffer);
                    }
                }
                sync(out);
            }
            moveIfAbsent(temporary, target, blobName);
        } catch (IOException e) {
            deleteQuietly(temporary);
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            deleteQuietly(temporary);
            throw e;
        }
        discardStaged(blobName);
    }

    /** Deletes the blob's staging folder: its blocks, and any left by attempts that failed. */
    @Override
    public void discardStaged(String blobName) {
        Path folder = stagingFolder(blobName);
        try {
            fileSystem.delete(folder, true);
        } catch (IOException e) {
            // The blob is in place; the blocks only take room.
            LOG.warn(
                    "Endpoint '{}' committed blob '{}' but could not delete its staged blocks in"
                            + " {}: delete that folder: {}",
                    endpointName,
                    blobName,
                    Redaction.redactUri(folder.toString()),
                    Redaction.describe(e));
        }
    }

    private InputStream openBlock(String blobName, String blockId) throws IOException {
        try {
            return fileSystem.open(blockPath(blobName, blockId));
        } catch (FileNotFoundException e) {
            throw StorageRefusedException.blocksMissing(
                    "staged block "
                            + blockId
                            + " is missing from "
                            + Redaction.redactUri(stagingFolder(blobName).toString())
                            + ": something removed it, so these records cannot be written");
        }
    }

    private void moveIfAbsent(Path temporary, Path target, String blobName) throws IOException {
        if (local) {
            java.nio.file.Path from = new File(temporary.getPath()).toPath();
            java.nio.file.Path to = new File(target.getPath()).toPath();
            Files.createDirectories(to.getParent());
            try {
                // link(2) fails when the name exists: never replaces, and the file is whole.
                Files.createLink(to, from);
                return;
            } catch (FileAlreadyExistsException e) {
                throw blobExists(blobName);
            } catch (UnsupportedOperationException | IOException e) {
                // A file system without hard links: a move that refuses an existing target.
                try {
                    Files.move(from, to);
                    return;
                } catch (FileAlreadyExistsException exists) {
                    throw blobExists(blobName);
                }
            }
        }
        Path parent = target.getParent();
        if (parent != null) {
            // HDFS renames only into a folder that exists; object stores ignore this.
            fileSystem.mkdirs(parent);
        }
        if (fileSystem.exists(target)) {
            throw blobExists(blobName);
        }
        boolean renamed;
        try {
            renamed = fileSystem.rename(temporary, target);
        } catch (IOException e) {
            // some file systems refuse an existing target with an exception, not false
            if (fileSystem.exists(target)) {
                throw blobExists(blobName);
            }
            throw e;
        }
        if (!renamed) {
            if (fileSystem.exists(target)) {
                throw blobExists(blobName);
            }
            throw new IOException(
                    "could not rename "
                            + Redaction.redactUri(temporary.toString())
                            + " to "
                            + Redaction.redactUri(target.toString()));
        }
    }

    private StorageRefusedException blobExists(String blobName) {
        return StorageRefusedException.blobExists(
                "a file named '" + blobName + "' exists in " + location);
    }

    private boolean sameBytes(FileStatus file, String blobName, List<String> blockIds)
            throws IOException {
        byte[] expected = new byte[COPY_BUFFER_BYTES];
        byte[] actual = new byte[COPY_BUFFER_BYTES];
        try (InputStream in = fileSystem.open(file.getPath())) {
            for (int i = 0; i < blockIds.size(); i++) {
                try (InputStream block = openBlock(blobName, blockIds.get(i))) {
                    int read;
                    while ((read = block.readNBytes(expected, 0, expected.length)) > 0) {
                        if (in.readNBytes(actual, 0, read) != read
                                || !Arrays.equals(expected, 0, read, actual, 0, read)) {
                            return false;
                        }
                    }
                }
            }
            return in.read() < 0;
        }
    }

    /** The blob's staged block files, by file name, with their lengths. */
    private Map<String, Long> staged(String blobName) throws IOException {
        FileStatus[] statuses;
        try {
            statuses = fileSystem.listStatus(stagingFolder(blobName));
        } catch (FileNotFoundException e) {
            statuses = null;
        }
        Map<String, Long> staged = new HashMap<>();
        if (statuses != null) {
            for (FileStatus status : statuses) {
                if (!status.isDir()) {
                    staged.put(status.getPath().getName(), status.getLen());
                }
            }
        }
        return staged;
    }

    private FileStatus statusOrNull(Path path) throws IOException {
        try {
            return fileSystem.getFileStatus(path);
        } catch (FileNotFoundException e) {
            return null;
        }
    }

    private void deleteQuietly(Path path) {
        try {
            fileSystem.delete(path, false);
        } catch (IOException | RuntimeException e) {
            LOG.debug("Could not delete {}", path, e);
        }
    }

    private static void sync(FSDataOutputStream out) throws IOException {
        out.flush();
        try {
            out.sync();
        } catch (UnsupportedOperationException e) {
            // an object store: the file is durable once closed
        }
    }

    private static void copy(InputStream in, OutputStream out, byte[] buffer) throws IOException {
        int read;
        while ((read = in.read(buffer)) >= 0) {
            out.write(buffer, 0, read);
        }
    }

    Path blobPath(String blobName) {
        return path("/" + blobName);
    }

    Path stagingFolder(String blobName) {
        return path(stagingFolderPath(blobName));
    }

    private String stagingFolderPath(String blobName) {
        return "/" + STAGING_FOLDER + "/" + stagingFolderName(blobName);
    }

    private Path blockPath(String blobName, String blockId) {
        return path(stagingFolderPath(blobName) + "/" + blockFileName(blockId));
    }

    private Path path(String relative) {
        return new Path(scheme, authority, rootPath + relative);
    }

    /**
     * The blob's name as one path segment: every byte but {@code A-Z a-z 0-9 - _} as {@code %XX}; a
     * long one shortened and made unique with its SHA-256.
     */
    static String stagingFolderName(String blobName) {
        StringBuilder name = new StringBuilder(blobName.length() + 16);
        BlobNameFormat.appendEscaped(name, blobName);
        if (name.length() <= MAX_STAGING_FOLDER_NAME) {
            return name.toString();
        }
        return name.substring(0, MAX_STAGING_FOLDER_NAME - 65) + "~" + hex(sha256(blobName));
    }

    /** The block id's bytes in hex: safe in any file system, one name per id. */
    static String blockFileName(String blockId) {
        return hex(blockId.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static String hex(byte[] bytes) {
        char[] text = new char[bytes.length * 2];
        for (int i = 0; i < bytes.length; i++) {
            text[2 * i] = HEX[(bytes[i] >> 4) & 0xf];
            text[2 * i + 1] = HEX[bytes[i] & 0xf];
        }
        return new String(text);
    }

    private static String withoutTrailingSlashes(String path) {
        int end = path.length();
        while (end > 0 && path.charAt(end - 1) == '/') {
            end--;
        }
        return path.substring(0, end);
    }
}
