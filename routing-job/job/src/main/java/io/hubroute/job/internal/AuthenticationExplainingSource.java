package io.hubroute.job.internal;

import io.hubroute.job.source.SourceAuthenticationException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderInfo;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.connector.source.SplitsAssignment;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.KafkaSourceEnumState;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.metrics.groups.SplitEnumeratorMetricGroup;
import org.apache.flink.streaming.api.lineage.LineageVertex;
import org.apache.flink.streaming.api.lineage.LineageVertexProvider;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;

/**
 * A {@link KafkaSource} whose refused logins say what to check. The Kafka client reports
 * credentials the broker refuses (a wrong SharedAccessKey, key name or namespace; a certificate it
 * does not trust) with an {@link AuthenticationException} at once, and the job fails at once: in
 * the enumerator's partition discovery, or in a reader's fetch. Flink's words for it ("Failed to
 * list subscribed topic partitions due to") name neither the source nor the fix; this source does
 * everything the Kafka source does and puts such a failure inside a {@link
 * SourceAuthenticationException} that names the source, its bootstrap servers and the settings to
 * check (never their values). Any other failure passes unchanged.
 */
public final class AuthenticationExplainingSource<T>
        implements Source<T, KafkaPartitionSplit, KafkaSourceEnumState>,
                ResultTypeQueryable<T>,
                LineageVertexProvider {
    private static final long serialVersionUID = 1L;

    private final KafkaSource<T> source;
    private final String description;
    private final boolean eventHubsConnectionString;

    /**
     * @param description the source as errors name it: what it reads and where ({@code d2c source
     *     [telemetry] at ns.servicebus.windows.net:9093}); no secrets
     * @param eventHubsConnectionString whether the job config logs in with {@code
     *     source.eventHubsConnectionString} (else with its own Kafka properties)
     */
    public AuthenticationExplainingSource(
            KafkaSource<T> source, String description, boolean eventHubsConnectionString) {
        this.source = Objects.requireNonNull(source, "source");
        this.description = Objects.requireNonNull(description, "description");
        this.eventHubsConnectionString = eventHubsConnectionString;
    }

    /**
     * {@code failure} as a {@link SourceAuthenticationException} when an {@link
     * AuthenticationException} caused it, else unchanged.
     */
    RuntimeException explain(RuntimeException failure) {
        AuthenticationException refused = authenticationFailure(failure);
        if (refused == null || failure instanceof SourceAuthenticationException) {
            return failure;
        }
        return new SourceAuthenticationException(
                description
                        + ": authentication failed: "
                        + advice(refused)
                        + "; retrying cannot fix this, so the job fails now: correct the setting"
                        + " and start the job again. Cause: "
                        + refused.getClass().getSimpleName()
                        + ": "
                        + refused.getMessage(),
                failure);
    }

    private String advice(AuthenticationException refused) {
        if (refused instanceof SslAuthenticationException) {
            return "the TLS handshake failed: check that the broker's certificate is trusted (the"
                    + " certificate of an emulator or a private CA needs"
                    + " source.kafkaProperties.ssl.truststore.location, .password and .type) and"
                    + " that it names the host in the connection string's Endpoint";
        }
        if (eventHubsConnectionString) {
            return "the Event Hubs namespace refused the connection string (SASL PLAIN, user"
                    + " $ConnectionString): check source.eventHubsConnectionString, its"
                    + " SharedAccessKeyName (a shared access policy of this namespace or event"
                    + " hub), its SharedAccessKey (that policy's current primary or"
                    + " secondary key; regenerating a key revokes the old one) and its Endpoint (the"
                    + " namespace the policy belongs to, sb://<namespace>.servicebus.windows.net/)";
        }
        return "the broker refused the SASL credentials: check sasl.mechanism and the user name"
                + " and password in source.kafkaProperties.sasl.jaas.config";
    }

    private static AuthenticationException authenticationFailure(Throwable failure) {
        Throwable cause = failure;
        for (int depth = 0; cause != null && depth < 30; depth++) {
            if (cause instanceof AuthenticationException) {
                return (AuthenticationException) cause;
            }
            cause = cause.getCause();
        }
        return null;
    }

    @Override
    public Boundedness getBoundedness() {
        return source.getBoundedness();
    }

    @Override
    public SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> createEnumerator(
            SplitEnumeratorContext<KafkaPartitionSplit> context) throws Exception {
        return source.createEnumerator(new ExplainingContext(context));
    }

    @Override
    public SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> restoreEnumerator(
            SplitEnumeratorContext<KafkaPartitionSplit> context, KafkaSourceEnumState checkpoint)
            throws Exception {
        return source.restoreEnumerator(new ExplainingContext(context), checkpoint);
    }

    @Override
    public SimpleVersionedSerializer<KafkaPartitionSplit> getSplitSerializer() {
        return source.getSplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<KafkaSourceEnumState> getEnumeratorCheckpointSerializer() {
        return source.getEnumeratorCheckpointSerializer();
    }

    @Override
    public SourceReader<T, KafkaPartitionSplit> createReader(SourceReaderContext context)
            throws Exception {
        return new ExplainingReader(source.createReader(context));
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return source.getProducedType();
    }

    @Override
    public LineageVertex getLineageVertex() {
        return source.getLineageVertex();
    }

    @Override
    public String toString() {
        return "AuthenticationExplainingSource{" + description + "}";
    }

    /**
     * The enumerator's context: the Kafka enumerator's asynchronous work (partition discovery,
     * offsets) fails in the handlers it gives {@code callAsync}, which fail the job.
     */
    private final class ExplainingContext implements SplitEnumeratorContext<KafkaPartitionSplit> {
        private final SplitEnumeratorContext<KafkaPartitionSplit> context;

        ExplainingContext(SplitEnumeratorContext<KafkaPartitionSplit> context) {
            this.context = context;
        }

        private <R> BiConsumer<R, Throwable> explaining(BiConsumer<R, Throwable> handler) {
            return (result, error) -> {
                try {
                    handler.accept(result, error);
                } catch (RuntimeException e) {
                    throw explain(e);
                }
            };
        }

        @Override
        public SplitEnumeratorMetricGroup metricGroup() {
            return context.metricGroup();
        }

        @Override
        public void sendEventToSourceReader(int subtaskId, SourceEvent event) {
            context.sendEventToSourceReader(subtaskId, event);
        }

        @Override
        public void sendEventToSourceReader(int subtaskId, int attemptNumber, SourceEvent event) {
            context.sendEventToSourceReader(subtaskId, attemptNumber, event);
        }

        @Override
        public int currentParallelism() {
            return context.currentParallelism();
        }

        @Override
        public Map<Integer, ReaderInfo> registeredReaders() {
            return context.registeredReaders();
        }

        @Override
        public Map<Integer, Map<Integer, ReaderInfo>> registeredReadersOfAttempts() {
            return context.registeredReadersOfAttempts();
        }

        @Override
        public void assignSplits(SplitsAssignment<KafkaPartitionSplit> newSplitAssignments) {
            context.assignSplits(newSplitAssignments);
        }

        @Override
        public void assignSplit(KafkaPartitionSplit split, int subtask) {
            context.assignSplit(split, subtask);
        }

        @Override
        public void signalNoMoreSplits(int subtask) {
            context.signalNoMoreSplits(subtask);
        }

        @Override
        public <R> void callAsync(Callable<R> callable, BiConsumer<R, Throwable> handler) {
            context.callAsync(callable, explaining(handler));
        }

        @Override
        public <R> void callAsync(
                Callable<R> callable,
                BiConsumer<R, Throwable> handler,
                long initialDelayMillis,
                long periodMillis) {
            context.callAsync(callable, explaining(handler), initialDelayMillis, periodMillis);
        }

        @Override
        public void runInCoordinatorThread(Runnable runnable) {
            context.runInCoordinatorThread(
                    () -> {
                        try {
                            runnable.run();
                        } catch (RuntimeException e) {
                            throw explain(e);
                        }
                    });
        }

        @Override
        public void setIsProcessingBacklog(boolean isProcessingBacklog) {
            context.setIsProcessingBacklog(isProcessingBacklog);
        }
    }

    /** A reader: a fetch that fails surfaces in {@code pollNext}, which fails the task. */
    private final class ExplainingReader implements SourceReader<T, KafkaPartitionSplit> {
        private final SourceReader<T, KafkaPartitionSplit> reader;

        ExplainingReader(SourceReader<T, KafkaPartitionSplit> reader) {
            this.reader = reader;
        }

        @Override
        public void start() {
            reader.start();
        }

        @Override
        public InputStatus pollNext(ReaderOutput<T> output) throws Exception {
            try {
                return reader.pollNext(output);
            } catch (RuntimeException e) {
                throw explain(e);
            }
        }

        @Override
        public List<KafkaPartitionSplit> snapshotState(long checkpointId) {
            return reader.snapshotState(checkpointId);
        }

        @Override
        public CompletableFuture<Void> isAvailable() {
            return reader.isAvailable();
        }

        @Override
        public void addSplits(List<KafkaPartitionSplit> splits) {
            reader.addSplits(splits);
        }

        @Override
        public void notifyNoMoreSplits() {
            reader.notifyNoMoreSplits();
        }

        @Override
        public void handleSourceEvents(SourceEvent sourceEvent) {
            reader.handleSourceEvents(sourceEvent);
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) throws Exception {
            reader.notifyCheckpointComplete(checkpointId);
        }

        @Override
        public void notifyCheckpointAborted(long checkpointId) throws Exception {
            reader.notifyCheckpointAborted(checkpointId);
        }

        @Override
        public void pauseOrResumeSplits(
                Collection<String> splitsToPause, Collection<String> splitsToResume) {
            reader.pauseOrResumeSplits(splitsToPause, splitsToResume);
        }

        @Override
        public void close() throws Exception {
            reader.close();
        }
    }
}
