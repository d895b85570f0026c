package io.hubroute.sink.blob.internal;

import io.hubroute.sink.DeadLetterEndpoint;
import io.hubroute.sink.FailurePolicy;
import io.hubroute.sink.RoutedMessage;
import io.hubroute.sink.SinkMetrics;
import io.hubroute.sink.blob.BlobEncoding;
import io.hubroute.sink.blob.BlobStorageSinkOptions;
import io.hubroute.sink.internal.DeadLetterDiversion;
import io.hubroute.sink.internal.EndpointMetrics;
import io.hubroute.sink.internal.FailureClassifier;
import io.hubroute.sink.internal.Retrier;
import io.hubroute.sink.internal.RetriesExhaustedException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.metrics.MetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes deliveries into one batch per base blob name (partition and minute of the enqueued time),
 * stages blocks as they fill and at every checkpoint, and hands closed batches to the committer.
 * See {@link io.hubroute.sink.blob.BlobStorageSink} for the guarantee.
 *
 * <p>Memory stays bounded whatever the enqueued times: at most {@link
 * BlobStorageSinkOptions#maxOpenBatches()} batches are open (opening one more closes the least
 * recently written one, which becomes a blob of its own at the next checkpoint), a batch holds
 * buffers only while it has records not staged yet, and one timer at a time closes the batches that
 * are due.
 */
public final class BlobStorageWriter
        implements StatefulSinkWriter<RoutedMessage, BlobWriterState>,
                CommittingSinkWriter<RoutedMessage, BlobCommittable> {
    private static final Logger LOG = LoggerFactory.getLogger(BlobStorageWriter.class);
    private static final long SEQUENCE_RETENTION_MILLIS = 60 * 60 * 1000L;

    private final BlobStorageSinkOptions options;
    private final BlobEncoding encoding;
    private final BlobNameFormat nameFormat;
    private final int subtask;
    private final BlockStaging container;
    private final ProcessingTimeService timeService;
    private final MessageRecordEncoder encoder;
    private final Retrier retrier;
    private final EndpointMetrics metrics;
    private final SinkWriter<RoutedMessage> deadLetterWriter;
    private final String deadLetterEndpointName;
    private final byte[] writerId = new byte[16];
    private final SecureRandom random = new SecureRandom();

    /** Open batches, least recently written first. */
    private final LinkedHashMap<Long, BlobBatch> openBatches = new LinkedHashMap<>(16, 0.75f, true);

    private final Map<String, long[]> sequences = new HashMap<>();
    private final List<BlobCommittable> closedBatches = new ArrayList<>();
    private BlobBatch lastBatch;
    private long lastBatchKey = Long.MIN_VALUE;
    private long closeTimerAt = Long.MAX_VALUE;
    private boolean warnedAboutCap;

    public BlobStorageWriter(
            BlobStorageSinkOptions options,
            WriterInitContext context,
            Collection<BlobWriterState> recoveredStates)
            throws IOException {
        this(
                options,
                recoveredStates,
                context.getTaskInfo().getIndexOfThisSubtask(),
                context.getProcessingTimeService(),
                context.metricGroup(),
                BlobContainers.staging(options),
                openDeadLetterWriter(options, context));
    }

    BlobStorageWriter(
            BlobStorageSinkOptions options,
            Collection<BlobWriterState> recoveredStates,
            int subtask,
            ProcessingTimeService timeService,
            MetricGroup metricGroup,
            BlockStaging container,
            SinkWriter<RoutedMessage> deadLetterWriter)
            throws IOException {
        this.options = options;
        this.encoding = options.encoding();
        this.nameFormat = BlobNameFormat.parse(options.fileNameFormat());
        this.subtask = subtask;
        this.timeService = timeService;
        this.encoder = new MessageRecordEncoder(encoding);
        this.metrics =
                EndpointMetrics.register(
                        metricGroup, options.endpointName(), SinkMetrics.EndpointKind.STORAGE);
        this.retrier =
                Retrier.forEndpoint(
                        options.endpointName(),
                        metrics.group(),
                        options.retryPolicy(),
                        options.failurePolicy(),
                        FailureClassifier.transientWhen(BlobClients::isTransient));
        UUID id = UUID.randomUUID();
        ByteBuffer.wrap(writerId)
                .putLong(id.getMostSignificantBits())
                .putLong(id.getLeastSignificantBits());
        this.container = container;
        this.deadLetterWriter = deadLetterWriter;
        this.deadLetterEndpointName =
                options.deadLetterEndpoint().map(DeadLetterEndpoint::endpointName).orElse(null);
        try {
            if (options.createContainerIfMissing()) {
                callUntilDone(
                        () -> {
                            container.createContainerIfMissing();
                            return null;
                        });
            }
            restore(recoveredStates);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException(
                    "interrupted while opening endpoint '" + options.endpointName() + "'");
        }
    }

    private static SinkWriter<RoutedMessage> openDeadLetterWriter(
            BlobStorageSinkOptions options, WriterInitContext context) throws IOException {
        return options.failurePolicy() == FailurePolicy.DEAD_LETTER
                ? options.deadLetterEndpoint().orElseThrow().openWriter(context)
                : null;
    }

    private void restore(Collection<BlobWriterState> recoveredStates)
            throws IOException, InterruptedException {
        for (BlobWriterState state : recoveredStates) {
            for (BlobWriterState.SequenceCounter counter : state.sequences()) {
                long[] known = sequences.get(counter.baseName());
                if (known == null || known[0] < counter.nextSequence()) {
                    sequences.put(
                            counter.baseName(),
                            new long[] {counter.nextSequence(), counter.lastUsedMillis()});
                }
            }
            for (BlobWriterState.OpenBatch open : state.openBatches()) {
                BlobBatch batch = BlobBatch.restore(encoding, open);
                long key = batchKey(open.partition(), open.epochMinute());
                if (openBatches.containsKey(key)
                        || open.blockIds().isEmpty()
                        || openBatches.size() >= options.maxOpenBatches()) {
                    // Two restored subtasks had the same base name open, or more than the cap
                    // (state from before a rescale or a lower cap): close this one now.
                    close(batch);
                } else {
                    openBatches.put(key, batch);
                    scheduleClose(batch);
                }
            }
        }
        if (!recoveredStates.isEmpty()) {
            LOG.info(
                    "Endpoint '{}' subtask {} restored {} open blob(s)",
                    options.endpointName(),
                    subtask,
                    openBatches.size());
        }
    }

    @Override
    public void write(RoutedMessage delivery, Context context)
            throws IOException, InterruptedException {
        long enqueued = delivery.enqueuedTimeMillis();
        long epochMinute =
                Math.floorDiv(
                        enqueued > 0 ? enqueued : timeService.getCurrentProcessingTime(), 60_000L);
        long key = batchKey(delivery.partition(), epochMinute);
        BlobBatch batch = key == lastBatchKey ? lastBatch : openBatches.get(key);
        if (batch == null) {
            if (openBatches.size() >= options.maxOpenBatches()) {
                closeLeastRecentlyWritten();
            }
            batch = openBatch(delivery.partition(), epochMinute);
            openBatches.put(key, batch);
        }
        lastBatch = batch;
        lastBatchKey = key;
        encoder.encode(delivery);
        batch.append(delivery, encoder.buffer(), encoder.size());
        if (batch.sizeEstimate() >= options.maxChunkSizeBytes()) {
            openBatches.remove(key);
            close(batch);
        } else if (batch.pendingEstimate() >= options.blockSizeBytes()) {
            stage(batch);
        }
    }

    /** At the cap: the batch written least recently closes early, as a blob of its own. */
    private void closeLeastRecentlyWritten() throws IOException, InterruptedException {
        Iterator<BlobBatch> batches = openBatches.values().iterator();
        BlobBatch oldest = batches.next();
        batches.remove();
        if (!warnedAboutCap) {
            warnedAboutCap = true;
            LOG.info(
                    "Endpoint '{}' subtask {} has {} blobs open, the most it keeps"
                            + " (setMaxOpenBatches): the least recently written closes early, as"
                            + " when catching up on a backlog that spans many minutes",
                    options.endpointName(),
                    subtask,
                    options.maxOpenBatches());
        }
        close(oldest);
    }

    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
        long now = timeService.getCurrentProcessingTime();
        Iterator<BlobBatch> batches = openBatches.values().iterator();
        while (batches.hasNext()) {
            BlobBatch batch = batches.next();
            if (endOfInput || now >= closesAt(batch)) {
                batches.remove();
                close(batch);
            } else {
                // The checkpoint's state may only refer to staged blocks.
                stage(batch);
            }
        }
        if (deadLetterWriter != null) {
            deadLetterWriter.flush(endOfInput);
        }
    }

    @Override
    public Collection<BlobCommittable> prepareCommit() {
        List<BlobCommittable> committables = new ArrayList<>(closedBatches);
        closedBatches.clear();
        return committables;
    }

    @Override
    public List<BlobWriterState> snapshotState(long checkpointId) {
        List<BlobWriterState.OpenBatch> open = new ArrayList<>(openBatches.size());
        for (BlobBatch batch : openBatches.values()) {
            open.add(batch.state());
        }
        long oldest = timeService.getCurrentProcessingTime() - SEQUENCE_RETENTION_MILLIS;
        sequences.values().removeIf(counter -> counter[1] < oldest);
        List<BlobWriterState.SequenceCounter> counters = new ArrayList<>(sequences.size());
        for (Map.Entry<String, long[]> entry : sequences.entrySet()) {
            counters.add(
                    new BlobWriterState.SequenceCounter(
                            entry.getKey(), (int) entry.getValue()[0], entry.getValue()[1]));
        }
        return List.of(new BlobWriterState(open, counters));
    }

    /** How many batches are open now. */
    int openBatchCount() {
        return openBatches.size();
    }

    /** The memory the open batches' buffers hold now (Avro's own buffers estimated). */
    long bufferedBytes() {
        long total = 0;
        for (BlobBatch batch : openBatches.values()) {
            total += batch.bufferedBytes();
        }
        return total;
    }

    @Override
    public void close() throws Exception {
        if (deadLetterWriter != null) {
            deadLetterWriter.close();
        }
    }

    private BlobBatch openBatch(int partition, long epochMinute)
            throws IOException, InterruptedException {
        String baseName = nameFormat.resolve(options.hubName(), partition, epochMinute);
        long now = timeService.getCurrentProcessingTime();
        long[] counter = sequences.get(baseName);
        if (counter == null) {
            counter = new long[] {0, now};
            sequences.put(baseName, counter);
        }
        String blobName;
        while (true) {
            blobName = BlobNameFormat.blobName(baseName, subtask, (int) counter[0]);
            counter[0]++;
            // A name counted in no state (pruned, or after rescaling) may already hold a committed
            // blob.
            if (!blobExists(blobName)) {
                break;
            }
        }
        counter[1] = now;
        byte[] syncMarker = new byte[BlobBatch.syncSize(encoding)];
        random.nextBytes(syncMarker);
        BlobBatch batch =
                BlobBatch.open(encoding, blobName, partition, epochMinute, now, syncMarker);
        scheduleClose(batch);
        return batch;
    }

    private boolean blobExists(String blobName) throws IOException, InterruptedException {
        Boolean exists = callUntilDone(() -> container.exists(blobName));
        return exists != null && exists;
    }

    private long closesAt(BlobBatch batch) {
        return batch.openedAtMillis + options.batchFrequency().toMillis();
    }

    /**
     * Makes sure a timer fires by the time the batch is due. One timer covers every batch due at or
     * after it (each firing sets the next), so a backlog does not pile up a timer per batch.
     */
    private void scheduleClose(BlobBatch batch) {
        long due = closesAt(batch);
        if (due < closeTimerAt) {
            closeTimerAt = due;
            timeService.registerTimer(due, this::closeDue);
        }
    }

    private void closeDue(long now) throws IOException, InterruptedException {
        if (now < closeTimerAt) {
            // an earlier timer, superseded by one set for a batch restored with an older time
            return;
        }
        closeTimerAt = Long.MAX_VALUE;
        Iterator<BlobBatch> batches = openBatches.values().iterator();
        BlobBatch next = null;
        while (batches.hasNext()) {
            BlobBatch batch = batches.next();
            if (now >= closesAt(batch)) {
                batches.remove();
                close(batch);
            } else if (next == null || closesAt(batch) < closesAt(next)) {
                next = batch;
            }
        }
        if (next != null) {
            scheduleClose(next);
        }
    }

    private void close(BlobBatch batch) throws IOException, InterruptedException {
        if (batch == lastBatch) {
            lastBatch = null;
            lastBatchKey = Long.MIN_VALUE;
        }
        stage(batch);
        if (!batch.blockIds.isEmpty()) {
            closedBatches.add(batch.committable());
        }
    }

    private void stage(BlobBatch batch) throws IOException, InterruptedException {
        if (!batch.hasPending()) {
            return;
        }
        byte[] block = batch.takeBlock();
        String blockId = blockId(batch.blockIds.size());
        try {
            retrier.call(
                    () -> {
                        container.stageBlock(batch.blobName, blockId, block);
                        return null;
                    });
        } catch (RetriesExhaustedException e) {
            divert(batch.pendingRecords(), e);
            batch.dropped();
            return;
        }
        long now = System.currentTimeMillis();
        List<RoutedMessage> records = batch.pendingRecords();
        for (int i = 0; i < records.size(); i++) {
            metrics.recordLatency(records.get(i).enqueuedTimeMillis(), now);
        }
        batch.staged(blockId, block.length);
    }

    private void divert(List<RoutedMessage> records, RetriesExhaustedException failure)
            throws IOException, InterruptedException {
        long now = System.currentTimeMillis();
        for (int i = 0; i < records.size(); i++) {
            deadLetterWriter.write(
                    DeadLetterDiversion.divert(
                            records.get(i),
                            deadLetterEndpointName,
                            failure.getCause(),
                            failure.attempts(),
                            now),
                    DeadLetterDiversion.noContext());
        }
        metrics.recordDeadLettered(records.size());
        LOG.warn(
                "Endpoint '{}' diverted {} message(s) to dead-letter endpoint '{}': {}",
                options.endpointName(),
                records.size(),
                deadLetterEndpointName,
                failure.getMessage());
    }

    /** Writer id and block index: 20 bytes, so every block id of a blob has the same length. */
    private String blockId(int index) {
        return Base64.getEncoder()
                .encodeToString(ByteBuffer.allocate(20).put(writerId).putInt(index).array());
    }

    private <T> T callUntilDone(Retrier.Attempt<T> attempt)
            throws IOException, InterruptedException {
        try {
            return retrier.call(attempt);
        } catch (RetriesExhaustedException e) {
            // Naming and container calls have no message to divert: fail, the job restarts.
            throw new IOException(e.getMessage(), e.getCause());
        }
    }

    private static long batchKey(int partition, long epochMinute) {
        return ((long) partition << 40) ^ epochMinute;
    }
}
