package io.hubroute.checkpoints;

import io.hubroute.job.RoutingJob;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.state.api.runtime.SavepointLoader;

/**
 * A savepoint's {@code _metadata}, checked before Flink reads it, so that a wrong path fails with
 * what was found there instead of a stack trace: no metadata file, a file that is not Flink
 * metadata, a metadata version this Flink does not read, a savepoint of another job.
 */
final class SavepointMetadata {
    static final String METADATA_FILE = "_metadata";

    /** The metadata versions Flink 2.2 reads (MetadataSerializers). */
    static final int NEWEST_VERSION = 6;

    private final String path;
    private final CheckpointMetadata metadata;

    private SavepointMetadata(String path, CheckpointMetadata metadata) {
        this.path = path;
        this.metadata = metadata;
    }

    /**
     * Loads and checks the savepoint at {@code path}: a directory holding {@code _metadata}, the
     * {@code _metadata} file itself, or a URI Flink's file systems read.
     *
     * @throws InvalidSavepointException naming what was found
     */
    static SavepointMetadata load(String path) {
        Path local = localPath(path);
        if (local != null) {
            Path file = Files.isDirectory(local) ? local.resolve(METADATA_FILE) : local;
            if (!Files.isRegularFile(file)
                    || !file.getFileName().toString().equals(METADATA_FILE)) {
                throw new InvalidSavepointException(
                        path
                                + " is not a savepoint: no "
                                + METADATA_FILE
                                + " file (a savepoint directory holds one)"
                                + (Files.exists(local) ? "" : "; the path does not exist"));
            }
            checkHeader(path, file);
        }
        CheckpointMetadata metadata;
        try {
            metadata = SavepointLoader.loadSavepointMetadata(path);
        } catch (IOException | RuntimeException e) {
            throw new InvalidSavepointException(
                    path + ": its savepoint metadata cannot be read: " + e.getMessage(), e);
        }
        SavepointMetadata savepoint = new SavepointMetadata(path, metadata);
        if (savepoint.operator(RoutingJob.ROUTE_UID) == null) {
            throw new InvalidSavepointException(
                    path
                            + " is a savepoint of another job: its operators are "
                            + String.join(", ", savepoint.uids())
                            + " (a hubroute savepoint has "
                            + RoutingJob.ROUTE_UID
                            + ")");
        }
        return savepoint;
    }

    /** The magic number and version of the metadata file, checked as Flink would read them. */
    private static void checkHeader(String path, Path file) {
        int magic;
        int version;
        try (InputStream in = Files.newInputStream(file);
                DataInputStream data = new DataInputStream(in)) {
            byte[] header = data.readNBytes(8);
            if (header.length < 8) {
                throw new InvalidSavepointException(
                        path
                                + " is not a savepoint: its "
                                + METADATA_FILE
                                + " has "
                                + header.length
                                + " bytes, too short for Flink savepoint metadata");
            }
            magic = readInt(header, 0);
            version = readInt(header, 4);
        } catch (IOException e) {
            throw new InvalidSavepointException(path + ": cannot read " + file + ": " + e, e);
        }
        if (magic != Checkpoints.HEADER_MAGIC_NUMBER) {
            throw new InvalidSavepointException(
                    path
                            + " is not a savepoint: its "
                            + METADATA_FILE
                            + " starts with 0x"
                            + hex(magic)
                            + ", not Flink's savepoint magic number 0x"
                            + hex(Checkpoints.HEADER_MAGIC_NUMBER));
        }
        if (version < 1 || version > NEWEST_VERSION) {
            throw new InvalidSavepointException(
                    path
                            + " is a savepoint this version cannot read: metadata version "
                            + version
                            + "; hubroute (Flink 2.2) reads versions 1 to "
                            + NEWEST_VERSION
                            + (version > NEWEST_VERSION
                                    ? " (a savepoint of a newer Flink: use the hubroute built on it)"
                                    : ""));
        }
    }

    /** The local file of a path or {@code file:} URI; null for other file systems. */
    private static Path localPath(String path) {
        if (path.contains("://") || path.startsWith("file:")) {
            URI uri = URI.create(path);
            return "file".equals(uri.getScheme()) ? Path.of(uri) : null;
        }
        return Path.of(path);
    }

    private static int readInt(byte[] bytes, int offset) {
        return ((bytes[offset] & 0xff) << 24)
                | ((bytes[offset + 1] & 0xff) << 16)
                | ((bytes[offset + 2] & 0xff) << 8)
                | (bytes[offset + 3] & 0xff);
    }

    private static String hex(int value) {
        String hex = Integer.toHexString(value).toUpperCase(java.util.Locale.ROOT);
        return "0".repeat(8 - hex.length()) + hex;
    }

    String path() {
        return path;
    }

    long checkpointId() {
        return metadata.getCheckpointId();
    }

    List<OperatorState> operators() {
        return new ArrayList<>(metadata.getOperatorStates());
    }

    /** The operator with this uid, or null. */
    OperatorState operator(String uid) {
        for (OperatorState operator : metadata.getOperatorStates()) {
            if (uid.equals(operator.getOperatorUid().orElse(null))) {
                return operator;
            }
        }
        return null;
    }

    /** The uid of every operator, or for one without a uid its name or id. */
    List<String> uids() {
        List<String> uids = new ArrayList<>();
        for (OperatorState operator : metadata.getOperatorStates()) {
            uids.add(label(operator));
        }
        return uids;
    }

    static String label(OperatorState operator) {
        return operator.getOperatorUid()
                .filter(uid -> !uid.isEmpty())
                .orElseGet(
                        () ->
                                operator.getOperatorName()
                                        .map(name -> "(no uid: " + name + ")")
                                        .orElse("(no uid: id " + operator.getOperatorID() + ")"));
    }
}
