package io.hubroute.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hubroute.config.JobConfig;
import io.hubroute.config.RoutingConfig;
import io.hubroute.config.RoutingConfigLoader;
import io.hubroute.config.SecretLookup;
import io.hubroute.config.SourceOptions;
import io.hubroute.job.internal.DecodeResultSerializer;
import io.hubroute.job.internal.DecodedRecordSerializer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.api.java.typeutils.runtime.kryo.KryoSerializer;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.SchedulerExecutionMode;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Builds the whole job graph, with the real sinks of every endpoint kind (the demo's sinks: {@code
 * DemoJobGraphTest} in the cli module), in an environment that refuses generic (Kryo) types: any
 * type on the message path without its own serializer fails here.
 */
class RoutingJobGraphTest {
    private static final Map<String, String> ENVIRONMENT =
            Map.of(
                    "STORAGE",
                            "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=c3RvcmFnZS1rZXk;EndpointSuffix=core.windows.net",
                    "SB",
                            "Endpoint=sb://ns1.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=c2Ita2V5",
                    "AMQP", "amqp://sender:secret@127.0.0.1:5672",
                    "EH",
                            "Endpoint=sb://ns2.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=ZWgta2V5;EntityPath=hub-a",
                    "EVENTS", "kafka://127.0.0.1:9092");

    private static final String ROUTES =
            String.join(
                    "\n",
                    "hubName: my-hub",
                    "builtInEndpoint: {connectionString: '${env:EVENTS}', entityPath: events-topic}",
                    "endpoints:",
                    "  storageContainers:",
                    "    - {name: archive, connectionString: '${env:STORAGE}', containerName: archive, encoding: avro}",
                    "    - {name: cold, connectionString: '${env:STORAGE}', containerName: cold, encoding: json}",
                    "  serviceBusQueues:",
                    "    - {name: alerts, connectionString: '${env:SB}', entityPath: alerts}",
                    "  serviceBusTopics:",
                    "    - {name: local-topic, connectionString: '${env:AMQP}', entityPath: orders}",
                    "  eventHubs:",
                    "    - {name: hub, connectionString: '${env:EH}'}",
                    "routes:",
                    "  - {name: all, source: DeviceMessages, condition: 'true', endpointNames: [archive, cold, alerts, local-topic, hub]}",
                    "");

    @TempDir Path work;

    private static RoutingConfig routing() {
        SecretLookup lookup =
                new SecretLookup() {
                    @Override
                    public String environment(String name) {
                        return ENVIRONMENT.get(name);
                    }

                    @Override
                    public String file(Path path) {
                        return null;
                    }
                };
        return RoutingConfigLoader.resolvingSecrets(lookup)
                .parse(ROUTES, "routes.yaml", Path.of("."))
                .orThrow();
    }

    private JobConfig config() {
        return config(2);
    }

    private JobConfig config(int parallelism) {
        return JobConfig.defaults()
                .withSource(SourceOptions.kafka("127.0.0.1:1", List.of("d2c")))
                .withParallelism(parallelism);
    }

    private RoutingJob job() {
        return job(config());
    }

    private RoutingJob job(JobConfig config) {
        RoutingJob.Builder job =
                RoutingJob.builder()
                        .setJobConfig(config)
                        .setRouterFactory(RoutesFileRouter.factory(ROUTES, "routes.yaml"))
                        .setDiagnosticsSink(new DiagnosticsFileSink(work.resolve("diagnostics")));
        EndpointSinks.forAllEndpoints(routing()).forEach(job::addEndpointSink);
        return job.build();
    }

    /**
     * At parallelism 1 the route operator runs in the decoder's task, without the shuffle by device
     * (all key groups are on the one subtask); at 2, or under the reactive scheduler, it is keyed
     * by a shuffle. The keyed state is the same: SavepointToolsITCase moves savepoints between
     * them.
     */
    @Test
    void atParallelismOneTheRouteOperatorIsChainedToTheDecoderWithoutAShuffle() {
        assertThat(routeSharesTheDecodersTask(config(1), new Configuration())).isTrue();
        assertThat(routeSharesTheDecodersTask(config(2), new Configuration())).isFalse();
        Configuration reactive = new Configuration();
        reactive.set(JobManagerOptions.SCHEDULER_MODE, SchedulerExecutionMode.REACTIVE);
        assertThat(routeSharesTheDecodersTask(config(1), reactive)).isFalse();
    }

    private boolean routeSharesTheDecodersTask(JobConfig config, Configuration extra) {
        Configuration flink = RoutingJob.flinkConfiguration(config);
        flink.addAll(extra);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        job(config).addTo(env);
        StreamGraph graph = env.getStreamGraph();
        // keyed either way: the twin state is keyed state
        assertThat(node(graph, RoutingJob.ROUTE_UID).getStateKeySerializer()).isNotNull();
        for (JobVertex vertex : graph.getJobGraph().getVertices()) {
            // a vertex is named after its chained operators: "Source: ... -> decode -> route ..."
            if (vertex.getName().contains("decode")) {
                return vertex.getName().contains("route");
            }
        }
        throw new AssertionError("no task runs the decoder");
    }

    @Test
    void flinkConfigurationTurnsGenericTypesOff() {
        Configuration flink = RoutingJob.flinkConfiguration(config());
        assertThat(flink.toMap()).containsEntry("pipeline.generic-types", "false");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        assertThat(env.getConfig().getSerializerConfig().hasGenericTypesDisabled()).isTrue();
    }

    @Test
    void wholeGraphBuildsWithoutGenericTypesAndKeepsItsUids() {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(
                        RoutingJob.flinkConfiguration(config()));
        job().addTo(env);

        StreamGraph graph = env.getStreamGraph();
        // The job graph creates the serializers of side outputs and of chained edges as well.
        JobGraph jobGraph = graph.getJobGraph();
        assertThat(jobGraph.getNumberOfVertices()).isGreaterThan(1);

        List<String> uids = new ArrayList<>();
        for (StreamNode node : graph.getStreamNodes()) {
            uids.add(node.getTransformationUID());
            assertNoKryo(node.getTypeSerializerOut(), node);
            for (TypeSerializer<?> in : node.getTypeSerializersIn()) {
                assertNoKryo(in, node);
            }
            assertNoKryo(node.getStateKeySerializer(), node);
        }
        assertThat(uids)
                .contains(
                        RoutingJob.SOURCE_UID,
                        RoutingJob.DECODE_UID,
                        RoutingJob.ROUTE_UID,
                        RoutingJob.DIAGNOSTICS_UID,
                        "hubroute-source",
                        "hubroute-decode",
                        "hubroute-route",
                        "hubroute-diagnostics",
                        "hubroute-endpoint-events",
                        "hubroute-endpoint-archive",
                        "hubroute-endpoint-cold",
                        "hubroute-endpoint-alerts",
                        "hubroute-endpoint-local-topic",
                        "hubroute-endpoint-hub");

        StreamNode source = node(graph, RoutingJob.SOURCE_UID);
        StreamNode decode = node(graph, RoutingJob.DECODE_UID);
        StreamNode route = node(graph, RoutingJob.ROUTE_UID);
        assertThat(source.getTypeSerializerOut()).isSameAs(DecodeResultSerializer.INSTANCE);
        assertThat(decode.getTypeSerializersIn()).containsExactly(DecodeResultSerializer.INSTANCE);
        assertThat(decode.getTypeSerializerOut()).isSameAs(DecodedRecordSerializer.INSTANCE);
        assertThat(route.getTypeSerializersIn()).containsExactly(DecodedRecordSerializer.INSTANCE);
        assertThat(route.getStateKeySerializer())
                .isEqualTo(
                        TypeInformation.of(String.class)
                                .createSerializer(env.getConfig().getSerializerConfig()));
    }

    @Test
    void addToTurnsGenericTypesOffInAnyEnvironment() {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(new Configuration());
        assertThat(env.getConfig().getSerializerConfig().hasGenericTypesDisabled()).isFalse();

        job().addTo(env);

        assertThat(env.getConfig().getSerializerConfig().hasGenericTypesDisabled()).isTrue();
        assertThat(env.getCheckpointConfig().isCheckpointingEnabled()).isTrue();
        assertThat(env.getCheckpointConfig().getTolerableCheckpointFailureNumber())
                .as("an endpoint outage holds the job back instead of restarting it")
                .isEqualTo(Integer.MAX_VALUE);
        assertThat(env.getParallelism()).isEqualTo(2);
        // A stream of a type without a serializer now fails the build instead of using Kryo.
        env.fromSequence(1, 2)
                .map(i -> new StringBuilder())
                .returns(new GenericTypeInfo<>(StringBuilder.class))
                .sinkTo(new DiscardingSink<>());
        assertThatThrownBy(env::getStreamGraph)
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("Generic types have been disabled")
                .hasMessageContaining("StringBuilder");
    }

    private static StreamNode node(StreamGraph graph, String uid) {
        for (StreamNode node : graph.getStreamNodes()) {
            if (uid.equals(node.getTransformationUID())) {
                return node;
            }
        }
        throw new AssertionError("no node with uid " + uid);
    }

    private static void assertNoKryo(TypeSerializer<?> serializer, StreamNode node) {
        if (serializer == null) {
            return; // no input (sources), no output (sinks' last operator) or not keyed
        }
        assertThat(serializer)
                .as("serializer of %s (%s)", node.getOperatorName(), node.getTransformationUID())
                .isNotInstanceOf(KryoSerializer.class);
    }
}
