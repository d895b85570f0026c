package io.hubroute.checkpoints;

import io.hubroute.job.RoutingJob;
import io.hubroute.sink.blob.BlobSinkState;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.core.io.SimpleVersionedSerialization;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputViewStreamWrapper;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.metrics.groups.InternalSinkCommitterMetricGroup;
import org.apache.flink.runtime.state.KeyGroupsStateHandle;
import org.apache.flink.runtime.state.KeyedBackendSerializationProxy;
import org.apache.flink.runtime.state.KeyedStateHandle;
import org.apache.flink.runtime.state.metainfo.StateMetaInfoSnapshot;
import org.apache.flink.streaming.runtime.operators.sink.committables.CheckpointCommittableManager;
import org.apache.flink.streaming.runtime.operators.sink.committables.CommittableCollector;
import org.apache.flink.streaming.runtime.operators.sink.committables.CommittableCollectorSerializer;

/**
 * {@code hubroute savepoint inspect}: what a savepoint of the routing job holds.
 *
 * <pre>{@code
 * SavepointReport report = SavepointInspector.inspect("/savepoints/savepoint-3f2c1a-5d8e0b7c9a11");
 * report.deviceTwins(); // twins in the route operator's state
 * report.routesVersion(); // null for a job from before live route changes
 * }</pre>
 *
 * <p>Runs Flink's State Processor API in a local MiniCluster of this JVM (a few seconds).
 */
public final class SavepointInspector {
    private SavepointInspector() {}

    /**
     * Reads the savepoint at {@code path} (its directory, its {@code _metadata}, or a URI Flink's
     * file systems read).
     *
     * @throws InvalidSavepointException when it is not a savepoint of the routing job this version
     *     can read, saying what was found
     */
    public static SavepointReport inspect(String path) throws IOException {
        SavepointMetadata savepoint = SavepointMetadata.load(path);
        List<SavepointReport.Operator> operators = new ArrayList<>();
        Map<String, String> sinkOperators = new LinkedHashMap<>();
        for (OperatorState operator : savepoint.operators()) {
            String uid = SavepointMetadata.label(operator);
            List<String> names = keyedStateNames(operator);
            for (String name : SavepointStateJob.operatorStateNames(operator)) {
                if (!names.contains(name)) {
                    names.add(name);
                }
            }
            operators.add(
                    new SavepointReport.Operator(
                            uid,
                            operator.getParallelism(),
                            operator.getMaxParallelism(),
                            names,
                            operator.getStateSize()));
            String endpoint = EndpointOperators.endpointOf(uid);
            if (endpoint != null) {
                sinkOperators.put(uid, endpoint);
            }
        }

        long[] twins = new long[2];
        String[] routes = new String[1];
        Map<String, List<byte[]>> writerStates = new LinkedHashMap<>();
        Map<String, List<byte[]>> committerStates = new LinkedHashMap<>();
        try {
            SavepointStateJob.read(
                    savepoint,
                    new SavepointStateJob.Selection(true, false, true),
                    sinkOperators,
                    (Tuple3<String, String, byte[]> entry) -> {
                        switch (entry.f0) {
                            case SavepointStateJob.KIND_TWIN:
                                twins[entry.f1.indexOf('/') < 0 ? 0 : 1]++;
                                break;
                            case SavepointStateJob.KIND_ROUTES:
                                if (SavepointStateJob.ACTIVE_ROUTES.equals(entry.f1)) {
                                    routes[0] = new String(entry.f2, StandardCharsets.UTF_8);
                                }
                                break;
                            case SavepointStateJob.KIND_WRITER:
                                writerStates
                                        .computeIfAbsent(entry.f1, e -> new ArrayList<>())
                                        .add(entry.f2);
                                break;
                            default:
                                committerStates
                                        .computeIfAbsent(entry.f1, e -> new ArrayList<>())
                                        .add(entry.f2);
                                break;
                        }
                    });
        } catch (Exception e) {
            throw TwinExporter.unreadable(path, e);
        }

        List<SavepointReport.BlobEndpoint> blobEndpoints = new ArrayList<>();
        for (Map.Entry<String, List<byte[]>> writer : writerStates.entrySet()) {
            Optional<List<SavepointReport.Blob>> open = openBatches(writer.getValue());
            if (open.isEmpty()) {
                continue; // not a Blob Storage endpoint
            }
            List<SavepointReport.Blob> pending = new ArrayList<>();
            for (byte[] state : committerStates.getOrDefault(writer.getKey(), List.of())) {
                pending.addAll(pendingCommits(writer.getKey(), state));
            }
            blobEndpoints.add(
                    new SavepointReport.BlobEndpoint(writer.getKey(), pending, open.get()));
        }
        return new SavepointReport(
                path,
                savepoint.checkpointId(),
                operators,
                twins[0],
                twins[1],
                routes[0] == null ? null : routesVersion(path, routes[0]),
                blobEndpoints);
    }

    private static SavepointReport.RoutesVersion routesVersion(String path, String json) {
        io.hubroute.config.RoutesVersion version;
        try {
            version = io.hubroute.config.RoutesVersion.fromJson(json);
        } catch (IllegalArgumentException e) {
            throw new InvalidSavepointException(
                    path
                            + ": the active routes in "
                            + RoutingJob.ROUTE_UID
                            + "'s state cannot be read: "
                            + e.getMessage());
        }
        return new SavepointReport.RoutesVersion(
                version.version(), version.fileName(), version.publishedAt());
    }

    /** The open batches of every writer, or empty when the state is not a blob sink's. */
    private static Optional<List<SavepointReport.Blob>> openBatches(List<byte[]> states)
            throws IOException {
        List<SavepointReport.Blob> open = new ArrayList<>();
        for (byte[] state : states) {
            // SimpleVersionedListState: version, length, the serializer's bytes
            DataInputDeserializer in = new DataInputDeserializer(state);
            if (state.length < 8) {
                return Optional.empty();
            }
            int version = in.readInt();
            int length = in.readInt();
            if (length != state.length - 8) {
                return Optional.empty();
            }
            byte[] serialized = new byte[length];
            in.readFully(serialized);
            Optional<List<BlobSinkState.Batch>> batches =
                    BlobSinkState.openBatches(version, serialized);
            if (batches.isEmpty()) {
                return Optional.empty();
            }
            for (BlobSinkState.Batch batch : batches.get()) {
                open.add(blob(batch));
            }
        }
        return Optional.of(open);
    }

    /**
     * The committables in one committer state: Flink's own collector, read with the sink's
     * committable format, and handed to a committer that only lists them.
     */
    private static List<SavepointReport.Blob> pendingCommits(String endpoint, byte[] state)
            throws IOException {
        CommittableCollectorSerializer<BlobSinkState.Batch> serializer =
                new CommittableCollectorSerializer<>(
                        BlobSinkState.committableReader(),
                        0,
                        1,
                        InternalSinkCommitterMetricGroup.wrap(
                                UnregisteredMetricsGroup.createOperatorMetricGroup()));
        CommittableCollector<BlobSinkState.Batch> collector;
        try {
            collector = SimpleVersionedSerialization.readVersionAndDeSerialize(serializer, state);
        } catch (IOException | RuntimeException e) {
            throw new IOException(
                    "the committer state of endpoint " + endpoint + " cannot be read: " + e, e);
        }
        List<SavepointReport.Blob> pending = new ArrayList<>();
        Committer<BlobSinkState.Batch> listing =
                new Committer<>() {
                    @Override
                    public void commit(
                            Collection<Committer.CommitRequest<BlobSinkState.Batch>> requests) {
                        for (Committer.CommitRequest<BlobSinkState.Batch> request : requests) {
                            pending.add(blob(request.getCommittable()));
                        }
                    }

                    @Override
                    public void close() {}
                };
        for (CheckpointCommittableManager<BlobSinkState.Batch> checkpoint :
                collector.getCheckpointCommittablesUpTo(Long.MAX_VALUE)) {
            try {
                checkpoint.commit(listing, 0);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
        return pending;
    }

    private static SavepointReport.Blob blob(BlobSinkState.Batch batch) {
        return new SavepointReport.Blob(
                batch.blobName(), batch.blocks(), batch.records(), batch.bytes());
    }

    /**
     * The keyed state names of an operator, from the header of its keyed state (canonical format);
     * none when the operator has no keyed state or the header cannot be read here.
     */
    private static List<String> keyedStateNames(OperatorState operator) {
        List<String> names = new ArrayList<>();
        for (OperatorSubtaskState subtask : operator.getStates()) {
            for (KeyedStateHandle handle : subtask.getManagedKeyedState()) {
                if (!(handle instanceof KeyGroupsStateHandle)) {
                    continue;
                }
                try (InputStream in = ((KeyGroupsStateHandle) handle).openInputStream()) {
                    KeyedBackendSerializationProxy<?> proxy =
                            new KeyedBackendSerializationProxy<>(
                                    SavepointInspector.class.getClassLoader());
                    proxy.read(new DataInputViewStreamWrapper(in));
                    for (StateMetaInfoSnapshot state : proxy.getStateMetaInfoSnapshots()) {
                        if (!names.contains(state.getName())) {
                            names.add(state.getName());
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    // names are a courtesy: sizes and the state itself are read elsewhere
                }
            }
        }
        return names;
    }
}
