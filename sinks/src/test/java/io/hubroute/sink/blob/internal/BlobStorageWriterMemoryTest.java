package io.hubroute.sink.blob.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.hubroute.message.Message;
import io.hubroute.message.MessageProperties;
import io.hubroute.message.RoutingSource;
import io.hubroute.sink.RoutedMessage;
import io.hubroute.sink.blob.BlobEncoding;
import io.hubroute.sink.blob.BlobStorageSink;
import io.hubroute.sink.blob.BlobStorageSinkOptions;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;

/**
 * The blob writer's memory against a backlog: a week of enqueued times (one record per minute and
 * partition, so every record opens a batch of its own) goes through a writer with hand-written
 * fakes for the container and the clock. The writer keeps at most its cap of batches open and
 * buffers for those only, and no record is lost by closing batches early.
 */
class BlobStorageWriterMemoryTest {
    /** 2024-03-05T10:15:00Z. */
    private static final long BASE_TIME = 1_709_633_700_000L;

    private static final int PARTITIONS = 4;
    private static final int MINUTES = 7 * 24 * 60;
    private static final int CAP = 64;

    /** What a cap of open batches may hold: each Avro writer's buffers and a 64 KiB block. */
    private static final long BUFFERED_BYTES_BOUND = CAP * 160L * 1024;

    private final FakeClock clock = new FakeClock();
    private final FakeContainer container = new FakeContainer();

    @Test
    void aWeekOfBacklogKeepsOpenBatchesAndBufferedBytesWithinTheCap() throws Exception {
        BlobStorageWriter writer = writer(options(BlobEncoding.AVRO));
        long committedRecords = 0;
        int maxOpen = 0;
        long maxBuffered = 0;
        long heapBefore = usedHeapAfterGc();

        SinkWriter.Context noContext = io.hubroute.sink.internal.DeadLetterDiversion.noContext();
        int written = 0;
        for (int minute = 0; minute < MINUTES; minute++) {
            for (int partition = 0; partition < PARTITIONS; partition++) {
                writer.write(record(partition, minute), noContext);
                written++;
                clock.now++;
                maxOpen = Math.max(maxOpen, writer.openBatchCount());
                maxBuffered = Math.max(maxBuffered, writer.bufferedBytes());
                if (written % 2_000 == 0) {
                    // a checkpoint: stage everything pending, hand closed batches over
                    writer.flush(false);
                    committedRecords += records(writer.prepareCommit());
                    writer.snapshotState(written);
                }
            }
        }
        long heapGrowth = usedHeapAfterGc() - heapBefore;
        writer.flush(true);
        committedRecords += records(writer.prepareCommit());

        assertThat(written).isEqualTo(PARTITIONS * MINUTES);
        assertThat(maxOpen).as("open batches at most").isEqualTo(CAP);
        assertThat(maxBuffered).as("buffered bytes at most").isLessThan(BUFFERED_BYTES_BOUND);
        assertThat(heapGrowth)
                .as("heap held by the writer after a week of backlog")
                .isLessThan(64L * 1024 * 1024);
        assertThat(committedRecords).as("no record lost to an early close").isEqualTo(written);
        assertThat(clock.pendingTimers()).as("timers pending").isLessThanOrEqualTo(2);
        assertThat(writer.openBatchCount()).isZero();
    }

    @Test
    void aBatchWhoseBlocksAreStagedAtCheckpointsHoldsNoBufferAndStaysOneValidAvroFile()
            throws Exception {
        BlobStorageWriter writer = writer(options(BlobEncoding.AVRO_DEFLATE));
        SinkWriter.Context noContext = io.hubroute.sink.internal.DeadLetterDiversion.noContext();
        for (int block = 0; block < 3; block++) {
            for (int i = 0; i < 5; i++) {
                writer.write(record(0, 0), noContext);
            }
            assertThat(writer.bufferedBytes()).isPositive();
            writer.flush(false);
            assertThat(writer.openBatchCount()).isEqualTo(1);
            assertThat(writer.bufferedBytes()).as("buffers let go once staged").isZero();
        }
        writer.flush(true);
        List<BlobCommittable> committables = new ArrayList<>(writer.prepareCommit());

        assertThat(committables).hasSize(1);
        BlobCommittable blob = committables.get(0);
        assertThat(blob.blockIds()).hasSize(3);
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        for (String blockId : blob.blockIds()) {
            file.write(container.kept.get(blob.blobName() + "/" + blockId));
        }
        int records = 0;
        try (DataFileStream<GenericRecord> avro =
                new DataFileStream<>(
                        new ByteArrayInputStream(file.toByteArray()), new GenericDatumReader<>())) {
            assertThat(avro.getMetaString("avro.codec")).isEqualTo("deflate");
            for (GenericRecord record : avro) {
                assertThat(record.get("EnqueuedTimeUtc").toString())
                        .isEqualTo("2024-03-05T10:15:00.0000000Z");
                records++;
            }
        }
        assertThat(records).isEqualTo(15);
    }

    @Test
    void restoredStateWithMoreOpenBatchesThanTheCapClosesTheRest() throws Exception {
        BlobStorageSinkOptions options = optionsWithCap(2);
        BlobStorageWriter before = writer(options(BlobEncoding.JSON));
        SinkWriter.Context noContext = io.hubroute.sink.internal.DeadLetterDiversion.noContext();
        for (int minute = 0; minute < 5; minute++) {
            before.write(record(0, minute), noContext);
        }
        before.flush(false);
        List<BlobWriterState> state = before.snapshotState(1);
        assertThat(state.get(0).openBatches()).hasSize(5);

        BlobStorageWriter restored =
                new BlobStorageWriter(
                        options, state, 0, clock, new UnregisteredMetricsGroup(), container, null);

        assertThat(restored.openBatchCount()).isEqualTo(2);
        assertThat(records(restored.prepareCommit())).isEqualTo(3);
    }

    private BlobStorageWriter writer(BlobStorageSinkOptions options) throws Exception {
        return new BlobStorageWriter(
                options, List.of(), 0, clock, new UnregisteredMetricsGroup(), container, null);
    }

    private static BlobStorageSinkOptions options(BlobEncoding encoding) {
        return BlobStorageSink.builder()
                .setEndpointName("archive")
                .setConnectionString(
                        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;"
                                + "BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;")
                .setContainerName("archive")
                .setHubName("hub")
                .setEncoding(encoding)
                .setMaxOpenBatches(CAP)
                .build()
                .options();
    }

    private static BlobStorageSinkOptions optionsWithCap(int cap) {
        return BlobStorageSink.builder()
                .setEndpointName("archive")
                .setConnectionString(
                        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;"
                                + "BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;")
                .setContainerName("archive")
                .setHubName("hub")
                .setEncoding(BlobEncoding.JSON)
                .setMaxOpenBatches(cap)
                .build()
                .options();
    }

    private static RoutedMessage record(int partition, int minute) {
        Message message =
                Message.builder(RoutingSource.DEVICE_MESSAGES)
                        .systemProperties(
                                MessageProperties.of(
                                        "messageId",
                                        "m-" + partition + "-" + minute,
                                        "connectionDeviceId",
                                        "device-" + partition))
                        .appProperties(MessageProperties.of("minute", Integer.toString(minute)))
                        .body("{\"temperature\":21.5}")
                        .build();
        return new RoutedMessage("archive", message, partition, BASE_TIME + minute * 60_000L);
    }

    private static long records(Iterable<BlobCommittable> committables) {
        long records = 0;
        for (BlobCommittable committable : committables) {
            records += committable.records();
        }
        return records;
    }

    private static long usedHeapAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    /** A clock the test moves; timers are counted, never fired (the week passes in 40 s). */
    private static final class FakeClock implements ProcessingTimeService {
        long now = BASE_TIME;
        private final List<Long> timers = new ArrayList<>();

        int pendingTimers() {
            int pending = 0;
            for (long timer : timers) {
                if (timer > now) {
                    pending++;
                }
            }
            return pending;
        }

        @Override
        public long getCurrentProcessingTime() {
            return now;
        }

        /** No future: the writer never cancels a timer. */
        @Override
        public ScheduledFuture<?> registerTimer(long time, ProcessingTimeCallback callback) {
            timers.add(time);
            return null;
        }
    }

    /**
     * A container that stages blocks and remembers their sizes only (the bytes of blobs of minute
     * 0, to read them back), so that it holds little itself.
     */
    private static final class FakeContainer implements BlockStaging {
        final Map<String, byte[]> kept = new HashMap<>();
        final Set<String> existing = new HashSet<>();
        long stagedBytes;

        @Override
        public void createContainerIfMissing() {}

        @Override
        public boolean exists(String blobName) {
            return existing.contains(blobName);
        }

        @Override
        public void stageBlock(String blobName, String blockId, byte[] data) {
            stagedBytes += data.length;
            if (blobName.endsWith("/15")) {
                kept.put(blobName + "/" + blockId, data);
            }
        }
    }
}
