package io.hubroute.checkpoints;

import io.hubroute.config.CheckpointOptions;
import io.hubroute.config.JobConfig;
import io.hubroute.config.RoutesVersion;
import io.hubroute.config.SourceOptions;
import io.hubroute.job.RoutesFileRouter;
import io.hubroute.job.RoutingJob;
import io.hubroute.job.internal.DecodeResultTypeInfo;
import io.hubroute.job.source.DecodeResult;
import io.hubroute.job.source.DecodedRecord;
import io.hubroute.message.Message;
import io.hubroute.message.MessageProperties;
import io.hubroute.message.RoutingSource;
import io.hubroute.sink.RoutedMessage;
import io.hubroute.sink.blob.internal.BlobCommittable;
import io.hubroute.sink.blob.internal.BlobCommittableSerializer;
import io.hubroute.sink.blob.internal.BlobWriterState;
import io.hubroute.sink.blob.internal.BlobWriterStateSerializer;
import io.hubroute.twin.TwinEvents;
import io.hubroute.twin.TwinState;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.Collector;

/**
 * Real savepoints for the savepoint tools' tests: the routing job itself ({@link RoutingJob}) in a
 * local MiniCluster at parallelism 2, fed twin lifecycle and change events and then telemetry by an
 * unbounded generator (its first split has the events, in order, before its telemetry; the second
 * only telemetry), stopped with a savepoint once every twin key has seen telemetry of the first
 * split, so after its events. Endpoint "archive" is a sink with the Blob Storage sink's own writer
 * state and committables (its serializers), so the savepoint holds real Sink V2 writer and
 * committer state of that format without a storage account.
 */
final class RoutingJobSavepoints {
    static final String ROUTES =
            String.join(
                    "\n",
                    "hubName: savepoint-hub",
                    "builtInEndpoint: {connectionString: 'kafka://127.0.0.1:1', entityPath: events}",
                    "endpoints:",
                    "  storageContainers:",
                    "    - {name: archive, connectionString: 'UseDevelopmentStorage=true', containerName: archive, encoding: json}",
                    "routes:",
                    "  - {name: All, source: DeviceMessages, condition: 'true', endpointNames: [archive]}",
                    "fallbackRoute: {isEnabled: true, endpointNames: [events]}",
                    "");

    /** The keys telemetry cycles through once the twin events are in. */
    static final List<String> KEYS = List.of("d-0", "d-1", "d-2", "d-3", "d-0/m-1");

    /**
     * Telemetry deliveries to "archive" from the first source split (which had the twin events
     * before them, in order) before the savepoint: ten per key at least.
     */
    private static final long DELIVERIES = 10L * KEYS.size();

    /** Indexes below this are the first source split's (DataGeneratorSource halves the range). */
    private static final long FIRST_SPLIT = 1L << 40;

    /** Records "archive" received; reset by each job. */
    static final AtomicLong ARCHIVED = new AtomicLong();

    /** Records of the first source split "archive" received. */
    static final AtomicLong ARCHIVED_FIRST_SPLIT = new AtomicLong();

    /** Records each open batch of the fake blob writer claims: recognisable in the report. */
    static final long OPEN_BATCH_RECORDS = 7;

    private RoutingJobSavepoints() {}

    /** The twin events, in the order the job receives them. */
    static List<DecodedRecord> twinEvents() {
        List<DecodedRecord> events = new ArrayList<>();
        events.add(
                lifecycle(
                        "d-0",
                        null,
                        TwinEvents.CREATE_DEVICE_IDENTITY,
                        "{\"deviceId\":\"d-0\",\"tags\":{\"site\":\"north\",\"building\":43},\"properties\":{\"desired\":{\"interval\":5,\"$version\":2},\"reported\":{\"fw\":\"1.0\",\"$metadata\":{}}}}"));
        events.add(
                lifecycle(
                        "d-1",
                        null,
                        TwinEvents.CREATE_DEVICE_IDENTITY,
                        "{\"deviceId\":\"d-1\",\"tags\":{\"site\":\"south\"},\"properties\":{\"desired\":{},\"reported\":{}}}"));
        events.add(
                lifecycle(
                        "d-2",
                        null,
                        TwinEvents.CREATE_DEVICE_IDENTITY,
                        "{\"deviceId\":\"d-2\",\"tags\":{\"site\":\"east\",\"floors\":[1,2]}}"));
        events.add(
                lifecycle(
                        "d-0",
                        "m-1",
                        TwinEvents.CREATE_MODULE_IDENTITY,
                        "{\"deviceId\":\"d-0\",\"moduleId\":\"m-1\",\"tags\":{\"role\":\"edge\"},\"properties\":{\"reported\":{\"ok\":true}}}"));
        events.add(
                twinChange(
                        "d-1",
                        TwinEvents.UPDATE_TWIN,
                        "{\"tags\":{\"building\":\"12\"},\"properties\":{\"reported\":{\"fw\":\"2.1\"}}}"));
        events.add(
                lifecycle(
                        "d-3",
                        null,
                        TwinEvents.CREATE_DEVICE_IDENTITY,
                        "{\"deviceId\":\"d-3\",\"tags\":{\"site\":\"gone\"}}"));
        events.add(lifecycle("d-3", null, TwinEvents.DELETE_DEVICE_IDENTITY, "{}"));
        events.add(
                twinChange(
                        "d-2",
                        TwinEvents.REPLACE_TWIN,
                        "{\"tags\":{\"site\":\"west\"},\"properties\":{\"desired\":{\"mode\":\"eco\"}}}"));
        return events;
    }

    /** The twins the events produce, by twin key: what the job must hold. */
    static Map<String, byte[]> expectedTwins() {
        Map<String, TwinState> twins = new TreeMap<>();
        for (DecodedRecord event : twinEvents()) {
            String key = event.twinKey();
            Optional<TwinState> next = TwinEvents.apply(twins.get(key), event.message());
            if (next.isPresent()) {
                twins.put(key, next.get());
            } else {
                twins.remove(key);
            }
        }
        Map<String, byte[]> bytes = new TreeMap<>();
        twins.forEach((key, twin) -> bytes.put(key, twin.toBytes()));
        return bytes;
    }

    /**
     * Runs the routing job until the twins are in, and stops it with a savepoint in {@code dir}.
     */
    static String routingJobSavepoint(Path dir) throws Exception {
        return routingJobSavepoint(dir, 2, null);
    }

    /**
     * As {@link #routingJobSavepoint(Path)}, at the given parallelism (at 1 the route operator is
     * chained to the source, without a shuffle), restored from {@code restoreFrom} when not null.
     */
    static String routingJobSavepoint(Path dir, int parallelism, String restoreFrom)
            throws Exception {
        ARCHIVED.set(0);
        ARCHIVED_FIRST_SPLIT.set(0);
        JobConfig config =
                JobConfig.defaults()
                        .withSource(SourceOptions.kafka("127.0.0.1:1", List.of("d2c")))
                        .withCheckpointing(
                                CheckpointOptions.defaults().withInterval(Duration.ofMinutes(10)))
                        .withParallelism(parallelism);
        Configuration flink = RoutingJob.flinkConfiguration(config);
        if (restoreFrom != null) {
            flink.setString("execution.state-recovery.path", restoreFrom);
        }
        StreamExecutionEnvironment env = environment(flink);
        RoutingJob.builder()
                .setJobConfig(config)
                .setRouterFactory(RoutesFileRouter.factory(ROUTES, "routes.yaml"))
                .setRecordSource(
                        e ->
                                e.fromSource(
                                                new DataGeneratorSource<>(
                                                        new Events(),
                                                        Long.MAX_VALUE,
                                                        RateLimiterStrategy.perSecond(200),
                                                        DecodeResultTypeInfo.of()),
                                                WatermarkStrategy.noWatermarks(),
                                                "events")
                                        .uid(RoutingJob.SOURCE_UID))
                .addEndpointSink("archive", new BlobStateSink())
                .addEndpointSink("events", new DiscardingSink<>())
                .build()
                .addTo(env);
        return stopWithSavepoint(env, dir, () -> ARCHIVED_FIRST_SPLIT.get() >= DELIVERIES);
    }

    /** A job of another application: one keyed operator with a uid of its own. */
    static String otherJobSavepoint(Path dir) throws Exception {
        StreamExecutionEnvironment env = environment(new Configuration());
        env.fromSource(
                        new DataGeneratorSource<>(
                                index -> index,
                                Long.MAX_VALUE,
                                RateLimiterStrategy.perSecond(100),
                                Types.LONG),
                        WatermarkStrategy.noWatermarks(),
                        "numbers")
                .uid("numbers")
                .keyBy(n -> n % 3)
                .process(new Counting())
                .uid("word-count")
                .sinkTo(new DiscardingSink<>());
        long start = System.nanoTime();
        return stopWithSavepoint(
                env, dir, () -> System.nanoTime() - start > TimeUnit.MILLISECONDS.toNanos(500));
    }

    /** Keyed and broadcast elements the live-routes job processed; reset by each job. */
    static final AtomicLong LIVE_ROUTES_SEEN = new AtomicLong();

    /** The routes version the live-routes job keeps, as {@code hubroute routes push} writes it. */
    static final String ROUTES_VERSION =
            new RoutesVersion(7, "routes.yaml", ROUTES, Instant.parse("2026-12-01T10:00:00Z"))
                    .toJson();

    /**
     * A job with live route changes, as far as its state goes: the route operator ({@code
     * hubroute-route}) is a keyed broadcast function with the twin state and the routes broadcast
     * state ({@code "hubroute-routes"}, key {@code "active"}) of the routing job.
     */
    static String liveRoutesSavepoint(Path dir) throws Exception {
        LIVE_ROUTES_SEEN.set(0);
        StreamExecutionEnvironment env = environment(new Configuration());
        MapStateDescriptor<String, String> routesState =
                new MapStateDescriptor<>("hubroute-routes", Types.STRING, Types.STRING);
        BroadcastStream<String> versions =
                env.fromSource(
                                new DataGeneratorSource<>(
                                        index -> ROUTES_VERSION,
                                        Long.MAX_VALUE,
                                        RateLimiterStrategy.perSecond(20),
                                        Types.STRING),
                                WatermarkStrategy.noWatermarks(),
                                "versions")
                        .setParallelism(1)
                        .uid("hubroute-routes-source")
                        .broadcast(routesState);
        env.fromSource(
                        new DataGeneratorSource<>(
                                index -> "device-" + (index % 3),
                                Long.MAX_VALUE,
                                RateLimiterStrategy.perSecond(100),
                                Types.STRING),
                        WatermarkStrategy.noWatermarks(),
                        "devices")
                .uid(RoutingJob.SOURCE_UID)
                .keyBy(device -> device)
                .connect(versions)
                .process(new LiveRoutes(routesState))
                .uid(RoutingJob.ROUTE_UID)
                .sinkTo(new DiscardingSink<>());
        return stopWithSavepoint(env, dir, () -> LIVE_ROUTES_SEEN.get() >= 20);
    }

    private static final class LiveRoutes
            extends KeyedBroadcastProcessFunction<String, String, String, String> {
        private static final long serialVersionUID = 1L;
        private final MapStateDescriptor<String, String> routesState;
        private transient ValueState<byte[]> twin;

        LiveRoutes(MapStateDescriptor<String, String> routesState) {
            this.routesState = routesState;
        }

        @Override
        public void open(OpenContext context) {
            twin =
                    getRuntimeContext()
                            .getState(
                                    new ValueStateDescriptor<>(
                                            "twin",
                                            PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        }

        @Override
        public void processElement(String device, ReadOnlyContext context, Collector<String> out)
                throws Exception {
            twin.update(TwinState.parse("{\"tags\":{\"site\":\"north\"}}").toBytes());
            LIVE_ROUTES_SEEN.incrementAndGet();
        }

        @Override
        public void processBroadcastElement(String version, Context context, Collector<String> out)
                throws Exception {
            context.getBroadcastState(routesState).put("active", version);
            LIVE_ROUTES_SEEN.incrementAndGet();
        }
    }

    private static StreamExecutionEnvironment environment(Configuration flink) {
        flink.setString("jobmanager.bind-host", "127.0.0.1");
        flink.setString("taskmanager.bind-host", "127.0.0.1");
        flink.setString("taskmanager.host", "127.0.0.1");
        return StreamExecutionEnvironment.createLocalEnvironment(2, flink);
    }

    private static String stopWithSavepoint(
            StreamExecutionEnvironment env, Path dir, java.util.function.BooleanSupplier ready)
            throws Exception {
        JobClient job = env.executeAsync("savepoint test job");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!ready.getAsBoolean()) {
            if (System.nanoTime() > deadline
                    || job.getJobStatus().get().isGloballyTerminalState()) {
                job.cancel();
                throw new AssertionError("the job did not get going: " + job.getJobStatus().get());
            }
            Thread.sleep(50);
        }
        // a savepoint can only be taken once every task runs
        while (true) {
            try {
                return job.stopWithSavepoint(
                                false, dir.toUri().toString(), SavepointFormatType.CANONICAL)
                        .get(60, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    private static DecodedRecord lifecycle(
            String device, String module, String operation, String body) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("opType", operation);
        properties.put("deviceId", device);
        if (module != null) {
            properties.put("moduleId", module);
        }
        return record(RoutingSource.DEVICE_LIFECYCLE_EVENTS, device, module, properties, body);
    }

    private static DecodedRecord twinChange(String device, String operation, String body) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("opType", operation);
        properties.put("deviceId", device);
        return record(RoutingSource.TWIN_CHANGE_EVENTS, device, null, properties, body);
    }

    private static DecodedRecord record(
            RoutingSource source,
            String device,
            String module,
            Map<String, String> properties,
            String body) {
        Message message =
                Message.builder(source)
                        .appProperties(MessageProperties.of(properties))
                        .body(body)
                        .build();
        return new DecodedRecord(message, device, module, "d2c", 0, 0, 1_000L);
    }

    /** The twin events, then telemetry for every key in turn, without end. */
    private static final class Events implements GeneratorFunction<Long, DecodeResult> {
        private static final long serialVersionUID = 1L;
        private transient List<DecodedRecord> twinEvents;

        @Override
        public DecodeResult map(Long index) {
            if (twinEvents == null) {
                twinEvents = twinEvents();
            }
            if (index < twinEvents.size()) {
                return twinEvents.get(index.intValue());
            }
            String key = KEYS.get((int) (index % KEYS.size()));
            int slash = key.indexOf('/');
            String device = slash < 0 ? key : key.substring(0, slash);
            String module = slash < 0 ? null : key.substring(slash + 1);
            Message message =
                    Message.builder(RoutingSource.DEVICE_MESSAGES)
                            .systemProperties(
                                    MessageProperties.of(Map.of("messageId", "m-" + index)))
                            .body("{\"n\": " + index + "}")
                            .build();
            return new DecodedRecord(message, device, module, "d2c", 0, index, 1_000L + index);
        }
    }

    private static final class Counting extends KeyedProcessFunction<Long, Long, Long> {
        private static final long serialVersionUID = 1L;
        private transient ValueState<Long> count;

        @Override
        public void open(OpenContext context) {
            count = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Types.LONG));
        }

        @Override
        public void processElement(Long value, Context context, Collector<Long> out)
                throws Exception {
            Long current = count.value();
            count.update(current == null ? 1 : current + 1);
        }
    }

    /**
     * Keeps what the Blob Storage sink keeps, in its formats: each checkpoint closes the records
     * since the last one into a committable, and the writer state holds one open batch of {@link
     * #OPEN_BATCH_RECORDS} records. Its committer commits nothing.
     */
    static final class BlobStateSink
            implements Sink<RoutedMessage>,
                    SupportsWriterState<RoutedMessage, BlobWriterState>,
                    SupportsCommitter<BlobCommittable> {
        private static final long serialVersionUID = 1L;

        @Override
        public SinkWriter<RoutedMessage> createWriter(WriterInitContext context) {
            return new Writer(context.getTaskInfo().getIndexOfThisSubtask());
        }

        @Override
        public StatefulSinkWriter<RoutedMessage, BlobWriterState> restoreWriter(
                WriterInitContext context, Collection<BlobWriterState> state) {
            return new Writer(context.getTaskInfo().getIndexOfThisSubtask());
        }

        @Override
        public SimpleVersionedSerializer<BlobWriterState> getWriterStateSerializer() {
            return new BlobWriterStateSerializer();
        }

        @Override
        public Committer<BlobCommittable> createCommitter(CommitterInitContext context) {
            return new Committer<>() {
                @Override
                public void commit(Collection<CommitRequest<BlobCommittable>> requests) {}

                @Override
                public void close() {}
            };
        }

        @Override
        public SimpleVersionedSerializer<BlobCommittable> getCommittableSerializer() {
            return new BlobCommittableSerializer();
        }

        private static final class Writer
                implements StatefulSinkWriter<RoutedMessage, BlobWriterState>,
                        CommittingSinkWriter<RoutedMessage, BlobCommittable> {
            private final int subtask;
            private long records;
            private int closed;

            Writer(int subtask) {
                this.subtask = subtask;
            }

            @Override
            public void write(RoutedMessage message, Context context) {
                records++;
                ARCHIVED.incrementAndGet();
                // delivery id: topic/partition/offset/endpoint, the offset being the index
                String[] id = message.deliveryId().split("/");
                if (Long.parseLong(id[id.length - 2]) < FIRST_SPLIT) {
                    ARCHIVED_FIRST_SPLIT.incrementAndGet();
                }
            }

            @Override
            public Collection<BlobCommittable> prepareCommit() {
                if (records == 0) {
                    return List.of();
                }
                BlobCommittable committable =
                        new BlobCommittable(
                                "archive/" + subtask + "-" + closed++ + ".json",
                                List.of("YmxvY2stMQ==", "YmxvY2stMg=="),
                                records,
                                records * 100);
                records = 0;
                return List.of(committable);
            }

            @Override
            public List<BlobWriterState> snapshotState(long checkpointId) {
                return List.of(
                        new BlobWriterState(
                                List.of(
                                        new BlobWriterState.OpenBatch(
                                                "archive/" + subtask + "-open.json",
                                                subtask,
                                                29_000_000L,
                                                List.of("YmxvY2stMQ=="),
                                                false,
                                                new byte[0],
                                                OPEN_BATCH_RECORDS,
                                                700,
                                                1_000L)),
                                List.of()));
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        }
    }
}
