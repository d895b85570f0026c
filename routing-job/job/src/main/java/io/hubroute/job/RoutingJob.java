package io.hubroute.job;

import io.hubroute.config.CheckpointOptions;
import io.hubroute.config.JobConfig;
import io.hubroute.job.internal.DecodeSplitter;
import io.hubroute.job.internal.DecodedRecordTypeInfo;
import io.hubroute.job.internal.LiveRouteFunction;
import io.hubroute.job.internal.RouteFunction;
import io.hubroute.job.internal.TwinKeySelector;
import io.hubroute.job.source.DecodeResult;
import io.hubroute.job.source.DecodedRecord;
import io.hubroute.sink.RoutedMessage;
import io.hubroute.sink.RoutedMessageTypeInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.configuration.SchedulerExecutionMode;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.OutputTag;

/**
 * The routing job's dataflow: Kafka source (decode; or another {@link RecordSource}) → invalid
 * records to diagnostics → keyed by device or module → route (twin state, router) → one sink per
 * endpoint. Every stateful operator has a stable uid, so savepoints survive upgrades.
 *
 * <pre>{@code
 * StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(RoutingJob.flinkConfiguration(config));
 * RoutingJob.builder()
 *     .setJobConfig(config)
 *     .setRouterFactory(routerFactory)
 *     .addEndpointSink("storage", storageSink)
 *     .addEndpointSink("events", eventsSink)
 *     .build()
 *     .addTo(env);
 * env.execute("hubroute");
 * }</pre>
 */
public final class RoutingJob {
    public static final String SOURCE_UID = "hubroute-source";
    public static final String DECODE_UID = "hubroute-decode";
    public static final String ROUTE_UID = "hubroute-route";
    public static final String DIAGNOSTICS_UID = "hubroute-diagnostics";

    /** The control topic's source (live route changes). */
    public static final String ROUTES_SOURCE_UID = "hubroute-routes-source";

    /** The routes status topic's sink (live route changes). */
    public static final String ROUTES_STATUS_UID = "hubroute-routes-status";

    /** The uid of an endpoint's sink: this prefix and the endpoint's name. */
    public static final String ENDPOINT_UID_PREFIX = "hubroute-endpoint-";

    private final JobConfig config;
    private final RoutesFileRouter routerFactory;
    private final Map<String, Sink<RoutedMessage>> endpointSinks;
    private final Sink<String> diagnosticsSink;
    private final RecordSource recordSource;
    private final boolean dropDeliveriesWithoutSink;

    private RoutingJob(Builder builder) {
        this.recordSource =
                builder.recordSource != null
                        ? builder.recordSource
                        : KafkaRecords.live(builder.config.source());
        this.dropDeliveriesWithoutSink = builder.dropDeliveriesWithoutSink;
        this.config = builder.config;
        this.routerFactory = builder.routerFactory;
        this.endpointSinks = new LinkedHashMap<>(builder.endpointSinks);
        this.diagnosticsSink = builder.diagnosticsSink;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Flink settings from the job config: checkpointing, checkpoint directory, state backend,
     * parallelism; and generic types off, so a type that would fall back to Kryo fails when the job
     * is built instead of being serialized slowly and without a versioned format.
     */
    public static Configuration flinkConfiguration(JobConfig config) {
        Configuration configuration = new Configuration();
        configuration.set(PipelineOptions.GENERIC_TYPES, false);
        configuration.set(
                StateBackendOptions.STATE_BACKEND,
                config.stateBackend().name().toLowerCase(java.util.Locale.ROOT));
        CheckpointOptions checkpointing = config.checkpointing();
        if (checkpointing.directory() != null) {
            configuration.set(
                    CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpointing.directory());
        }
        configuration.setString("parallelism.default", Integer.toString(config.parallelism()));
        return configuration;
    }

    /**
     * Adds the dataflow to {@code env} and applies the checkpoint settings. Turns generic types off
     * in {@code env} too, whatever configuration it was made with: every type on the message path
     * has its own serializer, and one that does not must fail here, not fall back to Kryo.
     */
    public void addTo(StreamExecutionEnvironment env) {
        Configuration noGenericTypes = new Configuration();
        noGenericTypes.set(PipelineOptions.GENERIC_TYPES, false);
        env.configure(noGenericTypes);
        CheckpointOptions checkpointing = config.checkpointing();
        if (checkpointing.enabled()) {
            env.enableCheckpointing(
                    checkpointing.interval().toMillis(),
                    checkpointing.exactlyOnce()
                            ? CheckpointingMode.EXACTLY_ONCE
                            : CheckpointingMode.AT_LEAST_ONCE);
            env.getCheckpointConfig().setCheckpointTimeout(checkpointing.timeout().toMillis());
            // An endpoint outage makes writers hold the barrier until the checkpoint times out;
            // failing the job then would restart it and send everything again, in a loop.
            env.getCheckpointConfig()
                    .setTolerableCheckpointFailureNumber(checkpointing.tolerableFailures());
        }
        env.setParallelism(config.parallelism());

        DataStream<DecodeResult> records = recordSource.addTo(env);
        SingleOutputStreamOperator<DecodedRecord> decoded =
                records.process(
                                new DecodeSplitter(config.diagnostics().invalidRatioWarning()),
                                DecodedRecordTypeInfo.of())
                        .name("decode")
                        .uid(DECODE_UID);

        Map<String, OutputTag<RoutedMessage>> outputs = new LinkedHashMap<>();
        for (String endpoint : endpointSinks.keySet()) {
            outputs.put(endpoint, RouteFunction.outputFor(endpoint));
        }
        // The export is read here, where the job is built (the client of flink run, the JobManager
        // for REST submissions), and travels with the route operator: no source can race it.
        SingleOutputStreamOperator<RoutedMessage> routed;
        if (config.routes().live()) {
            routed =
                    byTwinKey(decoded, env)
                            .connect(routeVersions(env).broadcast(LiveRouteFunction.ROUTES_STATE))
                            .process(
                                    new LiveRouteFunction(routerFactory, outputs, exportedTwins()),
                                    RoutedMessageTypeInfo.of())
                            .name("route")
                            .uid(ROUTE_UID);
            routed.getSideOutput(LiveRouteFunction.STATUS)
                    .sinkTo(DiagnosticsSinks.kafka(config, config.routes().statusTopicOrDefault()))
                    .name("routes status")
                    .uid(ROUTES_STATUS_UID);
        } else {
            routed =
                    byTwinKey(decoded, env)
                            .process(
                                    new RouteFunction(
                                            routerFactory,
                                            outputs,
                                            exportedTwins(),
                                            dropDeliveriesWithoutSink),
                                    RoutedMessageTypeInfo.of())
                            .name("route")
                            .uid(ROUTE_UID);
        }
        if (diagnosticsSink != null) {
            // undecodable records and deliveries over the size limit, one JSON line each
            decoded.getSideOutput(DecodeSplitter.DIAGNOSTICS)
                    .union(routed.getSideOutput(RouteFunction.DIAGNOSTICS))
                    .sinkTo(diagnosticsSink)
                    .name("diagnostics")
                    .uid(DIAGNOSTICS_UID);
        }
        for (Map.Entry<String, Sink<RoutedMessage>> endpoint : endpointSinks.entrySet()) {
            routed.getSideOutput(outputs.get(endpoint.getKey()))
                    .sinkTo(endpoint.getValue())
                    .name("endpoint " + endpoint.getKey())
                    .uid(ENDPOINT_UID_PREFIX + endpoint.getKey());
        }
    }

    /**
     * The decoded records keyed by twin key (device, or device and module) for the route operator's
     * twin state. At parallelism 1 every key group is on the one subtask, so the records need no
     * shuffle: the stream is declared keyed as it is and the route operator is chained to the
     * decoder, in the same thread, without serializing each record between them (that hop cost
     * about a sixth of the job's CPU per record). The keyed state is the same either way (assigned
     * by key group), so a savepoint of either graph restores into the other: changing the
     * parallelism with a savepoint works as always. Not under the reactive scheduler, which changes
     * the parallelism of a running job.
     */
    private KeyedStream<DecodedRecord, String> byTwinKey(
            DataStream<DecodedRecord> decoded, StreamExecutionEnvironment env) {
        if (chainsRouting(config, env.getConfiguration())) {
            return DataStreamUtils.reinterpretAsKeyedStream(
                    decoded, new TwinKeySelector(), Types.STRING);
        }
        return decoded.keyBy(new TwinKeySelector());
    }

    /** Whether the route operator runs in the decoder's thread: see {@link #byTwinKey}. */
    static boolean chainsRouting(JobConfig config, ReadableConfig flink) {
        return config.parallelism() == 1
                && flink.get(JobManagerOptions.SCHEDULER_MODE) != SchedulerExecutionMode.REACTIVE;
    }

    /**
     * The control topic, read from its start (it is compacted: the latest version, and what came
     * since), as one stream: route versions are few and every subtask gets each one.
     */
    private DataStream<String> routeVersions(StreamExecutionEnvironment env) {
        Properties consumer = new Properties();
        consumer.putAll(config.source().consumerProperties());
        // a control topic created after the job started is found within 10 s
        consumer.setProperty("partition.discovery.interval.ms", "10000");
        KafkaSource<String> source =
                KafkaSource.<String>builder()
                        .setProperties(consumer)
                        .setTopics(config.routes().controlTopic())
                        .setGroupId(config.source().groupId() + "-routes")
                        .setStartingOffsets(OffsetsInitializer.earliest())
                        .setValueOnlyDeserializer(new SimpleStringSchema())
                        .build();
        String name = "route versions " + config.routes().controlTopic();
        return env.fromSource(
                        KafkaRecords.explained(source, config.source(), name),
                        WatermarkStrategy.noWatermarks(),
                        name)
                .setParallelism(1)
                .uid(ROUTES_SOURCE_UID);
    }

    private Map<String, byte[]> exportedTwins() {
        if (config.twinExportFile() == null) {
            return Map.of();
        }
        try {
            return TwinExport.read(Path.of(config.twinExportFile()));
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "twins.exportFile " + config.twinExportFile() + ": cannot be read", e);
        }
    }

    /**
     * Builds a {@link RoutingJob}; the config (with a source), the router and a sink per endpoint
     * are required.
     */
    public static final class Builder {
        private JobConfig config;
        private RoutesFileRouter routerFactory;
        private final Map<String, Sink<RoutedMessage>> endpointSinks = new LinkedHashMap<>();
        private Sink<String> diagnosticsSink;
        private RecordSource recordSource;
        private boolean dropDeliveriesWithoutSink;

        private Builder() {}

        /**
         * Where the records come from instead of the config's live topic: a bounded range or an
         * archive, for replay. The config's source still names the stream in the job's settings.
         */
        public Builder setRecordSource(RecordSource source) {
            this.recordSource = Objects.requireNonNull(source, "source");
            return this;
        }

        /**
         * Deliveries to an endpoint without a sink are left out instead of failing the job: replay
         * backfilling some endpoints only ({@code replay --deliver --endpoints}).
         */
        public Builder dropDeliveriesWithoutSink() {
            this.dropDeliveriesWithoutSink = true;
            return this;
        }

        public Builder setJobConfig(JobConfig jobConfig) {
            this.config = Objects.requireNonNull(jobConfig, "jobConfig");
            return this;
        }

        public Builder setRouterFactory(RoutesFileRouter factory) {
            this.routerFactory = Objects.requireNonNull(factory, "routerFactory");
            return this;
        }

        public Builder addEndpointSink(String endpointName, Sink<RoutedMessage> sink) {
            Objects.requireNonNull(endpointName, "endpointName");
            Objects.requireNonNull(sink, "sink");
            if (endpointSinks.put(endpointName, sink) != null) {
                throw new IllegalArgumentException(
                        "endpoint '" + endpointName + "' already has a sink");
            }
            return this;
        }

        /**
         * Where undecodable records go as JSON lines; without one they are only counted and logged.
         */
        public Builder setDiagnosticsSink(Sink<String> sink) {
            this.diagnosticsSink = Objects.requireNonNull(sink, "diagnosticsSink");
            return this;
        }

        public RoutingJob build() {
            if (config == null) {
                throw new IllegalStateException(
                        "no job config: call setJobConfig(JobConfig.load(path))");
            }
            if (config.source() == null && recordSource == null) {
                throw new IllegalArgumentException(
                        "the job config has no source: add a source section to job.yaml");
            }
            if (routerFactory == null) {
                throw new IllegalStateException("no router: call setRouterFactory(...)");
            }
            if (endpointSinks.isEmpty()) {
                throw new IllegalStateException(
                        "no endpoint sinks: call addEndpointSink(name, sink) for every endpoint");
            }
            return new RoutingJob(this);
        }
    }
}
