package io.hubroute.sink.eventhubs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubroute.embedded.EmbeddedKafkaBroker;
import io.hubroute.message.Json;
import io.hubroute.message.Message;
import io.hubroute.message.RoutingSource;
import io.hubroute.sink.EndpointHealth;
import io.hubroute.sink.RoutedMessage;
import io.hubroute.sink.RoutedMessageTypeInfo;
import io.hubroute.sink.SinkMetrics;
import io.hubroute.sink.testing.EndpointMetricsReporter;
import io.hubroute.sink.testing.TestDeliveries.ToDelivery;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Records the endpoint can never take, under the default BACKPRESSURE, in a Flink MiniCluster
 * against a real in-process Kafka broker: each goes to the undeliverable sink (Flink's own {@link
 * KafkaSink}, at least once, as the job's diagnostics topic is) with its reason, and every other
 * record arrives, in order, without the job failing.
 */
class EventHubsUndeliverableITCase {
    /** The topic's {@code max.message.bytes}: the broker refuses a record batch over it. */
    private static final int TOPIC_LIMIT = 8192;

    private static EmbeddedKafkaBroker kafka;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = EmbeddedKafkaBroker.start();
    }

    @AfterAll
    static void stopKafka() throws Exception {
        kafka.close();
    }

    @Test
    void recordsTheEndpointCanNeverTakeGoToTheUndeliverableSinkAndTheRestArriveInOrder()
            throws Exception {
        String topic = "small-" + UUID.randomUUID();
        String undeliverableTopic = "undeliverable-" + UUID.randomUUID();
        try (Admin admin = kafka.admin()) {
            admin.createTopics(
                            List.of(
                                    new NewTopic(topic, 1, (short) 1)
                                            .configs(
                                                    Map.of(
                                                            "max.message.bytes",
                                                            Integer.toString(TOPIC_LIMIT))),
                                    new NewTopic(undeliverableTopic, 1, (short) 1)))
                    .all()
                    .get();
        }
        int count = 40;
        ToDelivery toDelivery = new ToDelivery("small");
        List<RoutedMessage> deliveries = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (long i = 0; i < count; i++) {
            RoutedMessage delivery = toDelivery.map(i);
            Message message = delivery.message();
            if (i == 7 || i == 23) {
                // over the topic's limit: the broker refuses it
                message = withBody(message, new byte[2 * TOPIC_LIMIT]);
            } else if (i == 31) {
                // over the producer's max.request.size (1 MiB): the producer refuses it
                message = withBody(message, new byte[2 * 1024 * 1024]);
            } else {
                expected.add("m-" + i);
            }
            deliveries.add(
                    new RoutedMessage(
                            "small",
                            message,
                            delivery.partition(),
                            delivery.enqueuedTimeMillis(),
                            RoutedMessage.deliveryId("iothub", delivery.partition(), i, "small")));
        }
        Sink<String> undeliverable =
                KafkaSink.<String>builder()
                        .setBootstrapServers(kafka.bootstrapServers())
                        .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                        .setRecordSerializer(
                                KafkaRecordSerializationSchema.<String>builder()
                                        .setTopic(undeliverableTopic)
                                        .setValueSerializationSchema(new SimpleStringSchema())
                                        .build())
                        .build();

        EndpointMetricsReporter.reset();
        Configuration configuration = new Configuration();
        EndpointMetricsReporter.enable(configuration);
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(1, configuration);
        env.fromData(deliveries, RoutedMessageTypeInfo.of())
                .sinkTo(
                        EventHubsSink.builder()
                                .setEndpointName("small")
                                .setBootstrapServers(kafka.bootstrapServers())
                                .setTopic(topic)
                                // batches of small records stay under the topic's limit
                                .setProducerProperty(
                                        "batch.size", Integer.toString(TOPIC_LIMIT / 2))
                                .setUndeliverableSink(undeliverable)
                                .build());
        env.execute("event-hubs-undeliverable");

        assertThat(messageIds(consume(topic, count))).containsExactlyElementsOf(expected);

        List<JsonNode> lines = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : consume(undeliverableTopic, 4)) {
            lines.add(Json.MAPPER.readTree(new String(record.value(), StandardCharsets.UTF_8)));
        }
        assertThat(lines)
                .extracting(line -> line.path("messageId").asText())
                .containsExactly("m-7", "m-23", "m-31");
        for (JsonNode line : lines) {
            assertThat(line.path("endpoint").asText()).isEqualTo("small");
            assertThat(line.path("reason").asText()).startsWith("RecordTooLargeException: ");
            assertThat(line.path("attempts").asInt()).isEqualTo(1);
        }
        JsonNode first = lines.get(0);
        assertThat(first.path("deviceId").asText()).isEqualTo("device-0");
        assertThat(first.path("partition").asInt()).isEqualTo(3);
        assertThat(first.path("deliveryId").asText()).isEqualTo("iothub/3/7/small");
        assertThat(first.path("enqueuedTimeMillis").asLong())
                .isEqualTo(deliveries.get(7).enqueuedTimeMillis());

        assertThat(EndpointMetricsReporter.count("small", SinkMetrics.UNDELIVERABLE)).isEqualTo(3);
        assertThat(
                        EndpointMetricsReporter.count(
                                "small", SinkMetrics.egress(SinkMetrics.EndpointKind.EVENT_HUBS)))
                .isEqualTo(expected.size());
        assertThat(EndpointMetricsReporter.health("small"))
                .as("a record's own problem says nothing about the endpoint")
                .isEqualTo(EndpointHealth.HEALTHY);
    }

    private static Message withBody(Message message, byte[] body) {
        return Message.builder(RoutingSource.DEVICE_MESSAGES)
                .systemProperties(message.systemProperties())
                .appProperties(message.appProperties())
                .body(body)
                .build();
    }

    private static List<String> messageIds(List<ConsumerRecord<byte[], byte[]>> records) {
        List<String> ids = new ArrayList<>(records.size());
        for (ConsumerRecord<byte[], byte[]> record : records) {
            ids.add(
                    new String(
                            record.headers().lastHeader("message-id").value(),
                            StandardCharsets.UTF_8));
        }
        return ids;
    }

    /** Reads the topic from the start until {@code expected} records came or 3 s passed idle. */
    private static List<ConsumerRecord<byte[], byte[]>> consume(String topic, int expected) {
        Properties properties = new Properties();
        properties.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        properties.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        properties, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = List.of(new TopicPartition(topic, 0));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long idleSince = System.currentTimeMillis();
            while (records.size() < expected && System.currentTimeMillis() - idleSince < 3_000) {
                for (ConsumerRecord<byte[], byte[]> record :
                        consumer.poll(Duration.ofMillis(200))) {
                    records.add(record);
                    idleSince = System.currentTimeMillis();
                }
            }
        }
        return records;
    }
}
