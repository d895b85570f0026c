package io.hubroute.sink.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import io.hubroute.embedded.EmbeddedAmqpBroker;
import io.hubroute.embedded.ReceivedAmqpMessage;
import io.hubroute.message.Message;
import io.hubroute.message.MessageProperties;
import io.hubroute.message.RoutingSource;
import io.hubroute.sink.DeadLetterEndpoint;
import io.hubroute.sink.DeadLetters;
import io.hubroute.sink.FailurePolicy;
import io.hubroute.sink.RetryPolicy;
import io.hubroute.sink.RoutedMessage;
import io.hubroute.sink.RoutedMessageTypeInfo;
import io.hubroute.sink.amqp.internal.DeliveryIds;
import io.hubroute.sink.testing.TestDeliveries.FailOnceAfterCheckpoint;
import io.hubroute.sink.testing.TestDeliveries.Slowly;
import io.hubroute.sink.testing.TestDeliveries.ToDelivery;
import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.apache.qpid.jms.message.JmsMessage;
import org.apache.qpid.jms.provider.amqp.message.AmqpJmsMessageFacade;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Service Bus sink in a Flink MiniCluster (a local environment per job: flink-test-utils'
 * MiniClusterExtension needs JUnit 4) against a real AMQP 1.0 broker (embedded Artemis).
 */
class ServiceBusSinkITCase {
    private static EmbeddedAmqpBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = EmbeddedAmqpBroker.start();
    }

    @AfterAll
    static void stopBroker() throws Exception {
        broker.close();
    }

    @Test
    void queueMessagesArriveWithBodyAndPropertiesIntact() throws Exception {
        String queue = "props-" + UUID.randomUUID();
        RoutedMessage full =
                new RoutedMessage(
                        "alerts",
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
                                                        "{\"scope\":\"device\",\"type\":\"sas\"}",
                                                "iothub-enqueuedtime",
                                                        "2024-05-01T10:15:30.1234567Z"))
                                .appProperties(
                                        MessageProperties.of(
                                                "level",
                                                "critical",
                                                "alert-kind",
                                                "temperature",
                                                "note",
                                                null))
                                .body("{\"temperature\": 31.5}")
                                .build(),
                        3,
                        1714558530123L);
        byte[] binaryBody = {0, 1, 2, (byte) 0xFF, (byte) 0xFE};
        RoutedMessage withoutId =
                new RoutedMessage(
                        "alerts",
                        Message.builder(RoutingSource.DEVICE_MESSAGES)
                                .systemProperties(
                                        MessageProperties.of("connectionDeviceId", "thermostat-2"))
                                .body(binaryBody)
                                .build(),
                        0,
                        1714558530999L);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
        env.fromData(RoutedMessageTypeInfo.of(), full, withoutId)
                .sinkTo(
                        ServiceBusSink.builder()
                                .setEndpointName("alerts")
                                .setAmqpUri(broker.amqpUri())
                                .setEntityPath(queue)
                                .build())
                .name("alerts");
        env.execute("service-bus-properties");

        List<ReceivedAmqpMessage> received = broker.receive(queue, 3, 2_000);
        assertThat(received).hasSize(2);

        ReceivedAmqpMessage first = received.get(0);
        assertThat(first.messageId()).isEqualTo("m-1");
        assertThat(first.correlationId()).isEqualTo("c-1");
        assertThat(first.contentType()).isEqualTo("application/json");
        assertThat(first.contentEncoding()).isEqualTo("utf-8");
        assertThat(new String(first.body(), StandardCharsets.UTF_8))
                .isEqualTo("{\"temperature\": 31.5}");
        assertThat(first.applicationProperties())
                .containsEntry("level", "critical")
                .containsEntry("user-id", "user-1")
                .containsEntry("alert-kind", "temperature")
                .containsEntry("note", null)
                .containsEntry("iothub-connection-device-id", "thermostat-1")
                .containsEntry("iothub-connection-module-id", "sensor")
                .containsEntry("iothub-connection-auth-generation-id", "637000000000000000")
                .containsEntry(
                        "iothub-connection-auth-method", "{\"scope\":\"device\",\"type\":\"sas\"}")
                .containsEntry("iothub-enqueuedtime", "2024-05-01T10:15:30.1234567Z");

        ReceivedAmqpMessage second = received.get(1);
        assertThat(second.body()).isEqualTo(binaryBody);
        assertThat(second.messageId())
                .isEqualTo(new DeliveryIds().idOf(withoutId))
                .startsWith("hubroute-");
        assertThat(second.applicationProperties())
                .containsEntry("iothub-connection-device-id", "thermostat-2")
                .containsEntry("iothub-enqueuedtime", "2024-05-01T10:15:30.999Z");
    }

    @Test
    void topicMessagesReachTheSubscription() throws Exception {
        String topic = "topic-" + UUID.randomUUID();
        broker.createTopicSubscription(topic, "all");

        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
        env.fromSequence(0, 9)
                .map(new ToDelivery("orders"), RoutedMessageTypeInfo.of())
                .sinkTo(
                        ServiceBusSink.builder()
                                .setEndpointName("orders")
                                .setAmqpUri(broker.amqpUri())
                                .setEntityPath(topic)
                                .setKind(ServiceBusEntityKind.TOPIC)
                                .build());
        env.execute("service-bus-topic");

        assertThat(messageIds(broker.receive(topic + "::all", 11, 2_000)))
                .containsExactly(
                        "m-0", "m-1", "m-2", "m-3", "m-4", "m-5", "m-6", "m-7", "m-8", "m-9");
    }

    @Test
    void jobRestoredFromACheckpointLosesNothing() throws Exception {
        String queue = "recovery-" + UUID.randomUUID();
        int count = 400;
        FailOnceAfterCheckpoint.reset(100);

        Configuration configuration = new Configuration();
        configuration.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        configuration.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 2);
        configuration.set(
                RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(2, configuration);
        env.enableCheckpointing(100);
        env.fromSequence(0, count - 1)
                .map(new FailOnceAfterCheckpoint())
                .map(new ToDelivery("recovery"), RoutedMessageTypeInfo.of())
                .sinkTo(
                        ServiceBusSink.builder()
                                .setEndpointName("recovery")
                                .setAmqpUri(broker.amqpUri())
                                .setEntityPath(queue)
                                .build())
                .uid("sink-recovery");
        env.execute("service-bus-recovery");

        assertThat(FailOnceAfterCheckpoint.FAILED.get()).as("the job failed once").isTrue();
        List<ReceivedAmqpMessage> received = broker.receive(queue, Integer.MAX_VALUE, 2_000);
        assertThat(new HashSet<>(messageIds(received))).hasSize(count);
    }

    @Test
    void endpointDownForAWhileIsRetriedAndThenReceivesEverything() throws Exception {
        String queue = "outage-" + UUID.randomUUID();
        int count = 300;

        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
        env.fromSequence(0, count - 1)
                .map(new Slowly(10))
                .map(new ToDelivery("outage"), RoutedMessageTypeInfo.of())
                .sinkTo(
                        ServiceBusSink.builder()
                                .setEndpointName("outage")
                                .setAmqpUri(broker.amqpUri())
                                .setEntityPath(queue)
                                .setRetryPolicy(
                                        RetryPolicy.builder()
                                                .setInitialDelay(Duration.ofMillis(100))
                                                .setMaxDelay(Duration.ofMillis(500))
                                                .setMaxAttempts(3)
                                                .build())
                                .setSendTimeout(Duration.ofSeconds(5))
                                .build());
        JobClient job = env.executeAsync("service-bus-outage");

        Thread.sleep(1_000);
        broker.stop();
        boolean finishedDuringOutage;
        try {
            Thread.sleep(3_000);
            finishedDuringOutage = job.getJobExecutionResult().isDone();
        } finally {
            broker.restart();
        }
        assertThat(finishedDuringOutage).as("the job waits for the endpoint").isFalse();
        job.getJobExecutionResult().get();

        List<ReceivedAmqpMessage> received = broker.receive(queue, Integer.MAX_VALUE, 2_000);
        Set<String> ids = new HashSet<>(messageIds(received));
        assertThat(ids).hasSize(count);
    }

    @Test
    void endpointThatStaysDownDivertsToTheDeadLetterEndpointWithTheFailureRecorded()
            throws Exception {
        String deadLetterQueue = "deadletters-" + UUID.randomUUID();
        int count = 20;
        ServiceBusSink deadLetters =
                ServiceBusSink.builder()
                        .setEndpointName("deadletters")
                        .setAmqpUri(broker.amqpUri())
                        .setEntityPath(deadLetterQueue)
                        .build();

        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
        env.fromSequence(0, count - 1)
                .map(new ToDelivery("unreachable"), RoutedMessageTypeInfo.of())
                .sinkTo(
                        ServiceBusSink.builder()
                                .setEndpointName("unreachable")
                                .setAmqpUri("amqp://127.0.0.1:" + closedPort())
                                .setEntityPath("nowhere")
                                .setRetryPolicy(
                                        RetryPolicy.builder()
                                                .setInitialDelay(Duration.ofMillis(20))
                                                .setMaxDelay(Duration.ofMillis(50))
                                                .setMaxAttempts(3)
                                                .build())
                                .setFailurePolicy(FailurePolicy.DEAD_LETTER)
                                .setDeadLetterEndpoint(
                                        DeadLetterEndpoint.of("deadletters", deadLetters))
                                .build());
        env.execute("service-bus-dead-letter");

        List<ReceivedAmqpMessage> received = broker.receive(deadLetterQueue, count + 1, 2_000);
        assertThat(messageIds(received)).hasSize(count).doesNotHaveDuplicates();
        ReceivedAmqpMessage first = received.get(0);
        assertThat(first.messageId()).isEqualTo("m-0");
        assertThat(first.applicationProperties())
                .containsEntry(DeadLetters.ENDPOINT_PROPERTY, "unreachable")
                .containsEntry("sequence", "0")
                .containsKey(DeadLetters.TIME_PROPERTY);
        assertThat((String) first.applicationProperties().get(DeadLetters.REASON_PROPERTY))
                .contains("JMSException");
        assertThat(
                        Integer.parseInt(
                                (String)
                                        first.applicationProperties()
                                                .get(DeadLetters.ATTEMPTS_PROPERTY)))
                .isGreaterThanOrEqualTo(3);
    }

    @Test
    void devicePropertiesNamedLikeJmsHeadersArriveAsPlainApplicationPropertiesAndStallNothing()
            throws Exception {
        String queue = "hostile-names-" + UUID.randomUUID();
        MessageProperties hostile =
                MessageProperties.of(
                        "JMSXGroupID", "group-7",
                        "JMS_AMQP_TTL", "1",
                        "JMSType", "alert",
                        "JMSXDeliveryCount", "abc",
                        "JMSPriority", "high",
                        "JMSCorrelationID", "not-the-correlation-id",
                        "", "empty name",
                        "level", "critical");
        RoutedMessage first =
                new RoutedMessage(
                        "hostile",
                        Message.builder(RoutingSource.DEVICE_MESSAGES)
                                .systemProperties(MessageProperties.of("messageId", "m-1"))
                                .appProperties(hostile)
                                .body("{}")
                                .build(),
                        0,
                        1714558530123L);
        RoutedMessage second =
                new RoutedMessage(
                        "hostile",
                        Message.builder(RoutingSource.DEVICE_MESSAGES)
                                .systemProperties(MessageProperties.of("messageId", "m-2"))
                                .appProperties(MessageProperties.of("level", "info"))
                                .body("{}")
                                .build(),
                        0,
                        1714558530124L);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
        env.fromData(RoutedMessageTypeInfo.of(), first, second)
                .sinkTo(
                        ServiceBusSink.builder()
                                .setEndpointName("hostile")
                                .setAmqpUri(broker.amqpUri())
                                .setEntityPath(queue)
                                .build());
        JobClient job = env.executeAsync("service-bus-hostile-names");
        try {
            job.getJobExecutionResult().get(60, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            job.cancel();
            throw new AssertionError("the endpoint stalled on a device property name", e);
        }
        // a message sent with JMS_AMQP_TTL=1 as its time to live would be gone by now
        Thread.sleep(200);

        List<Map<String, Object>> received = receiveApplicationProperties(queue, 2);
        assertThat(received).hasSize(2);
        Map<String, Object> properties = received.get(0);
        for (MessageProperties.Property property : hostile.entries()) {
            assertThat(properties).containsEntry(property.name(), property.value());
        }
        assertThat(properties).containsEntry("x-received-group-id", null);
        assertThat(properties).containsEntry("x-received-type", null);
        assertThat(properties).containsEntry("x-received-expiration", 0L);
        assertThat(properties).containsEntry("x-received-correlation-id", null);
        assertThat(received.get(1)).containsEntry("level", "info");
    }

    /**
     * Receives from a queue and reads each message's AMQP application properties as they are,
     * whatever their names (a JMS view would take some for headers), plus what the JMS view shows
     * of the group, type, expiration and correlation id under {@code x-received-*}.
     */
    private static List<Map<String, Object>> receiveApplicationProperties(
            String queue, int expected) throws Exception {
        List<Map<String, Object>> received = new ArrayList<>();
        JmsConnectionFactory factory = new JmsConnectionFactory(broker.amqpUri());
        try (Connection connection = factory.createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createQueue(queue));
            while (received.size() < expected) {
                jakarta.jms.Message message = consumer.receive(5_000);
                if (message == null) {
                    break;
                }
                AmqpJmsMessageFacade facade =
                        (AmqpJmsMessageFacade) ((JmsMessage) message).getFacade();
                Map<String, Object> properties = new LinkedHashMap<>();
                for (String name : facade.getApplicationPropertyNames(new LinkedHashSet<>())) {
                    properties.put(name, facade.getApplicationProperty(name));
                }
                properties.put("x-received-group-id", facade.getGroupId());
                properties.put("x-received-type", facade.getType());
                properties.put("x-received-expiration", message.getJMSExpiration());
                properties.put("x-received-correlation-id", message.getJMSCorrelationID());
                received.add(properties);
            }
        }
        return received;
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static List<String> messageIds(List<ReceivedAmqpMessage> received) {
        return received.stream().map(ReceivedAmqpMessage::messageId).toList();
    }
}
