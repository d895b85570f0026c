package io.hubroute.job.archive;

import io.hubroute.job.source.DecodeFailure;
import io.hubroute.job.source.DecodeResult;
import io.hubroute.job.source.DecodedRecord;
import io.hubroute.job.source.RawRecord;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileConstants;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

/**
 * Reads the records of one archive file as the live job decodes Kafka records: each record becomes
 * a {@link DecodedRecord} (topic {@code <container>/<blob>}, the blob's partition, the record's
 * index as its offset, its enqueued time) or a {@link DecodeFailure}. Streams the file: memory does
 * not grow with its size.
 *
 * <p>Bad input never throws. A file that is not in the format gives one failure naming the blob; a
 * corrupt Avro block keeps every record before it, then gives one failure with the index of the
 * first record lost, and the rest of the file is not read; a JSON line that is no record gives a
 * failure for that line, and reading goes on. Records enqueued outside the selection's range are
 * skipped.
 *
 * <pre>{@code
 * ArchiveReader reader = ArchiveReader.of(ArchiveFormat.AVRO, selection);
 * try (InputStream in = store.open(blobName)) {
 *     ArchiveReader.BlobResult result =
 *         reader.read(store.name() + "/" + blobName, reader.partitionOf(blobName), in, results::add);
 * }
 * }</pre>
 */
public final class ArchiveReader implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The longest JSON line read; IoT Hub messages are at most 256 KB, base64 adds a third. */
    static final int MAX_LINE_BYTES = 4 * 1024 * 1024;

    private static final int READ_BUFFER_BYTES = 64 * 1024;

    /** The largest Avro header whose sync marker is peeked at (IoT Hub's is under 1 KiB). */
    private static final int MAX_PEEKED_HEADER_BYTES = 1024 * 1024;

    private final ArchiveFormat format;
    private final ArchiveSelection selection;
    private final CaptureRecords captureRecords = new CaptureRecords();

    private ArchiveReader(ArchiveFormat format, ArchiveSelection selection) {
        this.format = Objects.requireNonNull(format, "format");
        this.selection = Objects.requireNonNull(selection, "selection");
    }

    public static ArchiveReader of(ArchiveFormat format, ArchiveSelection selection) {
        return new ArchiveReader(format, selection);
    }

    public ArchiveFormat format() {
        return format;
    }

    /** The partition of a blob's records: its name's partition token, else 0. */
    public int partitionOf(String blobName) {
        return selection.partitionOf(blobName);
    }

    /**
     * What reading one file gave.
     *
     * @param records the results passed on (messages and failures)
     * @param skipped the records skipped for an enqueued time outside the range
     * @param unreadable whether the file, or its end, could not be read (one failure says why)
     */
    public record BlobResult(long records, long skipped, boolean unreadable) {}

    /**
     * Reads one file, passing every result to {@code out}; does not close {@code in}.
     *
     * @param topic the records' topic, {@code <container-or-folder>/<blob name>}
     * @param partition the records' partition
     */
    public BlobResult read(
            String topic, int partition, InputStream in, Consumer<? super DecodeResult> out) {
        Counts counts = new Counts();
        boolean unreadable;
        if (format.isAvro()) {
            unreadable = readAvro(topic, partition, in, out, counts);
        } else {
            unreadable = readJsonLines(topic, partition, in, out, counts);
        }
        return new BlobResult(counts.records, counts.skipped, unreadable);
    }

    private static final class Counts {
        long records;
        long skipped;
    }

    private boolean readAvro(
            String topic,
            int partition,
            InputStream in,
            Consumer<? super DecodeResult> out,
            Counts counts) {
        // Avro's stream reader takes an end of data inside a block for the end of the file; the
        // file's sync marker, which ends every block, tells a truncated file from a whole one.
        TailInputStream tail = new TailInputStream(in);
        BufferedInputStream buffered = new BufferedInputStream(tail, READ_BUFFER_BYTES);
        byte[] syncMarker = peekSyncMarker(buffered);
        DataFileStream<GenericRecord> file;
        try {
            file = new DataFileStream<>(buffered, AvroValues.orderedReader());
        } catch (IOException | RuntimeException e) {
            out.accept(blobFailure("not Avro: " + describe(e), topic, partition, 0));
            counts.records++;
            return true;
        }
        String schemaProblem = schemaProblem(file.getSchema());
        if (schemaProblem != null) {
            out.accept(blobFailure(schemaProblem, topic, partition, 0));
            counts.records++;
            return true;
        }
        long index = 0;
        while (true) {
            GenericRecord record;
            String corruption = null;
            try {
                if (!file.hasNext()) {
                    if (syncMarker == null || tail.endsWith(syncMarker)) {
                        return false;
                    }
                    corruption = "the blob ends inside a block (truncated)";
                }
                record = corruption == null ? file.next() : null;
            } catch (RuntimeException e) {
                corruption = describe(e);
                record = null;
            }
            if (corruption != null) {
                out.accept(
                        blobFailure(
                                "corrupt Avro at record "
                                        + index
                                        + ": "
                                        + corruption
                                        + "; the "
                                        + index
                                        + " records before it were read, the rest of the blob"
                                        + " is not",
                                topic,
                                partition,
                                index));
                counts.records++;
                return true;
            }
            DecodeResult result = decodeAvro(topic, partition, index, record);
            emit(result, record.get("EnqueuedTimeUtc"), out, counts);
            index++;
        }
    }

    private DecodeResult decodeAvro(String topic, int partition, long index, GenericRecord record) {
        try {
            String enqueuedTimeUtc = AvroValues.text(record.get("EnqueuedTimeUtc"));
            byte[] body = AvroValues.body(record.get("Body"));
            if (format == ArchiveFormat.CAPTURE) {
                return captureRecords.decode(
                        topic,
                        partition,
                        index,
                        enqueuedTimeUtc,
                        (Map<?, ?>) record.get("SystemProperties"),
                        (Map<?, ?>) record.get("Properties"),
                        body);
            }
            return StorageRecords.decode(
                    topic,
                    partition,
                    index,
                    enqueuedTimeUtc,
                    AvroValues.properties(record.get("SystemProperties")),
                    AvroValues.properties(record.get("Properties")),
                    body);
        } catch (RuntimeException e) {
            // A record of a shape no writer makes must not stop the replay.
            return new DecodeFailure(
                    "record " + index + " is not an archived message: " + describe(e),
                    topic,
                    partition,
                    index);
        }
    }

    /**
     * The sync marker at the end of an Avro file's header, read ahead and reset so the file is read
     * from its start; null when the header is not Avro or is too large to peek at.
     */
    private static byte[] peekSyncMarker(BufferedInputStream in) {
        in.mark(MAX_PEEKED_HEADER_BYTES);
        try {
            BinaryDecoder decoder = DecoderFactory.get().directBinaryDecoder(in, null);
            byte[] magic = new byte[DataFileConstants.MAGIC.length];
            decoder.readFixed(magic);
            if (!Arrays.equals(magic, DataFileConstants.MAGIC)) {
                return null;
            }
            for (long count = decoder.readMapStart(); count != 0; count = decoder.mapNext()) {
                for (long i = 0; i < count; i++) {
                    decoder.skipString();
                    decoder.skipBytes();
                }
            }
            byte[] sync = new byte[DataFileConstants.SYNC_SIZE];
            decoder.readFixed(sync);
            return sync;
        } catch (IOException | RuntimeException e) {
            return null; // the reader itself says what is wrong
        } finally {
            try {
                in.reset();
            } catch (IOException e) {
                // A header over the mark limit: the reader is then past it. Cannot happen below
                // MAX_PEEKED_HEADER_BYTES; above it the header is not IoT Hub's or Capture's.
            }
        }
    }

    /** Why the file's schema is not the format's, or null when it is. */
    private String schemaProblem(Schema schema) {
        if (schema.getType() != Schema.Type.RECORD) {
            return "not an archive of messages: the Avro schema is a "
                    + schema.getType()
                    + ", not a record";
        }
        boolean capture =
                schema.getField("SequenceNumber") != null && schema.getField("Offset") != null;
        if (format == ArchiveFormat.CAPTURE && !capture) {
            return "not Event Hubs Capture Avro: the schema is "
                    + schema.getFullName()
                    + ", not Microsoft.ServiceBus.Messaging.EventData (an IoT Hub storage"
                    + " endpoint file is read with the avro format)";
        }
        if (format != ArchiveFormat.CAPTURE && capture) {
            return "not IoT Hub storage endpoint Avro: the schema is "
                    + schema.getFullName()
                    + ", an Event Hubs Capture file (read it with the capture format)";
        }
        for (String field :
                new String[] {"EnqueuedTimeUtc", "Properties", "SystemProperties", "Body"}) {
            if (schema.getField(field) == null) {
                return "not an archive of messages: the Avro schema "
                        + schema.getFullName()
                        + " has no field "
                        + field;
            }
        }
        return null;
    }

    private boolean readJsonLines(
            String topic,
            int partition,
            InputStream in,
            Consumer<? super DecodeResult> out,
            Counts counts) {
        LineReader lines = new LineReader(in);
        long lineNumber = 0;
        long index = 0;
        boolean sawRecord = false;
        while (true) {
            String line;
            try {
                line = lines.next();
            } catch (IOException e) {
                out.accept(
                        blobFailure(
                                "unreadable after line " + lineNumber + ": " + describe(e),
                                topic,
                                partition,
                                index));
                counts.records++;
                return true;
            }
            if (line == null) {
                return false;
            }
            lineNumber++;
            if (lineNumber == 1 && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            if (lines.lastWasCut()) {
                if (!sawRecord) {
                    out.accept(
                            blobFailure(
                                    "not JSON lines: line 1 is longer than "
                                            + MAX_LINE_BYTES
                                            + " bytes; nothing more of the blob is read",
                                    topic,
                                    partition,
                                    index));
                    counts.records++;
                    return true;
                }
                out.accept(
                        new DecodeFailure(
                                "line "
                                        + lineNumber
                                        + " is longer than "
                                        + MAX_LINE_BYTES
                                        + " bytes",
                                topic,
                                partition,
                                index));
                counts.records++;
                index++;
                continue;
            }
            if (line.isBlank()) {
                continue;
            }
            DecodeResult result;
            try {
                result = JsonLineRecords.decode(topic, partition, index, line);
            } catch (JsonLineRecords.LineException e) {
                if (!sawRecord && e.notJson()) {
                    out.accept(
                            blobFailure(
                                    "not JSON lines: line "
                                            + lineNumber
                                            + " is not JSON: "
                                            + e.getMessage()
                                            + "; nothing more of the blob is read",
                                    topic,
                                    partition,
                                    index));
                    counts.records++;
                    return true;
                }
                result =
                        new DecodeFailure(
                                        "line "
                                                + lineNumber
                                                + (e.notJson()
                                                        ? " is not JSON: "
                                                        : " is not an IoT Hub message: ")
                                                + e.getMessage(),
                                        topic,
                                        partition,
                                        index)
                                .withRaw(
                                        RawRecord.of(
                                                0,
                                                null,
                                                line.getBytes(StandardCharsets.UTF_8),
                                                null));
            } catch (RuntimeException e) {
                result =
                        new DecodeFailure(
                                "line " + lineNumber + " is not an IoT Hub message: " + describe(e),
                                topic,
                                partition,
                                index);
            }
            sawRecord = true;
            emit(result, null, out, counts);
            index++;
        }
    }

    /** Passes on a result whose enqueued time is in the range (or not known). */
    private void emit(
            DecodeResult result,
            Object enqueuedTimeUtc,
            Consumer<? super DecodeResult> out,
            Counts counts) {
        long enqueued;
        if (result instanceof DecodedRecord) {
            enqueued = ((DecodedRecord) result).enqueuedTimeMillis();
        } else {
            enqueued =
                    enqueuedTimeUtc == null
                            ? ArchiveTimes.NONE
                            : ArchiveTimes.parseMillis(enqueuedTimeUtc.toString());
        }
        if (enqueued != ArchiveTimes.NONE && !selection.includesEnqueuedTime(enqueued)) {
            counts.skipped++;
            return;
        }
        out.accept(result);
        counts.records++;
    }

    /**
     * Whether a failure is about a blob as a whole (not in the format, corrupt from some record on,
     * or unreadable) rather than about one record of it.
     */
    public static boolean isBlobFailure(DecodeFailure failure) {
        return failure.reason().endsWith(" (blob " + failure.topic() + ")");
    }

    private static DecodeFailure blobFailure(
            String problem, String topic, int partition, long offset) {
        return new DecodeFailure(problem + " (blob " + topic + ")", topic, partition, offset);
    }

    /** The innermost useful message of a failure, one line. */
    static String describe(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null
                && cause.getCause() != cause
                && (cause.getMessage() == null
                        || cause.getMessage().equals(cause.getCause().toString()))) {
            cause = cause.getCause();
        }
        if (cause instanceof EOFException && cause.getMessage() == null) {
            return "the data ends early (truncated)";
        }
        String message = cause.getMessage();
        return message == null
                ? cause.getClass().getSimpleName()
                : JsonLineRecords.firstLine(message);
    }

    /** Passes bytes through, keeping the last {@link DataFileConstants#SYNC_SIZE} read. */
    private static final class TailInputStream extends FilterInputStream {
        private final byte[] last = new byte[DataFileConstants.SYNC_SIZE];
        private long total;

        TailInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                last[(int) (total % last.length)] = (byte) b;
                total++;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int read = super.read(buffer, offset, length);
            for (int i = 0; i < read; i++) {
                last[(int) (total % last.length)] = buffer[offset + i];
                total++;
            }
            return read;
        }

        @Override
        public long skip(long n) throws IOException {
            // Skipped bytes must be seen: read them instead.
            byte[] buffer = new byte[(int) Math.min(n, 8192)];
            int read = read(buffer, 0, buffer.length);
            return Math.max(read, 0);
        }

        /** Whether the bytes read so far end with {@code suffix}. */
        boolean endsWith(byte[] suffix) {
            if (total < suffix.length) {
                return false;
            }
            for (int i = 0; i < suffix.length; i++) {
                long position = total - suffix.length + i;
                if (last[(int) (position % last.length)] != suffix[i]) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * Lines of UTF-8 text from a stream, at most {@link #MAX_LINE_BYTES} each: a longer line is cut
     * ({@link #lastWasCut()}) and the rest of it skipped, so one huge line cannot fill the memory.
     */
    private static final class LineReader {
        private final InputStream in;
        private final byte[] buffer = new byte[READ_BUFFER_BYTES];
        private int position;
        private int limit;
        private byte[] line = new byte[1024];
        private int length;
        private boolean cut;
        private boolean ended;

        LineReader(InputStream in) {
            this.in = in;
        }

        boolean lastWasCut() {
            return cut;
        }

        /** The next line without its line break, or null at the end. */
        String next() throws IOException {
            if (ended) {
                return null;
            }
            length = 0;
            cut = false;
            boolean any = false;
            while (true) {
                if (position == limit) {
                    limit = in.read(buffer, 0, buffer.length);
                    position = 0;
                    if (limit <= 0) {
                        limit = 0;
                        ended = true;
                        return any ? text() : null;
                    }
                }
                any = true;
                int start = position;
                while (position < limit && buffer[position] != '\n') {
                    position++;
                }
                append(start, position);
                if (position < limit) {
                    position++; // the '\n'
                    return text();
                }
            }
        }

        private void append(int from, int to) {
            int count = to - from;
            if (cut || count == 0) {
                return;
            }
            if (length + count > MAX_LINE_BYTES) {
                cut = true;
                return;
            }
            if (length + count > line.length) {
                line = Arrays.copyOf(line, Math.max(line.length * 2, length + count));
            }
            System.arraycopy(buffer, from, line, length, count);
            length += count;
        }

        private String text() {
            int end = length;
            if (end > 0 && line[end - 1] == '\r') {
                end--;
            }
            String text = new String(line, 0, end, StandardCharsets.UTF_8);
            if (line.length > 64 * 1024) {
                line = new byte[1024]; // do not keep a large line's buffer
            }
            return text;
        }
    }
}
