package io.hubroute.sink.eventhubs;

import static org.assertj.core.api.Assertions.assertThat;

import io.hubroute.message.Message;
import io.hubroute.message.MessageProperties;
import io.hubroute.message.RoutingSource;
import io.hubroute.sink.RoutedMessage;
import io.hubroute.sink.RoutedMessageTypeInfo;
import io.hubroute.sink.testing.TestDeliveries.FailOnceAfterCheckpoint;
import io.hubroute.sink.testing.TestDeliveries.ToDelivery;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Event Hubs sink (Flink's KafkaSink with hubroute's record layout) in a Flink MiniCluster
 * against a real in-process KRaft Kafka broker.
 */
class EventHubsSinkITCase {
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
    void recordsCarryDeviceKeyBodyAndIotHubHeaders() throws Exception {
        String topic = "headers-" + UUID.randomUUID();
        kafka.createTopic(topic, 2);
        byte[] body = {'{', '}', 0, (byte) 0xC3, (byte) 0xA9};
        RoutedMessage delivery =
                new RoutedMessage(
                        "telemetry",
                        Message.builder(RoutingSource.DEVICE_MESSAGES)
                                .systemProperties(
                                        MessageProperties.of(
                                                "messageId", "m-1",
                                                "correlationId", "c-1",
                                                "userId", "user-1",
                                                "contentType", "application/json",
                                                "contentEncoding", "utf-8",
                                                "iothub-connection-device-id", "thermostat-1",
                                                "iothub-connection-module-id", "sensor",
                                                "iothub-connection-auth-generation-id", "637000000000000000",
                                                "iothub-connection-auth-method", "{\"scope\":\"device\"}",
                                                "iothub-enqueuedtime", "2024-05-01T10:15:30.1234567Z"))
                                .appProperties(MessageProperties.of("level", "critical", "température", "élevée"))
                                .body(body)
                                .build(),
                        1,
                        1714558530123L);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
        env.fromData(RoutedMessageTypeInfo.of(), delivery)
                .sinkTo(
                        EventHubsSink.builder()
                                .setEndpointName("telemetry")
                                .setBootstrapServers(kafka.bootstrapServers())
                                .setTopic(topic)
                                .build());
        env.execute("event-hubs-headers");

        List<ConsumerRecord<byte[], byte[]>> records = consume(topic, "read_uncommitted", 1);
        assertThat(records).hasSize(1);
        ConsumerRecord<byte[], byte[]> record = records.get(0);
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("thermostat-1");
        assertThat(record.value()).isEqualTo(body);
        assertThat(record.timestamp()).isEqualTo(1714558530123L);
        List<String> headers = new ArrayList<>();
        for (Header header : record.headers()) {
            headers.add(header.key() + "=" + new String(header.value(), StandardCharsets.UTF_8));
        }
        assertThat(headers)
                .containsExactly(
                        "level=critical",
                        "température=élevée",
                        "iothub-connection-device-id=thermostat-1",
                        "iothub-connection-module-id=sensor",
                        "iothub-connection-auth-generation-id=637000000000000000",
                        "iothub-connection-auth-method={\"scope\":\"device\"}",
                        "content-type=application/json",
                        "content-encoding=utf-8",
                        "message-id=m-1",
                        "correlation-id=c-1",
                        "user-id=user-1",
                        "iothub-enqueuedtime=2024-05-01T10:15:30.1234567Z");
    }

    @Test
    void atLeastOnceJobRestoredFromACheckpointLosesNothingAndKeepsDeviceOrder() throws Exception {
        String topic = "at-least-once-" + UUID.randomUUID();
        kafka.createTopic(topic, 3);
        int count = 400;
        runFailingOnceJob(
                topic,
                count,
                EventHubsSink.builtInEventsBuilder()
                        .setEndpointName("events")
                        .setBootstrapServers(kafka.bootstrapServers())
                        .setTopic(topic)
                        .build());

        List<ConsumerRecord<byte[], byte[]>> records = consume(topic, "read_uncommitted", Integer.MAX_VALUE);
        assertThat(new HashSet<>(messageIds(records))).hasSize(count);
        // one device, one partition
        Map<String, Integer> partitionByDevice = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            String device = new String(record.key(), StandardCharsets.UTF_8);
            assertThat(partitionByDevice.computeIfAbsent(device, d -> record.partition())).isEqualTo(record.partition());
        }
    }

    @Test
    void exactlyOnceJobRestoredFromACheckpointLosesAndDuplicatesNothing() throws Exception {
        String topic = "exactly-once-" + UUID.randomUUID();
        kafka.createTopic(topic, 2);
        int count = 400;
        runFailingOnceJob(
                topic,
                count,
                EventHubsSink.builder()
                        .setEndpointName("exactly-once")
                        .setBootstrapServers(kafka.bootstrapServers())
                        .setTopic(topic)
                        .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                        .setTransactionalIdPrefix("hubroute-it-" + UUID.randomUUID())
                        .setTransactionTimeout(Duration.ofMinutes(5))
                        .build());

        List<String> ids = messageIds(consume(topic, "read_committed", Integer.MAX_VALUE));
        assertThat(ids).hasSize(count);
        assertThat(new HashSet<>(ids)).hasSize(count);
    }

    private static void runFailingOnceJob(
            String topic, int count, org.apache.flink.api.connector.sink2.Sink<RoutedMessage> sink) throws Exception {
        FailOnceAfterCheckpoint.reset(100);
        Configuration configuration = new Configuration();
        configuration.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        configuration.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 2);
        configuration.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, configuration);
        env.enableCheckpointing(200);
        env.fromSequence(0, count - 1)
                .map(new FailOnceAfterCheckpoint())
                .map(new ToDelivery(topic), RoutedMessageTypeInfo.of())
                .sinkTo(sink)
                .uid("sink-" + topic);
        env.execute("event-hubs-recovery");
        assertThat(FailOnceAfterCheckpoint.FAILED.get()).as("the job failed once").isTrue();
    }

    private static List<String> messageIds(List<ConsumerRecord<byte[], byte[]>> records) {
        List<String> ids = new ArrayList<>(records.size());
        for (ConsumerRecord<byte[], byte[]> record : records) {
            ids.add(new String(record.headers().lastHeader("message-id").value(), StandardCharsets.UTF_8));
        }
        return ids;
    }

    /** Reads the topic from the start until {@code expected} records came or 3 s passed without any. */
    private static List<ConsumerRecord<byte[], byte[]>> consume(String topic, String isolationLevel, int expected) {
        Properties properties = new Properties();
        properties.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        properties.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolationLevel);
        properties.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(topic).forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long idleSince = System.currentTimeMillis();
            while (records.size() < expected && System.currentTimeMillis() - idleSince < 3_000) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    records.add(record);
                    idleSince = System.currentTimeMillis();
                }
            }
        }
        return records;
    }
}
