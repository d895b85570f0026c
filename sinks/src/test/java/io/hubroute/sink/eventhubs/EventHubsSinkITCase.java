package io.hubroute.sink.eventhubs;

import static org.assertj.core.api.Assertions.assertThat;

import io.hubroute.embedded.EmbeddedKafkaBroker;
import io.hubroute.message.Message;
import io.hubroute.message.MessageProperties;
import io.hubroute.message.RoutingSource;
import io.hubroute.sink.DeadLetterEndpoint;
import io.hubroute.sink.DeadLetters;
import io.hubroute.sink.EndpointHealth;
import io.hubroute.sink.FailurePolicy;
import io.hubroute.sink.RetryPolicy;
import io.hubroute.sink.RoutedMessage;
import io.hubroute.sink.RoutedMessageTypeInfo;
import io.hubroute.sink.SinkMetrics;
import io.hubroute.sink.testing.EndpointMetricsReporter;
import io.hubroute.sink.testing.TestDeliveries.FailOnceAfterCheckpoint;
import io.hubroute.sink.testing.TestDeliveries.ToDelivery;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
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
 * The Event Hubs sink (hubroute's at-least-once writer; Flink's KafkaSink for exactly once) in a
 * Flink MiniCluster against a real in-process KRaft Kafka broker, which one test stops and restarts
 * on the same port.
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
                                                "iothub-connection-auth-generation-id",
                                                        "637000000000000000",
                                                "iothub-connection-auth-method",
                                                        "{\"scope\":\"device\"}",
                                                "iothub-enqueuedtime",
                                                        "2024-05-01T10:15:30.1234567Z"))
                                .appProperties(
                                        MessageProperties.of(
                                                "level", "critical", "température", "élevée"))
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

        List<ConsumerRecord<byte[], byte[]>> records =
                consume(topic, "read_uncommitted", Integer.MAX_VALUE);
        assertThat(new HashSet<>(messageIds(records))).hasSize(count);
        // one device, one partition
        Map<String, Integer> partitionByDevice = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            String device = new String(record.key(), StandardCharsets.UTF_8);
            assertThat(partitionByDevice.computeIfAbsent(device, d -> record.partition()))
                    .isEqualTo(record.partition());
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

    private static void runFailingOnceJob(String topic, int count, Sink<RoutedMessage> sink)
            throws Exception {
        FailOnceAfterCheckpoint.reset(100);
        Configuration configuration = new Configuration();
        configuration.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        configuration.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 2);
        configuration.set(
                RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(2, configuration);
        env.enableCheckpointing(200);
        env.fromSequence(0, count - 1)
                .map(new FailOnceAfterCheckpoint())
                .map(new ToDelivery(topic), RoutedMessageTypeInfo.of())
                .sinkTo(sink)
                .uid("sink-" + topic);
        env.execute("event-hubs-recovery");
        assertThat(FailOnceAfterCheckpoint.FAILED.get()).as("the job failed once").isTrue();
    }

    @Test
    void brokerDownForAWhileHoldsTheJobReportsItUnhealthyThenDeliversEverything() throws Exception {
        String topic = "outage-" + UUID.randomUUID();
        kafka.createTopic(topic, 2);
        int count = 300;
        int beforeOutage = 50;
        HoldFrom.arm(beforeOutage);
        EndpointMetricsReporter.reset();
        Configuration configuration = new Configuration();
        EndpointMetricsReporter.enable(configuration);
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(1, configuration);
        Sink<RoutedMessage> sink =
                EventHubsSink.builder()
                        .setEndpointName("outage")
                        .setBootstrapServers(kafka.bootstrapServers())
                        .setTopic(topic)
                        .setRetryPolicy(
                                RetryPolicy.builder()
                                        .setInitialDelay(Duration.ofMillis(100))
                                        .setMaxDelay(Duration.ofMillis(500))
                                        .setMaxAttempts(3)
                                        .build())
                        .setDeliveryTimeout(Duration.ofSeconds(2))
                        .build();
        assertThat(sink).isInstanceOf(EventHubsSink.class);
        env.fromSequence(0, count - 1)
                .map(new HoldFrom())
                .map(new ToDelivery("outage"), RoutedMessageTypeInfo.of())
                .sinkTo(sink);
        JobClient job = env.executeAsync("event-hubs-outage");
        String egress = SinkMetrics.egress(SinkMetrics.EndpointKind.EVENT_HUBS);

        // the first records reach the broker; the rest are held back until it is down
        awaitCondition("the first records on the topic", () -> recordsOn(topic, 2) >= beforeOutage);
        kafka.stop();
        boolean finishedDuringOutage;
        try {
            HoldFrom.release();
            awaitCondition(
                    "the endpoint reported unhealthy",
                    () ->
                            EndpointMetricsReporter.health("outage") == EndpointHealth.UNHEALTHY
                                    || EndpointMetricsReporter.health("outage")
                                            == EndpointHealth.DEAD);
            finishedDuringOutage = job.getJobExecutionResult().isDone();
        } finally {
            kafka.restart();
        }
        assertThat(finishedDuringOutage).as("the job waits for the endpoint").isFalse();
        job.getJobExecutionResult().get(120, TimeUnit.SECONDS);

        Set<String> ids =
                new HashSet<>(messageIds(consume(topic, "read_uncommitted", Integer.MAX_VALUE)));
        assertThat(ids).hasSize(count).contains("m-0", "m-" + beforeOutage, "m-" + (count - 1));
        assertThat(EndpointMetricsReporter.count("outage", egress)).isGreaterThanOrEqualTo(count);
        assertThat(EndpointMetricsReporter.health("outage"))
                .isIn(EndpointHealth.DEGRADED, EndpointHealth.HEALTHY);
    }

    @Test
    void endpointThatNeverComesUpDivertsEveryRecordToTheDeadLetterEndpointWithTheFailureRecorded()
            throws Exception {
        String deadLetterTopic = "deadletters-" + UUID.randomUUID();
        kafka.createTopic(deadLetterTopic, 1);
        int count = 8;
        Sink<RoutedMessage> deadLetters =
                EventHubsSink.builder()
                        .setEndpointName("deadletters")
                        .setBootstrapServers(kafka.bootstrapServers())
                        .setTopic(deadLetterTopic)
                        .build();
        EndpointMetricsReporter.reset();
        Configuration configuration = new Configuration();
        EndpointMetricsReporter.enable(configuration);
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(1, configuration);
        env.fromSequence(0, count - 1)
                .map(new ToDelivery("unreachable"), RoutedMessageTypeInfo.of())
                .sinkTo(
                        EventHubsSink.builder()
                                .setEndpointName("unreachable")
                                .setBootstrapServers("127.0.0.1:" + closedPort())
                                .setTopic("nowhere")
                                .setRetryPolicy(
                                        RetryPolicy.builder()
                                                .setInitialDelay(Duration.ofMillis(20))
                                                .setMaxDelay(Duration.ofMillis(50))
                                                .setMaxAttempts(3)
                                                .build())
                                .setDeliveryTimeout(Duration.ofSeconds(1))
                                .setFailurePolicy(FailurePolicy.DEAD_LETTER)
                                .setDeadLetterEndpoint(
                                        DeadLetterEndpoint.of("deadletters", deadLetters))
                                .build());
        env.execute("event-hubs-dead-letter");

        List<ConsumerRecord<byte[], byte[]>> records =
                consume(deadLetterTopic, "read_uncommitted", count + 1);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            expected.add("m-" + i);
        }
        assertThat(messageIds(records)).containsExactlyElementsOf(expected);
        ConsumerRecord<byte[], byte[]> first = records.get(0);
        assertThat(header(first, DeadLetters.ENDPOINT_PROPERTY)).isEqualTo("unreachable");
        assertThat(header(first, DeadLetters.REASON_PROPERTY)).contains("TimeoutException");
        assertThat(Integer.parseInt(header(first, DeadLetters.ATTEMPTS_PROPERTY))).isEqualTo(3);
        assertThat(header(first, DeadLetters.TIME_PROPERTY)).endsWith("Z");
        assertThat(header(first, "sequence")).isEqualTo("0");
        for (ConsumerRecord<byte[], byte[]> record : records) {
            assertThat(header(record, DeadLetters.ENDPOINT_PROPERTY)).isEqualTo("unreachable");
            assertThat(header(record, DeadLetters.ATTEMPTS_PROPERTY)).isNotNull();
        }
        assertThat(
                        EndpointMetricsReporter.count(
                                "unreachable",
                                SinkMetrics.egress(SinkMetrics.EndpointKind.EVENT_HUBS)))
                .isZero();
        assertThat(EndpointMetricsReporter.count("unreachable", SinkMetrics.DEAD_LETTERED))
                .isEqualTo(count);
        assertThat(EndpointMetricsReporter.health("unreachable")).isEqualTo(EndpointHealth.DEAD);
        assertThat(
                        EndpointMetricsReporter.count(
                                "deadletters",
                                SinkMetrics.egress(SinkMetrics.EndpointKind.EVENT_HUBS)))
                .isEqualTo(count);
    }

    @Test
    void aRecordRetryingCannotFixIsDivertedAloneAndTheOthersAreDelivered() throws Exception {
        String topic = "too-large-" + UUID.randomUUID();
        String deadLetterTopic = "too-large-deadletters-" + UUID.randomUUID();
        kafka.createTopic(topic, 1);
        kafka.createTopic(deadLetterTopic, 1);
        List<RoutedMessage> deliveries = new ArrayList<>();
        ToDelivery toDelivery = new ToDelivery("strict");
        for (long i = 0; i < 6; i++) {
            RoutedMessage delivery = toDelivery.map(i);
            if (i == 2) {
                // over the producer's max.request.size below: Kafka refuses it, for good
                Message large =
                        Message.builder(RoutingSource.DEVICE_MESSAGES)
                                .systemProperties(delivery.message().systemProperties())
                                .appProperties(delivery.message().appProperties())
                                .body(new byte[8192])
                                .build();
                delivery = new RoutedMessage("strict", large, 0, delivery.enqueuedTimeMillis());
            }
            deliveries.add(delivery);
        }
        Sink<RoutedMessage> deadLetters =
                EventHubsSink.builder()
                        .setEndpointName("strict-deadletters")
                        .setBootstrapServers(kafka.bootstrapServers())
                        .setTopic(deadLetterTopic)
                        .build();

        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
        env.fromData(deliveries, RoutedMessageTypeInfo.of())
                .sinkTo(
                        EventHubsSink.builder()
                                .setEndpointName("strict")
                                .setBootstrapServers(kafka.bootstrapServers())
                                .setTopic(topic)
                                .setProducerProperty("max.request.size", "4096")
                                .setFailurePolicy(FailurePolicy.DEAD_LETTER)
                                .setDeadLetterEndpoint(
                                        DeadLetterEndpoint.of("strict-deadletters", deadLetters))
                                .build());
        env.execute("event-hubs-record-too-large");

        assertThat(messageIds(consume(topic, "read_uncommitted", 6)))
                .containsExactly("m-0", "m-1", "m-3", "m-4", "m-5");
        List<ConsumerRecord<byte[], byte[]>> diverted =
                consume(deadLetterTopic, "read_uncommitted", 2);
        assertThat(messageIds(diverted)).containsExactly("m-2");
        assertThat(header(diverted.get(0), DeadLetters.REASON_PROPERTY))
                .startsWith("RecordTooLargeException");
        assertThat(header(diverted.get(0), DeadLetters.ATTEMPTS_PROPERTY)).isEqualTo("1");
        assertThat(diverted.get(0).value()).hasSize(8192);
    }

    /** Passes records before {@code holdFrom} through; holds the rest until {@link #release()}. */
    static final class HoldFrom implements MapFunction<Long, Long> {
        private static volatile CountDownLatch gate = new CountDownLatch(0);
        private static volatile long holdFrom;

        static void arm(long firstHeld) {
            holdFrom = firstHeld;
            gate = new CountDownLatch(1);
        }

        static void release() {
            gate.countDown();
        }

        @Override
        public Long map(Long value) throws Exception {
            if (value >= holdFrom && !gate.await(120, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never released record " + value);
            }
            return value;
        }
    }

    /** Waits for a condition with a deadline generous enough for a loaded machine. */
    private static void awaitCondition(String what, BooleanSupplier condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(50);
        }
    }

    /** How many records the topic's partitions hold, by their end offsets. */
    private static long recordsOn(String topic, int partitions) {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (int partition = 0; partition < partitions; partition++) {
            request.put(new TopicPartition(topic, partition), OffsetSpec.latest());
        }
        try (Admin admin = kafka.admin()) {
            long total = 0;
            for (ListOffsetsResult.ListOffsetsResultInfo info :
                    admin.listOffsets(request).all().get().values()) {
                total += info.offset();
            }
            return total;
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the end offsets of " + topic, e);
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null
                ? null
                : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
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

    /**
     * Reads the topic from the start until {@code expected} records came or 3 s passed without any.
     */
    private static List<ConsumerRecord<byte[], byte[]>> consume(
            String topic, String isolationLevel, int expected) {
        Properties properties = new Properties();
        properties.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        properties.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolationLevel);
        properties.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        properties, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(topic)
                    .forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
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
