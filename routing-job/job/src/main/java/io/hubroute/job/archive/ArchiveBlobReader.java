package io.hubroute.job.archive;

import io.hubroute.job.source.DecodeFailure;
import io.hubroute.job.source.DecodeResult;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Consumer;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads each blob named in the input and emits its records; counts what it read. */
final class ArchiveBlobReader extends RichFlatMapFunction<String, DecodeResult> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ArchiveBlobReader.class);

    private final ArchiveStore store;
    private final ArchiveReader reader;
    private transient Counter blobs;
    private transient Counter records;
    private transient Counter skippedRecords;
    private transient Counter bytes;
    private transient Counter unreadableBlobs;

    ArchiveBlobReader(ArchiveStore store, ArchiveReader reader) {
        this.store = store;
        this.reader = reader;
    }

    @Override
    public void open(OpenContext openContext) {
        MetricGroup metrics =
                getRuntimeContext().getMetricGroup().addGroup("replay").addGroup("archive");
        blobs = metrics.counter("blobs");
        records = metrics.counter("records");
        skippedRecords = metrics.counter("skippedRecords");
        bytes = metrics.counter("bytes");
        unreadableBlobs = metrics.counter("unreadableBlobs");
    }

    @Override
    public void flatMap(String blobName, Collector<DecodeResult> out) {
        if (blobName.equals(ArchiveSource.NO_BLOB)) {
            return;
        }
        String topic = store.name() + '/' + blobName;
        int partition = reader.partitionOf(blobName);
        Consumer<DecodeResult> emit = out::collect;
        CountingInputStream counted = null;
        ArchiveReader.BlobResult result;
        try {
            counted = new CountingInputStream(store.open(blobName));
            result = reader.read(topic, partition, counted, emit);
        } catch (IOException e) {
            // The store could not give the blob (gone, no rights, the network): one failure, as
            // for a blob that is not in the format; the replay goes on.
            LOG.warn("Archive blob {} could not be read: {}", topic, e.getMessage());
            out.collect(
                    new DecodeFailure(
                            "could not be read: " + e.getMessage() + " (blob " + topic + ")",
                            topic,
                            partition,
                            0));
            result = new ArchiveReader.BlobResult(1, 0, true);
        } finally {
            closeQuietly(counted, topic);
        }
        blobs.inc();
        records.inc(result.records());
        skippedRecords.inc(result.skipped());
        if (counted != null) {
            bytes.inc(counted.count);
        }
        if (result.unreadable()) {
            unreadableBlobs.inc();
        }
        LOG.debug(
                "Archive blob {}: {} records, {} skipped for their time",
                topic,
                result.records(),
                result.skipped());
    }

    private static void closeQuietly(InputStream in, String topic) {
        if (in == null) {
            return;
        }
        try {
            in.close();
        } catch (IOException e) {
            // Everything was read; a failed close loses nothing.
            LOG.debug("Archive blob {} did not close cleanly: {}", topic, e.getMessage());
        }
    }

    /** Counts the bytes read from a blob. */
    private static final class CountingInputStream extends FilterInputStream {
        long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int read = super.read(buffer, offset, length);
            if (read > 0) {
                count += read;
            }
            return read;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count += skipped;
            return skipped;
        }
    }
}
