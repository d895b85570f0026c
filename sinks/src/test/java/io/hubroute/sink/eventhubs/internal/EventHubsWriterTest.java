package io.hubroute.sink.eventhubs.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubroute.message.Message;
import io.hubroute.message.MessageProperties;
import io.hubroute.message.RoutingSource;
import io.hubroute.sink.DeadLetterEndpoint;
import io.hubroute.sink.EndpointHealth;
import io.hubroute.sink.FailurePolicy;
import io.hubroute.sink.RetryPolicy;
import io.hubroute.sink.RoutedMessage;
import io.hubroute.sink.SinkMetrics;
import io.hubroute.sink.eventhubs.EventHubsSink;
import io.hubroute.sink.eventhubs.EventHubsSinkBuilder;
import io.hubroute.sink.eventhubs.EventHubsSinkOptions;
import io.hubroute.sink.internal.DeadLetterDiversion;
import io.hubroute.sink.internal.EndpointAuthenticationException;
import io.hubroute.sink.testing.CollectingSinkWriter;
import io.hubroute.sink.testing.CollectingStringWriter;
import io.hubroute.sink.testing.CountingMetricGroup;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.metrics.KafkaMetric;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The at-least-once Event Hubs writer against a hand-written fake Kafka (a producer per attempt,
 * one log): each record counts its own attempts under DEAD_LETTER, and one device's records keep
 * their order when an earlier one fails and a later one is acknowledged.
 */
class EventHubsWriterTest {
    private final FakeKafka kafka = new FakeKafka();
    private final CollectingSinkWriter deadLetters = new CollectingSinkWriter();
    private final CollectingStringWriter undeliverable = new CollectingStringWriter();
    private final CountingMetricGroup metrics = new CountingMetricGroup();

    private EventHubsWriter writer(FailurePolicy failurePolicy, int maxInFlight) {
        return writer(failurePolicy, maxInFlight, undeliverable);
    }

    private EventHubsWriter writer(
            FailurePolicy failurePolicy, int maxInFlight, CollectingStringWriter undeliverable) {
        EventHubsSinkBuilder builder =
                EventHubsSink.builder()
                        .setEndpointName("telemetry")
                        .setBootstrapServers("127.0.0.1:1")
                        .setTopic("telemetry")
                        .setRetryPolicy(
                                RetryPolicy.builder()
                                        .setInitialDelay(Duration.ofMillis(1))
                                        .setMaxDelay(Duration.ofMillis(1))
                                        .setMaxAttempts(3)
                                        .build())
                        .setMaxInFlight(maxInFlight);
        if (failurePolicy == FailurePolicy.DEAD_LETTER) {
            builder.setFailurePolicy(FailurePolicy.DEAD_LETTER)
                    .setDeadLetterEndpoint(
                            DeadLetterEndpoint.of(
                                    "deadletters",
                                    EventHubsSink.builder()
                                            .setEndpointName("deadletters")
                                            .setBootstrapServers("127.0.0.1:1")
                                            .setTopic("deadletters")
                                            .build()));
        }
        EventHubsSinkOptions options = ((EventHubsSink) builder.build()).options();
        return EventHubsWriter.withDiversions(
                options,
                kafka::newProducer,
                metrics,
                failurePolicy == FailurePolicy.DEAD_LETTER ? deadLetters : null,
                undeliverable);
    }

    @Test
    void underDeadLetterTheRecordsBehindOneThatSpentTheBudgetAreTriedAndDelivered()
            throws Exception {
        EventHubsWriter writer = writer(FailurePolicy.DEAD_LETTER, 3);
        kafka.refused.add("m-0");
        kafka.answerAtOnce = true;
        write(writer, 0, "device-a");
        assertThat(deadLetters.diverted()).containsExactly("m-0 3 TimeoutException: refused m-0");

        // the endpoint is dead now; m-1 is refused too, m-2 and m-3 behind it are not answered
        kafka.answerAtOnce = false;
        kafka.refused.add("m-1");
        write(writer, 1, "device-a");
        write(writer, 2, "device-b");
        kafka.answerNext();
        write(writer, 3, "device-c");
        writer.flush(false);

        assertThat(deadLetters.diverted())
                .containsExactly(
                        "m-0 3 TimeoutException: refused m-0",
                        "m-1 1 TimeoutException: refused m-1");
        assertThat(kafka.log).containsExactly("device-b:m-2", "device-c:m-3");
        assertThat(metrics.count(SinkMetrics.DEAD_LETTERED)).isEqualTo(2);
    }

    @Test
    void aDevicesRecordsAckedAfterItsFailedRecordAreSentAgainAfterItSoItsOrderHolds()
            throws Exception {
        EventHubsWriter writer = writer(FailurePolicy.BACKPRESSURE, 10);
        kafka.refusedOnce.add("m-0");
        write(writer, 0, "device-a");
        write(writer, 1, "device-b");
        write(writer, 2, "device-a");
        write(writer, 3, "device-b");
        write(writer, 4, "device-a");
        // m-0 fails (its batch timed out, say) and the later records are acknowledged
        kafka.answerAll();

        writer.flush(false);

        assertThat(kafka.log)
                .startsWith("device-b:m-1", "device-a:m-2", "device-b:m-3", "device-a:m-4");
        assertThat(inOrderFromItsFirstRecord(kafka.log, "device-a", "m-0"))
                .containsExactly("m-0", "m-2", "m-4");
        assertThat(inOrderFromItsFirstRecord(kafka.log, "device-b", "m-1"))
                .as("a device with no failure is not sent again")
                .containsExactly("m-1", "m-3");
        assertThat(metrics.count(SinkMetrics.egress(SinkMetrics.EndpointKind.EVENT_HUBS)))
                .as("each record counted once")
                .isEqualTo(5);
    }

    @Test
    void underBackpressureARecordTooLargeIsDivertedAloneAndTheRecordsAroundItAreDeliveredInOrder()
            throws Exception {
        EventHubsWriter writer = writer(FailurePolicy.BACKPRESSURE, 10);
        kafka.tooLarge.add("m-2");
        for (int i = 0; i < 5; i++) {
            write(writer, i, i % 2 == 0 ? "device-a" : "device-b");
        }
        kafka.answerAll();

        writer.flush(false);

        assertThat(kafka.log)
                .as("the producer kept, nothing sent twice")
                .containsExactly("device-a:m-0", "device-b:m-1", "device-b:m-3", "device-a:m-4");
        assertThat(undeliverable.diverted())
                .containsExactly("m-2 1 RecordTooLargeException: " + FakeKafka.tooLargeText("m-2"));
        JsonNode line = undeliverable.lines().get(0);
        assertThat(line.path("endpoint").asText()).isEqualTo("telemetry");
        assertThat(line.path("deviceId").asText()).isEqualTo("device-a");
        assertThat(line.path("deliveryId").asText()).isEqualTo("iothub/0/2/telemetry");
        assertThat(line.path("partition").asInt()).isZero();
        assertThat(line.path("enqueuedTimeMillis").asLong()).isEqualTo(1_714_558_530_002L);
        assertThat(metrics.count(SinkMetrics.UNDELIVERABLE)).isEqualTo(1);
        assertThat(metrics.count(SinkMetrics.egress(SinkMetrics.EndpointKind.EVENT_HUBS)))
                .isEqualTo(4);
        assertThat(metrics.health()).isEqualTo(EndpointHealth.HEALTHY);
    }

    @Test
    void aRecordTooLargeAmongRecordsSentAgainIsDivertedAndTheOthersArriveInOrder()
            throws Exception {
        EventHubsWriter writer = writer(FailurePolicy.BACKPRESSURE, 10);
        kafka.refusedOnce.add("m-1");
        kafka.tooLarge.add("m-3");
        for (int i = 0; i < 5; i++) {
            write(writer, i, "device-" + i);
        }
        kafka.answerAll();

        writer.flush(false);

        assertThat(kafka.log)
                .containsExactly("device-0:m-0", "device-2:m-2", "device-4:m-4", "device-1:m-1");
        assertThat(undeliverable.diverted())
                .containsExactly("m-3 1 RecordTooLargeException: " + FakeKafka.tooLargeText("m-3"));
    }

    @ParameterizedTest
    @EnumSource(FailurePolicy.class)
    void refusedCredentialsFailTheWriterAtOnceSayingWhatToCheckAndDivertNothing(
            FailurePolicy failurePolicy) throws Exception {
        EventHubsWriter writer = writer(failurePolicy, 10);
        kafka.answerAtOnce = true;
        kafka.denied = 100;

        assertThatThrownBy(() -> write(writer, 0, "device-0"))
                .isInstanceOf(EndpointAuthenticationException.class)
                .hasMessage(
                        "endpoint 'telemetry': authentication failed: the broker at 127.0.0.1:1"
                                + " refused the SASL credentials: check sasl.mechanism and the user"
                                + " name and password in sasl.jaas.config; retrying cannot fix"
                                + " this, so the job fails now: correct the setting and start the"
                                + " job again. Cause: SaslAuthenticationException: Authentication"
                                + " failed")
                .hasCauseInstanceOf(SaslAuthenticationException.class);
        assertThat(kafka.denied).as("one send, no retry").isEqualTo(99);
        assertThat(kafka.log).isEmpty();
        assertThat(deadLetters.written).isEmpty();
        assertThat(undeliverable.written).isEmpty();
        assertThat(metrics.count(SinkMetrics.UNDELIVERABLE)).isZero();
        assertThat(metrics.count(SinkMetrics.DEAD_LETTERED)).isZero();
    }

    @Test
    void anAuthorizationFailureIsRetriedUntilItPassesAndNeverDivertedRecordByRecord()
            throws Exception {
        EventHubsWriter writer = writer(FailurePolicy.BACKPRESSURE, 10);
        kafka.answerAtOnce = true;
        kafka.forbidden = 4;
        kafka.healthOnRefusal = metrics::health;
        for (int i = 0; i < 3; i++) {
            write(writer, i, "device-" + i);
        }
        writer.flush(false);

        assertThat(kafka.log).containsExactly("device-0:m-0", "device-1:m-1", "device-2:m-2");
        assertThat(undeliverable.written).isEmpty();
        assertThat(kafka.healthSeenByRefusals).contains(EndpointHealth.DEAD);
        assertThat(metrics.count(SinkMetrics.UNDELIVERABLE)).isZero();
    }

    @Test
    void withNowhereToDivertARecordTooLargeFailsTheJobNamingTheSettingToAdd() throws Exception {
        EventHubsWriter writer = writer(FailurePolicy.BACKPRESSURE, 10, null);
        kafka.tooLarge.add("m-1");
        write(writer, 0, "device-a");
        write(writer, 1, "device-a");
        kafka.answerAll();

        assertThatThrownBy(() -> writer.flush(false))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(
                        "endpoint 'telemetry' can never take message iothub/0/1/telemetry")
                .hasMessageContaining("call setUndeliverableSink(...)");
        assertThat(kafka.log).containsExactly("device-a:m-0");
    }

    @Test
    void underDeadLetterARecordTooLargeIsDeadLetteredAtOnceAndCountedUndeliverable()
            throws Exception {
        EventHubsWriter writer = writer(FailurePolicy.DEAD_LETTER, 10);
        kafka.tooLarge.add("m-1");
        for (int i = 0; i < 3; i++) {
            write(writer, i, "device-a");
        }
        kafka.answerAll();

        writer.flush(false);

        assertThat(kafka.log).containsExactly("device-a:m-0", "device-a:m-2");
        assertThat(deadLetters.diverted())
                .containsExactly("m-1 1 RecordTooLargeException: " + FakeKafka.tooLargeText("m-1"));
        assertThat(undeliverable.written).as("the dead-letter endpoint takes it").isEmpty();
        assertThat(metrics.count(SinkMetrics.UNDELIVERABLE)).isEqualTo(1);
        assertThat(metrics.count(SinkMetrics.DEAD_LETTERED)).isEqualTo(1);
    }

    /**
     * The device's records in the log from the last copy of its first record on: what a reader that
     * keeps the latest copy of each record sees.
     */
    private static List<String> inOrderFromItsFirstRecord(
            List<String> log, String device, String firstRecord) {
        int from = log.lastIndexOf(device + ":" + firstRecord);
        List<String> records = new ArrayList<>();
        for (int i = Math.max(0, from); i < log.size(); i++) {
            if (log.get(i).startsWith(device + ":")) {
                records.add(log.get(i).substring(device.length() + 1));
            }
        }
        return records;
    }

    private static void write(EventHubsWriter writer, int i, String device) throws Exception {
        Message message =
                Message.builder(RoutingSource.DEVICE_MESSAGES)
                        .systemProperties(
                                MessageProperties.of(
                                        "messageId", "m-" + i, "connectionDeviceId", device))
                        .body("{\"i\":" + i + "}")
                        .build();
        writer.write(
                new RoutedMessage(
                        "telemetry",
                        message,
                        0,
                        1_714_558_530_000L + i,
                        "iothub/0/" + i + "/telemetry"),
                DeadLetterDiversion.noContext());
    }

    /**
     * One topic's log, and the producers that write to it: records refused for good or once are
     * failed with a retriable timeout, records too large for the topic with Kafka's {@link
     * RecordTooLargeException}, the next {@link #denied} sends with a failed authentication, the
     * next {@link #forbidden} with a failed authorization; the others appended; answers come at
     * once or when the test (or a flush) says so. Closing a producer fails the sends it has not
     * answered, as Kafka's does. Sending one record again and again is a test failure, not a hang.
     */
    private static final class FakeKafka {
        private static final int MOST_SENDS_OF_ONE_RECORD = 20;

        final List<String> log = new ArrayList<>();
        final Set<String> refused = new HashSet<>();
        final Set<String> refusedOnce = new HashSet<>();
        final Set<String> tooLarge = new HashSet<>();
        final List<EndpointHealth> healthSeenByRefusals = new ArrayList<>();
        Supplier<EndpointHealth> healthOnRefusal = () -> EndpointHealth.UNKNOWN;
        int denied;
        int forbidden;
        boolean answerAtOnce;
        private final List<Object[]> unanswered = new ArrayList<>();
        private final Map<String, Integer> sends = new HashMap<>();

        /** What the broker says of a record over the topic's max.message.bytes. */
        static String tooLargeText(String id) {
            return "The request included a message larger than the max message size the server"
                    + " will accept ("
                    + id
                    + ")";
        }

        Producer<byte[], byte[]> newProducer() {
            return new FakeProducer(this);
        }

        void answerNext() {
            answer(unanswered.remove(0));
        }

        void answerAll() {
            while (!unanswered.isEmpty()) {
                answerNext();
            }
        }

        private void answer(Object[] send) {
            @SuppressWarnings("unchecked")
            ProducerRecord<byte[], byte[]> record = (ProducerRecord<byte[], byte[]>) send[0];
            Callback callback = (Callback) send[1];
            String id =
                    new String(
                            record.headers().lastHeader("message-id").value(),
                            StandardCharsets.UTF_8);
            if (sends.merge(id, 1, Integer::sum) > MOST_SENDS_OF_ONE_RECORD) {
                throw new AssertionError(id + " sent again and again");
            }
            if (denied > 0) {
                denied--;
                callback.onCompletion(
                        null, new SaslAuthenticationException("Authentication failed"));
                return;
            }
            if (forbidden > 0) {
                forbidden--;
                healthSeenByRefusals.add(healthOnRefusal.get());
                callback.onCompletion(
                        null, new TopicAuthorizationException(Set.of(record.topic())));
                return;
            }
            if (tooLarge.contains(id)) {
                callback.onCompletion(null, new RecordTooLargeException(tooLargeText(id)));
                return;
            }
            if (refused.contains(id) || refusedOnce.remove(id)) {
                callback.onCompletion(null, new TimeoutException("refused " + id));
                return;
            }
            log.add(new String(record.key(), StandardCharsets.UTF_8) + ":" + id);
            callback.onCompletion(
                    new RecordMetadata(
                            new TopicPartition(record.topic(), 0), log.size() - 1, 0, 0, 0, 0),
                    null);
        }
    }

    private static final class FakeProducer implements Producer<byte[], byte[]> {
        private final FakeKafka kafka;
        private final List<Object[]> mine = new ArrayList<>();

        FakeProducer(FakeKafka kafka) {
            this.kafka = kafka;
        }

        @Override
        public Future<RecordMetadata> send(
                ProducerRecord<byte[], byte[]> record, Callback callback) {
            Object[] send = {record, callback};
            if (kafka.answerAtOnce) {
                kafka.answer(send);
            } else {
                kafka.unanswered.add(send);
                mine.add(send);
            }
            return new CompletableFuture<>();
        }

        @Override
        public Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record) {
            throw new UnsupportedOperationException("the writer always passes a callback");
        }

        @Override
        public void flush() {
            for (Object[] send : mine) {
                if (kafka.unanswered.remove(send)) {
                    kafka.answer(send);
                }
            }
            mine.clear();
        }

        @Override
        public void close(Duration timeout) {
            for (Object[] send : mine) {
                if (kafka.unanswered.remove(send)) {
                    ((Callback) send[1])
                            .onCompletion(
                                    null, new KafkaException("Producer is closed forcefully."));
                }
            }
            mine.clear();
        }

        @Override
        public void close() {
            close(Duration.ZERO);
        }

        @Override
        public void initTransactions() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void beginTransaction() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void sendOffsetsToTransaction(
                Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata metadata) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void commitTransaction() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void abortTransaction() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void registerMetricForSubscription(KafkaMetric metric) {}

        @Override
        public void unregisterMetricFromSubscription(KafkaMetric metric) {}

        @Override
        public List<PartitionInfo> partitionsFor(String topic) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Map<MetricName, ? extends Metric> metrics() {
            return Map.of();
        }

        @Override
        public Uuid clientInstanceId(Duration timeout) {
            throw new UnsupportedOperationException();
        }
    }
}
