package io.hubroute.sqlbaseline;

import static org.assertj.core.api.Assertions.assertThat;

import io.hubroute.config.InputFormat;
import io.hubroute.config.Route;
import io.hubroute.config.RoutingConfig;
import io.hubroute.config.RoutingConfigLoader;
import io.hubroute.embedded.EmbeddedKafkaBroker;
import io.hubroute.job.source.DecodeResult;
import io.hubroute.job.source.DecodedRecord;
import io.hubroute.job.source.IotHubRecordDecoder;
import io.hubroute.message.Twin;
import io.hubroute.query.Engine;
import io.hubroute.query.RouteResult;
import io.hubroute.routing.Delivery;
import io.hubroute.routing.Router;
import io.hubroute.routing.RoutingDecision;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SQL baseline over examples/bench/routes-100.yaml on an embedded Kafka, against hubroute's
 * {@link Router} (COMPILED engine) on the same records: each endpoint topic holds exactly as many
 * records as the router's matches of that endpoint's routes (summed: SQL writes a message once per
 * matching route), plus the fallback route's messages on {@code events}. Times nothing.
 */
class SqlBaselineJobITCase {
    private static final int RECORDS = 400;
    private static final String PREFIX = "sql-";

    @Test
    void everyEndpointHoldsWhatTheRouterMatched(@TempDir Path directory) throws Exception {
        Path routes = RouteSqlTest.BENCH.resolve("routes-100.yaml");
        RoutingConfig config = RoutingConfigLoader.withoutSecrets().load(routes).orThrow();
        Path twinsFile = directory.resolve("twins.jsonl");
        List<String> lines = new ArrayList<>();
        for (int device = 0; device < BenchMessages.DEVICES; device++) {
            lines.add(BenchMessages.twinExportLine(device));
        }
        Files.write(twinsFile, lines);
        Map<String, Twin> twins = SqlBaselineJob.twins(twinsFile);

        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start()) {
            kafka.createTopic("d2c", 2);
            List<ProducerRecord<byte[], byte[]>> records = load(kafka.bootstrapServers());

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int exitCode =
                    SqlBaselineJob.run(
                            new String[] {
                                "--bootstrap",
                                kafka.bootstrapServers(),
                                "--topic",
                                "d2c",
                                "--routes",
                                routes.toString(),
                                "--twins",
                                twinsFile.toString(),
                                "--output-prefix",
                                PREFIX,
                                "--parallelism",
                                "2",
                                "--checkpoint-interval-ms",
                                "10000",
                                "--group-id",
                                "sql-baseline-it"
                            },
                            new PrintStream(out, true, StandardCharsets.UTF_8),
                            new PrintStream(err, true, StandardCharsets.UTF_8));
            String printed = out.toString(StandardCharsets.UTF_8);
            assertThat(exitCode).as(printed + err.toString(StandardCharsets.UTF_8)).isZero();
            // 100 routes to one endpoint each, and the fallback
            assertThat(printed)
                    .containsPattern("sql-baseline: planned 101 statements in [0-9]+ ms")
                    .containsPattern("sql-baseline: finished in [0-9]+ ms");

            Expected expected = route(config, twins, records);
            assertThat(expected.matchesByRoute)
                    .as("every kind of bench condition matches some messages")
                    .containsKeys(
                            "route0", // deviceType
                            "route6", // model
                            "route8", // level
                            "route9", // $body.temperature > 9
                            "route19", // $twin.tags.site
                            "route29", // starts_with($connectionDeviceId, ...)
                            "route39", // as_number(severity) >= 39 AND $body.humidity < 50
                            "route49"); // $contentType = ... AND level = ...
            assertThat(expected.byEndpoint.get("events")).as("fallback deliveries").isPositive();

            Map<String, Integer> written = new TreeMap<>();
            for (String endpoint : expected.byEndpoint.keySet()) {
                List<ConsumerRecord<byte[], byte[]>> topic =
                        readAll(kafka.bootstrapServers(), PREFIX + endpoint);
                written.put(endpoint, topic.size());
                if (endpoint.equals("hub2")) {
                    assertEnrichedWithTheTwinSite(topic, config, twins);
                }
            }
            assertThat(written).isEqualTo(expected.byEndpoint);
        }
    }

    private static List<ProducerRecord<byte[], byte[]>> load(String bootstrap) throws Exception {
        Properties properties = new Properties();
        properties.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        properties.setProperty(ProducerConfig.ACKS_CONFIG, "all");
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        long start = System.currentTimeMillis() - Duration.ofHours(1).toMillis();
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(
                        properties, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < RECORDS; i++) {
                ProducerRecord<byte[], byte[]> record = BenchMessages.record("d2c", i, start);
                records.add(record);
                producer.send(record).get();
            }
        }
        return records;
    }

    /** What hubroute's router decides for the records, per endpoint and per route. */
    private record Expected(Map<String, Integer> byEndpoint, Map<String, Integer> matchesByRoute) {}

    private static Expected route(
            RoutingConfig config,
            Map<String, Twin> twins,
            List<ProducerRecord<byte[], byte[]>> records) {
        Router router = Router.create(config, Engine.COMPILED);
        IotHubRecordDecoder decoder = new IotHubRecordDecoder(InputFormat.IOTHUB);
        Map<String, Integer> byEndpoint = new TreeMap<>();
        Map<String, Integer> byRoute = new TreeMap<>();
        for (ProducerRecord<byte[], byte[]> record : records) {
            DecodeResult result =
                    decoder.decode(
                            record.topic(),
                            0,
                            0,
                            record.timestamp(),
                            record.key(),
                            record.value(),
                            record.headers());
            assertThat(result).isInstanceOf(DecodedRecord.class);
            DecodedRecord decoded = (DecodedRecord) result;
            RoutingDecision decision =
                    router.route(decoded.message(), twins.get(decoded.twinKey()));
            for (int i = 0; i < decision.decidedRouteCount(); i++) {
                if (decision.routeResult(i) != RouteResult.TRUE) {
                    continue;
                }
                Route route = config.routes().get(decision.routeIndex(i));
                byRoute.merge(route.name(), 1, Integer::sum);
                for (String endpoint : route.endpointNames()) {
                    byEndpoint.merge(endpoint, 1, Integer::sum);
                }
            }
            if (decision.fallback()) {
                for (String endpoint : config.fallbackRoute().endpointNames()) {
                    byEndpoint.merge(endpoint, 1, Integer::sum);
                }
            }
        }
        return new Expected(byEndpoint, byRoute);
    }

    /** hub2 has the enrichment {@code site: $twin.tags.site}: each record carries its device's. */
    private static void assertEnrichedWithTheTwinSite(
            List<ConsumerRecord<byte[], byte[]>> topic,
            RoutingConfig config,
            Map<String, Twin> twins) {
        Router router = Router.create(config, Engine.COMPILED);
        IotHubRecordDecoder decoder = new IotHubRecordDecoder(InputFormat.IOTHUB);
        assertThat(topic).isNotEmpty();
        for (ConsumerRecord<byte[], byte[]> record : topic) {
            DecodedRecord decoded = (DecodedRecord) decoder.decode(record);
            assertThat(new String(record.key(), StandardCharsets.UTF_8))
                    .isEqualTo(decoded.deviceId());
            RoutingDecision decision =
                    router.route(decoded.message(), twins.get(decoded.twinKey()));
            Delivery toHub2 =
                    decision.deliveries().stream()
                            .filter(delivery -> delivery.endpointName().equals("hub2"))
                            .findFirst()
                            .orElseThrow();
            assertThat(decoded.message().appProperties().get("site"))
                    .as("record of %s", decoded.deviceId())
                    .isEqualTo(toHub2.message().appProperties().get("site"));
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrap, String topic) {
        Properties properties = new Properties();
        properties.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        properties.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        properties, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo partition : consumer.partitionsFor(topic)) {
                partitions.add(new TopicPartition(topic, partition.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!reachedEnd(consumer, end) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            assertThat(reachedEnd(consumer, end)).as("read %s to its end", topic).isTrue();
        }
        return records;
    }

    private static boolean reachedEnd(
            KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> partition : end.entrySet()) {
            if (consumer.position(partition.getKey()) < partition.getValue()) {
                return false;
            }
        }
        return true;
    }
}
