package io.hubroute.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.hubroute.config.JobConfig;
import io.hubroute.config.SecretLookup;
import io.hubroute.config.SourceOptions;
import io.hubroute.embedded.EmbeddedKafkaBroker;
import io.hubroute.sink.DeadLetterEndpoint;
import io.hubroute.sink.FailurePolicy;
import io.hubroute.sink.RoutedMessage;
import io.hubroute.sink.eventhubs.EventHubsSink;
import io.hubroute.sink.eventhubs.EventHubsSinkBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Event Hubs connection-string path against a broker that authenticates as Event Hubs does
 * (SASL_SSL, PLAIN, user {@code $ConnectionString}, the whole connection string as password, a
 * self-signed certificate the job trusts through {@code ssl.truststore.*} settings): the job's
 * source and an Event Hubs sink reach it with a connection string whose Endpoint names {@code
 * localhost:<port>}, and a wrong SharedAccessKey fails either at once with an error that names it
 * and says what to check, never showing the key: not in the error, its causes, their {@code
 * toString}s or the logs. What goes in and comes out is read over the broker's plain listener.
 */
class EventHubsConnectionStringITCase {
    /** The event hub the sink writes: the EntityPath of the one connection string accepted. */
    private static final String HUB = "hub-out";

    private static final String KEY = randomKey();
    private static final String WRONG_KEY = randomKey();
    private static final int RECORDS = 20;

    /** Far longer than a refused login takes to report; far shorter than a delivery timeout. */
    private static final long FAILS_WITHIN_SECONDS = 30;

    private static final String ROUTES =
            String.join(
                    "\n",
                    "hubName: eh-hub",
                    "endpoints:",
                    "  eventHubs:",
                    "    - {name: " + HUB + ", connectionString: '${env:EH}'}",
                    "routes:",
                    "  - {name: all, source: DeviceMessages, condition: 'true', endpointNames: ["
                            + HUB
                            + "]}",
                    "fallbackRoute: {isEnabled: false}",
                    "");

    private static EmbeddedKafkaBroker kafka;

    @TempDir Path work;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = EmbeddedKafkaBroker.startWithSaslSsl(port -> connectionString(port, KEY));
        kafka.createTopic(HUB, 2);
    }

    @AfterAll
    static void stopKafka() throws Exception {
        kafka.close();
    }

    @Test
    void messagesComeInThroughTheSourceAndOutThroughTheSinkWithTheConnectionString()
            throws Exception {
        String d2c = "d2c-" + UUID.randomUUID();
        kafka.createTopic(d2c, 2);
        produce(d2c, RECORDS);
        String connectionString = connectionString(kafka.saslSslPort(), KEY);
        assertThat(connectionString).isEqualTo(kafka.saslSslConnectionString());
        JobConfig config = jobConfig(connectionString, d2c);
        assertThat(config.source().bootstrapServers())
                .isEqualTo("localhost:" + kafka.saslSslPort());
        Sink<RoutedMessage> sink = eventHubsSink(connectionString).build();

        List<ConsumerRecord<byte[], byte[]>> delivered;
        try (CapturedLogs logs = CapturedLogs.start()) {
            JobClient job = start(config, sink);
            try {
                delivered = consume(HUB, RECORDS, Duration.ofSeconds(90));
            } finally {
                job.cancel().get(30, TimeUnit.SECONDS);
            }
            // Kafka's clients log their settings at INFO: the JAAS line and trust store password
            // hidden
            assertThat(logs.text()).contains("sasl.jaas.config = [hidden]");
            assertHoldsNoSecret(logs.text(), "the logs");
        }

        List<String> ids = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : delivered) {
            ids.add(header(record, "message-id"));
            assertThat(new String(record.key(), StandardCharsets.UTF_8))
                    .isEqualTo(header(record, "iothub-connection-device-id"));
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            expected.add("m-" + i);
        }
        assertThat(ids).containsExactlyInAnyOrderElementsOf(expected);
        assertHoldsNoSecret(config.toString(), "the job config");
        assertHoldsNoSecret(sink.toString(), "the sink");
    }

    @Test
    void aWrongKeyFailsTheSourceAtOnceSayingWhatToCheck() throws Exception {
        String d2c = "d2c-" + UUID.randomUUID();
        kafka.createTopic(d2c, 1);
        produce(d2c, 3);
        JobConfig config = jobConfig(connectionString(kafka.saslSslPort(), WRONG_KEY), d2c);

        Throwable failure;
        try (CapturedLogs logs = CapturedLogs.start()) {
            failure = runUntilItFails(config, new DiscardingSink<>());
            assertThat(logs.text()).contains("failed authentication");
            assertHoldsNoSecret(logs.text(), "the logs");
        }

        Throwable explained = find(failure, "authentication failed");
        assertThat(explained.getMessage())
                .startsWith(
                        "d2c source ["
                                + d2c
                                + "] at localhost:"
                                + kafka.saslSslPort()
                                + ": authentication failed: the Event Hubs namespace refused the"
                                + " connection string")
                .contains("SharedAccessKeyName", "SharedAccessKey", "Endpoint");
        assertChainHoldsNoSecret(failure);
    }

    @ParameterizedTest
    @EnumSource(FailurePolicy.class)
    void aWrongKeyFailsTheSinkAtOnceSayingWhatToCheckAndDivertsNothing(FailurePolicy policy)
            throws Exception {
        String d2c = "d2c-" + UUID.randomUUID();
        String deadLetters = "deadletters-" + UUID.randomUUID();
        kafka.createTopics(1, d2c, deadLetters);
        produce(d2c, 3);
        JobConfig config =
                JobConfig.defaults()
                        .withSource(SourceOptions.kafka(kafka.bootstrapServers(), List.of(d2c)));
        EventHubsSinkBuilder builder =
                eventHubsSink(connectionString(kafka.saslSslPort(), WRONG_KEY))
                        .setFailurePolicy(policy);
        if (policy == FailurePolicy.DEAD_LETTER) {
            builder.setDeadLetterEndpoint(
                    DeadLetterEndpoint.of(
                            "deadletters",
                            EventHubsSink.builder()
                                    .setEndpointName("deadletters")
                                    .setBootstrapServers(kafka.bootstrapServers())
                                    .setTopic(deadLetters)
                                    .build()));
        }
        Sink<RoutedMessage> sink = builder.build();

        Throwable failure;
        try (CapturedLogs logs = CapturedLogs.start()) {
            failure = runUntilItFails(config, sink);
            assertThat(logs.text()).contains("failed authentication");
            assertHoldsNoSecret(logs.text(), "the logs");
        }

        Throwable explained = find(failure, "authentication failed");
        assertThat(explained.getMessage())
                .startsWith(
                        "endpoint '"
                                + HUB
                                + "': authentication failed: the Event Hubs namespace at localhost:"
                                + kafka.saslSslPort()
                                + " refused the connection string")
                .contains("SharedAccessKeyName", "SharedAccessKey", "Endpoint");
        assertChainHoldsNoSecret(failure);
        assertHoldsNoSecret(sink.toString(), "the sink");
        assertThat(endOffsets(deadLetters)).as("dead-lettered records").isZero();
    }

    private static String connectionString(int port, String key) {
        return "Endpoint=sb://localhost:"
                + port
                + "/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey="
                + key
                + ";EntityPath="
                + HUB;
    }

    /** A random 32-byte key in base64, as Event Hubs makes them ('+', '/' and '=' included). */
    private static String randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    /**
     * A job.yaml reading {@code topic} with an Event Hubs connection string, trusting the broker's
     * certificate through the source's Kafka properties; secrets by reference, as in production.
     */
    private JobConfig jobConfig(String connectionString, String topic) throws Exception {
        EmbeddedKafkaBroker.Truststore truststore = kafka.truststore();
        String yaml =
                String.join(
                        "\n",
                        "source:",
                        "  eventHubsConnectionString: ${env:EH}",
                        "  topics: [" + topic + "]",
                        "  groupId: hubroute-" + topic,
                        "  startingOffsets: earliest",
                        "  kafkaProperties:",
                        "    ssl.truststore.location: '" + truststore.path() + "'",
                        "    ssl.truststore.type: " + truststore.type(),
                        "    ssl.truststore.password: ${env:TRUSTSTORE_PASSWORD}",
                        "checkpointing: {interval: 1s}",
                        "");
        Map<String, String> environment =
                Map.of("EH", connectionString, "TRUSTSTORE_PASSWORD", truststore.password());
        return JobConfig.parse(
                yaml,
                "job.yaml",
                new SecretLookup() {
                    @Override
                    public String environment(String name) {
                        return environment.get(name);
                    }

                    @Override
                    public String file(Path path) {
                        return null;
                    }
                },
                work);
    }

    /** The sink of endpoint {@link #HUB}, trusting the broker's certificate. */
    private static EventHubsSinkBuilder eventHubsSink(String connectionString) {
        EventHubsSinkBuilder builder =
                EventHubsSink.builder()
                        .setEndpointName(HUB)
                        .setEventHubsConnectionString(connectionString);
        kafka.truststore().kafkaProperties().forEach(builder::setProducerProperty);
        return builder;
    }

    private static JobClient start(JobConfig config, Sink<RoutedMessage> sink) throws Exception {
        Configuration flink = RoutingJob.flinkConfiguration(config);
        flink.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(1, flink);
        RoutingJob.builder()
                .setJobConfig(config)
                .setRouterFactory(RoutesFileRouter.factory(ROUTES, "routes.yaml"))
                .addEndpointSink(HUB, sink)
                .build()
                .addTo(env);
        return env.executeAsync("event-hubs-connection-string");
    }

    /**
     * Runs the job without restarts and returns why it failed; fails the test when it runs longer
     * than {@link #FAILS_WITHIN_SECONDS}.
     */
    private static Throwable runUntilItFails(JobConfig config, Sink<RoutedMessage> sink)
            throws Exception {
        JobClient job = start(config, sink);
        try {
            job.getJobExecutionResult().get(FAILS_WITHIN_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e;
        } catch (TimeoutException e) {
            job.cancel().get(30, TimeUnit.SECONDS);
            throw new AssertionError(
                    "the job still ran after " + FAILS_WITHIN_SECONDS + " s with a wrong key", e);
        }
        throw new AssertionError("the job finished with a wrong key");
    }

    /** The first throwable in the cause chain whose message contains {@code text}. */
    private static Throwable find(Throwable failure, String text) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause.getMessage() != null && cause.getMessage().contains(text)) {
                return cause;
            }
        }
        throw new AssertionError("no cause says '" + text + "' in " + chain(failure), failure);
    }

    private static void assertChainHoldsNoSecret(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            assertHoldsNoSecret(cause.toString(), "a cause's toString");
            for (Throwable suppressed : cause.getSuppressed()) {
                assertHoldsNoSecret(suppressed.toString(), "a suppressed exception");
            }
        }
    }

    /** Neither key, nor a piece of one, nor a connection string (which holds one). */
    private static void assertHoldsNoSecret(String text, String what) {
        assertThat(text)
                .as(what)
                .doesNotContain(KEY.substring(0, 12))
                .doesNotContain(WRONG_KEY.substring(0, 12))
                .doesNotContain("SharedAccessKeyName=RootManageSharedAccessKey;");
    }

    private static String chain(Throwable failure) {
        StringBuilder text = new StringBuilder();
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            text.append("\n  ").append(cause);
        }
        return text.toString();
    }

    /** IoT Hub-shaped records, as a device's messages reach the built-in endpoint. */
    private static void produce(String topic, int count) throws Exception {
        Properties properties = new Properties();
        properties.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(
                        properties, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < count; i++) {
                String device = "device-" + (i % 4);
                ProducerRecord<byte[], byte[]> record =
                        new ProducerRecord<>(
                                topic,
                                null,
                                System.currentTimeMillis(),
                                utf8(device),
                                utf8("{\"n\":" + i + "}"));
                record.headers().add("iothub-connection-device-id", utf8(device));
                record.headers().add("message-id", utf8("m-" + i));
                record.headers().add("content-type", utf8("application/json"));
                producer.send(record).get();
            }
        }
    }

    /** The records in all partitions of {@code topic}. */
    private static long endOffsets(String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo partition : consumer.partitionsFor(topic)) {
                partitions.add(new TopicPartition(topic, partition.partition()));
            }
            long total = 0;
            for (long offset : consumer.endOffsets(partitions).values()) {
                total += offset;
            }
            return total;
        }
    }

    /** Reads {@code topic} from its start until {@code count} records came or time ran out. */
    private static List<ConsumerRecord<byte[], byte[]>> consume(
            String topic, int count, Duration timeout) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (records.size() < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record :
                        consumer.poll(Duration.ofMillis(200))) {
                    records.add(record);
                }
            }
        }
        return records;
    }

    private static KafkaConsumer<byte[], byte[]> consumer() {
        Properties properties = new Properties();
        properties.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        properties.setProperty(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID());
        properties.setProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return new KafkaConsumer<>(
                properties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
