package io.hubroute.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.hubroute.config.JobConfig;
import io.hubroute.config.RoutingConfigLoader;
import io.hubroute.config.SourceOptions;
import io.hubroute.job.EndpointSinks;
import io.hubroute.job.RoutesFileRouter;
import io.hubroute.job.RoutingJob;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.runtime.kryo.KryoSerializer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job graph {@code hubroute run} builds for the demo, with the demo's sinks (storage on the
 * local file system, the events topic): stable uids and no Kryo anywhere (the job module's {@code
 * RoutingJobGraphTest} covers the real endpoint sinks).
 */
class DemoJobGraphTest {
    private static final String ROUTES =
            String.join(
                    "\n",
                    "hubName: demo-hub",
                    "endpoints:",
                    "  storageContainers:",
                    "    - {name: archive, connectionString: '${env:STORAGE}', containerName: archive}",
                    "routes:",
                    "  - {name: all, source: DeviceMessages, condition: 'true', endpointNames: [archive]}",
                    "");

    @TempDir Path work;

    @Test
    void demoSinksKeepTheirUidsAndNeedNoKryo() {
        JobConfig config =
                JobConfig.defaults()
                        .withSource(SourceOptions.kafka("127.0.0.1:1", List.of("d2c")))
                        // at 1 the route is chained to the decoder: no edge would be checked
                        .withParallelism(2);
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(
                        RoutingJob.flinkConfiguration(config));
        RoutingJob.builder()
                .setJobConfig(config)
                .setRouterFactory(RoutesFileRouter.factory(ROUTES, "routes.yaml"))
                .addEndpointSink(
                        "archive",
                        EndpointSinks.forEndpoint(
                                RoutingConfigLoader.withoutSecrets()
                                        .parse(
                                                ROUTES.replace(
                                                        "${env:STORAGE}", work.toUri().toString()),
                                                "routes.yaml",
                                                work)
                                        .orThrow()
                                        .endpoint("archive")
                                        .orElseThrow(),
                                "demo-hub"))
                .addEndpointSink("events", EventsTopicSink.create("127.0.0.1:1", "events"))
                .build()
                .addTo(env);

        StreamGraph graph = env.getStreamGraph();
        assertThat(graph.getJobGraph().getNumberOfVertices()).isGreaterThan(1);
        List<String> uids = new ArrayList<>();
        for (StreamNode node : graph.getStreamNodes()) {
            uids.add(node.getTransformationUID());
            assertNoKryo(node.getTypeSerializerOut(), node);
            for (TypeSerializer<?> in : node.getTypeSerializersIn()) {
                assertNoKryo(in, node);
            }
        }
        assertThat(uids)
                .contains(
                        RoutingJob.ROUTE_UID,
                        RoutingJob.ENDPOINT_UID_PREFIX + "archive",
                        RoutingJob.ENDPOINT_UID_PREFIX + "events");
    }

    private static void assertNoKryo(TypeSerializer<?> serializer, StreamNode node) {
        if (serializer != null) {
            assertThat(serializer)
                    .as("serializer of %s", node.getOperatorName())
                    .isNotInstanceOf(KryoSerializer.class);
        }
    }
}
