package io.hubroute.checkpoints;

import io.hubroute.job.RoutingJob;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.IncrementalKeyedStateHandle;
import org.apache.flink.runtime.state.KeyedStateHandle;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.SavepointReader;
import org.apache.flink.state.api.functions.KeyedStateReaderFunction;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.Collector;

/**
 * Reads the routing job's state out of a savepoint with Flink's State Processor API, as one bounded
 * job in a local MiniCluster (on loopback only): the twins of the route operator, its routes
 * broadcast state, and the raw writer and committer state of the endpoint sinks. Every entry comes
 * back as (kind, key, bytes).
 */
final class SavepointStateJob {
    /** The route operator's twin state (DeviceTwins in the job). */
    static final String TWIN_STATE = "twin";

    /** The route operator's broadcast state of live route changes, and its one key. */
    static final String ROUTES_STATE = "hubroute-routes";

    static final String ACTIVE_ROUTES = "active";

    /** Flink's Sink V2 operator state: the writers' and the committer's (SinkWriterOperator). */
    static final String WRITER_STATE = "writer_raw_states";

    static final String COMMITTER_STATE = "streaming_committer_raw_states";

    static final String KIND_TWIN = "twin";
    static final String KIND_ROUTES = "routes";
    static final String KIND_WRITER = "writer";
    static final String KIND_COMMITTER = "committer";

    private static final byte[] NO_BYTES = new byte[0];
    private static final TypeInformation<byte[]> BYTES =
            PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO;
    private static final TypeInformation<Tuple3<String, String, byte[]>> ENTRY =
            Types.TUPLE(Types.STRING, Types.STRING, BYTES);

    private SavepointStateJob() {}

    /** What to read: twins (with or without their bytes), routes and sink state. */
    record Selection(boolean twins, boolean twinBytes, boolean routesAndSinks) {}

    /**
     * Runs the job and hands every entry to {@code each}, in no particular order.
     *
     * @param sinkOperators the uid of each sink operator to read, with the endpoint it belongs to
     */
    static void read(
            SavepointMetadata savepoint,
            Selection selection,
            Map<String, String> sinkOperators,
            Consumer<Tuple3<String, String, byte[]>> each)
            throws Exception {
        StreamExecutionEnvironment env = environment();
        SavepointReader reader =
                SavepointReader.read(env, savepoint.path(), stateBackend(savepoint));
        OperatorIdentifier route = OperatorIdentifier.forUid(RoutingJob.ROUTE_UID);
        List<DataStream<Tuple3<String, String, byte[]>>> streams = new ArrayList<>();
        if (selection.twins()) {
            streams.add(
                    reader.readKeyedState(
                            route, new TwinReader(selection.twinBytes()), Types.STRING, ENTRY));
        }
        if (selection.routesAndSinks()) {
            if (operatorStateNames(savepoint.operator(RoutingJob.ROUTE_UID))
                    .contains(ROUTES_STATE)) {
                streams.add(
                        reader.readBroadcastState(route, ROUTES_STATE, Types.STRING, Types.STRING)
                                .map(new RoutesEntry())
                                .returns(ENTRY));
            }
            for (Map.Entry<String, String> sink : sinkOperators.entrySet()) {
                List<String> names = operatorStateNames(savepoint.operator(sink.getKey()));
                OperatorIdentifier operator = OperatorIdentifier.forUid(sink.getKey());
                if (names.contains(WRITER_STATE)) {
                    streams.add(
                            reader.readListState(operator, WRITER_STATE, BYTES)
                                    .map(new Tagged(KIND_WRITER, sink.getValue()))
                                    .returns(ENTRY));
                }
                if (names.contains(COMMITTER_STATE)) {
                    streams.add(
                            reader.readListState(operator, COMMITTER_STATE, BYTES)
                                    .map(new Tagged(KIND_COMMITTER, sink.getValue()))
                                    .returns(ENTRY));
                }
            }
        }
        if (streams.isEmpty()) {
            return;
        }
        DataStream<Tuple3<String, String, byte[]>> all = streams.get(0);
        for (DataStream<Tuple3<String, String, byte[]>> stream :
                streams.subList(1, streams.size())) {
            all = all.union(stream);
        }
        try (CloseableIterator<Tuple3<String, String, byte[]>> entries =
                all.executeAndCollect("hubroute savepoint " + savepoint.path())) {
            while (entries.hasNext()) {
                each.accept(entries.next());
            }
        }
    }

    /** The operator state names (managed) of an operator, from the savepoint's metadata. */
    static List<String> operatorStateNames(OperatorState operator) {
        List<String> names = new ArrayList<>();
        if (operator == null) {
            return names;
        }
        for (OperatorSubtaskState subtask : operator.getStates()) {
            subtask.getManagedOperatorState()
                    .forEach(
                            handle -> {
                                for (String name :
                                        handle.getStateNameToPartitionOffsets().keySet()) {
                                    if (!names.contains(name)) {
                                        names.add(name);
                                    }
                                }
                            });
        }
        return names;
    }

    /**
     * Savepoints in the canonical format (the default) read with any backend; a native-format
     * savepoint of the RocksDB backend only with RocksDB.
     */
    private static StateBackend stateBackend(SavepointMetadata savepoint) {
        OperatorState route = savepoint.operator(RoutingJob.ROUTE_UID);
        for (OperatorSubtaskState subtask : route.getStates()) {
            for (KeyedStateHandle handle : subtask.getManagedKeyedState()) {
                if (handle instanceof IncrementalKeyedStateHandle) {
                    return new EmbeddedRocksDBStateBackend();
                }
            }
        }
        return new HashMapStateBackend();
    }

    /** A bounded job in a MiniCluster of this JVM, every address on loopback. */
    private static StreamExecutionEnvironment environment() {
        Configuration flink = new Configuration();
        flink.setString("jobmanager.bind-host", "127.0.0.1");
        flink.setString("jobmanager.rpc.address", "127.0.0.1");
        flink.setString("taskmanager.bind-host", "127.0.0.1");
        flink.setString("taskmanager.host", "127.0.0.1");
        flink.setString("rest.bind-address", "127.0.0.1");
        flink.setString("rest.address", "127.0.0.1");
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(1, flink);
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        return env;
    }

    /** The twin of each key (the job's DeviceTwins state); keys without a twin are left out. */
    static final class TwinReader
            extends KeyedStateReaderFunction<String, Tuple3<String, String, byte[]>> {
        private static final long serialVersionUID = 1L;
        private final boolean withBytes;
        private transient ValueState<byte[]> twin;

        TwinReader(boolean withBytes) {
            this.withBytes = withBytes;
        }

        @Override
        public void open(OpenContext context) {
            twin = getRuntimeContext().getState(new ValueStateDescriptor<>(TWIN_STATE, BYTES));
        }

        @Override
        public void readKey(
                String key, Context context, Collector<Tuple3<String, String, byte[]>> out)
                throws Exception {
            byte[] value = twin.value();
            if (value != null) {
                out.collect(Tuple3.of(KIND_TWIN, key, withBytes ? value : NO_BYTES));
            }
        }
    }

    private static final class RoutesEntry
            implements MapFunction<Tuple2<String, String>, Tuple3<String, String, byte[]>> {
        private static final long serialVersionUID = 1L;

        @Override
        public Tuple3<String, String, byte[]> map(Tuple2<String, String> entry) {
            return Tuple3.of(
                    KIND_ROUTES,
                    entry.f0,
                    entry.f1.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    private static final class Tagged
            implements MapFunction<byte[], Tuple3<String, String, byte[]>> {
        private static final long serialVersionUID = 1L;
        private final String kind;
        private final String endpoint;

        Tagged(String kind, String endpoint) {
            this.kind = kind;
            this.endpoint = endpoint;
        }

        @Override
        public Tuple3<String, String, byte[]> map(byte[] state) {
            return Tuple3.of(kind, endpoint, state);
        }
    }
}
