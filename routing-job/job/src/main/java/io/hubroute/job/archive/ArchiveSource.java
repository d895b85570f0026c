package io.hubroute.job.archive;

import io.hubroute.job.internal.DecodeResultTypeInfo;
import io.hubroute.job.source.DecodeResult;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * An archive as the bounded input of a replay job: the selected blobs are listed in the client (so
 * their count and size are known before the job runs), then read in parallel, one blob at a time
 * per subtask, into the {@link DecodeResult}s the live job's Kafka source gives.
 *
 * <pre>{@code
 * ArchiveStore store = ArchiveStore.azureBlob(connectionString, "telemetry-archive");
 * List<ArchiveBlob> blobs = ArchiveSource.select(store, fileNameFormat, prefix, start, end);
 * DataStream<DecodeResult> records =
 *     ArchiveSource.addTo(env, store, ArchiveFormat.AVRO, fileNameFormat, prefix, start, end);
 * }</pre>
 *
 * <p>The blob names travel as a bounded source of strings ({@code uid} {@value #LIST_UID}), are
 * spread over the subtasks with {@code rebalance()}, and each subtask opens the store once and
 * streams each blob's records out ({@code uid} {@value #READ_UID}). A checkpoint waits for the blob
 * being read to end. Metrics under the reading operator: {@code replay.archive.blobs}, {@code
 * .records}, {@code .skippedRecords}, {@code .bytes}, {@code .unreadableBlobs}.
 */
public final class ArchiveSource {
    /** The uid of the source of blob names. */
    public static final String LIST_UID = "replay-archive-blobs";

    /** The uid of the operator that reads the blobs. */
    public static final String READ_UID = "replay-archive-read";

    /** Stands for no blob, in a selection of none. */
    static final String NO_BLOB = "";

    private ArchiveSource() {}

    /**
     * The blobs a replay of {@code [start, end)} reads, sorted by name: those under {@code prefix}
     * whose names (written with {@code fileNameFormat}) can hold records of the range.
     *
     * @param fileNameFormat the endpoint's {@code fileNameFormat} or a Capture name format; null
     *     when unknown (every blob under the prefix is read)
     * @param prefix a blob name prefix, or null for the whole container or folder
     * @param start the first enqueued time, or null
     * @param end the enqueued time to stop before, or null
     * @throws IOException when the store cannot be listed
     * @throws IllegalArgumentException for an unknown format token or a start not before the end
     */
    public static List<ArchiveBlob> select(
            ArchiveStore store, String fileNameFormat, String prefix, Instant start, Instant end)
            throws IOException {
        return select(store, ArchiveSelection.of(fileNameFormat, start, end), prefix);
    }

    /** The blobs under {@code prefix} that {@code selection} selects, sorted by name. */
    public static List<ArchiveBlob> select(
            ArchiveStore store, ArchiveSelection selection, String prefix) throws IOException {
        Objects.requireNonNull(store, "store");
        return selection.select(store.list(prefix));
    }

    /**
     * Adds the archive to {@code env} as a bounded stream of decoded records.
     *
     * @throws IOException when the store cannot be listed
     * @see #select(ArchiveStore, String, String, Instant, Instant)
     */
    public static DataStream<DecodeResult> addTo(
            StreamExecutionEnvironment env,
            ArchiveStore store,
            ArchiveFormat format,
            String fileNameFormat,
            String prefix,
            Instant start,
            Instant end)
            throws IOException {
        ArchiveSelection selection = ArchiveSelection.of(fileNameFormat, start, end);
        return addTo(env, store, format, selection, select(store, selection, prefix));
    }

    /** Adds the given blobs (from {@link #select}) of the archive to {@code env}. */
    public static DataStream<DecodeResult> addTo(
            StreamExecutionEnvironment env,
            ArchiveStore store,
            ArchiveFormat format,
            ArchiveSelection selection,
            List<ArchiveBlob> blobs) {
        Objects.requireNonNull(env, "env");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(format, "format");
        List<String> names = new ArrayList<>(blobs.size());
        long bytes = 0;
        for (ArchiveBlob blob : blobs) {
            names.add(blob.name());
            bytes += blob.sizeBytes();
        }
        String listName =
                "archive blobs: " + names.size() + " of " + store + ", " + bytes + " bytes";
        if (names.isEmpty()) {
            // Flink's fromData cannot be empty; no blob has an empty name, and the reader skips it.
            names.add(NO_BLOB);
        }
        // The store's toString names the container or folder, never a secret: the web UI shows it.
        return env.fromData(names, Types.STRING)
                .name(listName)
                .uid(LIST_UID)
                .setParallelism(1)
                .rebalance()
                .flatMap(
                        new ArchiveBlobReader(store, ArchiveReader.of(format, selection)),
                        DecodeResultTypeInfo.of())
                .name("read " + format + " archive of " + store)
                .uid(READ_UID);
    }
}
