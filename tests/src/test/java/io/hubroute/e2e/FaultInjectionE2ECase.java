package io.hubroute.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobItem;
import com.fasterxml.jackson.databind.JsonNode;
import io.hubroute.cli.Main;
import io.hubroute.demo.IotHubRecords;
import io.hubroute.embedded.AzuriteProcess;
import io.hubroute.embedded.EmbeddedAmqpBroker;
import io.hubroute.embedded.EmbeddedKafkaBroker;
import io.hubroute.message.Json;
import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole job under faults, on a real Flink session cluster (JobManager and TaskManager as
 * processes), with a real Kafka broker, Azurite and an AMQP 1.0 broker, every message checked by
 * its id:
 *
 * <ul>
 *   <li>{@code kill -9} of the TaskManager mid-stream: the job restarts on a new one; the blob
 *       endpoint holds every message exactly once, the Service Bus queue and the Event Hubs topic
 *       every message at least once with each repeat carrying the same delivery id, and each
 *       device's messages keep their order on the Kafka topic;
 *   <li>an endpoint down longer than the checkpoint timeout, then back: everything delivered, no
 *       restart;
 *   <li>poison input (a 10 MB body, invalid UTF-8, 10,000-deep JSON, every AMQP header type,
 *       property names that are JMS headers, deliveries over 256 KB): the job never restarts, each
 *       is diverted or routed with its reason, everything else arrives.
 * </ul>
 *
 * <p>What each fault did is written to {@code target/reliability.md} (the table of
 * docs/reliability.md).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class FaultInjectionE2ECase {
    private static final Pattern JOB_ID = Pattern.compile("job id: ([0-9a-f]{32})");
    private static final int DEVICES = 20;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path work;

    private static EmbeddedKafkaBroker kafka;
    private static EmbeddedAmqpBroker amqp;
    private static AzuriteProcess azurite;
    private static FlinkSessionCluster flink;
    private static final Map<String, String> RESULTS = new LinkedHashMap<>();

    @BeforeAll
    static void startComponents() throws Exception {
        kafka = EmbeddedKafkaBroker.start(work.resolve("kafka"));
        amqp = EmbeddedAmqpBroker.start(work.resolve("amqp"));
        azurite = AzuriteProcess.create().start();
        flink =
                FlinkSessionCluster.start(
                        work.resolve("flink"),
                        SubmitE2ECase.jobJar(),
                        Map.of(
                                "FAULT_KAFKA", "kafka://" + kafka.bootstrapServers(),
                                "FAULT_AMQP", amqp.amqpUri(),
                                "FAULT_STORAGE", azurite.connectionString()));
    }

    @AfterAll
    static void stopComponents() throws Exception {
        if (flink != null) {
            flink.close();
        }
        if (azurite != null) {
            azurite.close();
        }
        if (amqp != null) {
            amqp.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        StringBuilder table =
                new StringBuilder(
                        "| fault | sent | delivered | lost | duplicated | restarts |\n"
                                + "|---|---|---|---|---|---|\n");
        RESULTS.values().forEach(row -> table.append(row).append('\n'));
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "reliability.md"), table.toString());
    }

    // ---------------------------------------------------------------- kill -9

    @Test
    @Order(1)
    void aTaskManagerKilledMidStreamLosesNothingAndDuplicatesNothingInBlobs() throws Exception {
        String prefix = "kill";
        kafka.createTopics(2, prefix + "-d2c", prefix + "-hub", prefix + "-ledger");
        container(prefix + "-archive");
        String jobId =
                submit(
                        prefix,
                        routes(prefix, "archive", "alerts", "hub", "ledger"),
                        config(prefix, "checkpointing: {interval: 1s}"));
        List<ProducerRecord<byte[], byte[]>> stream = telemetry(prefix + "-d2c", 150);
        int half = stream.size() / 2;
        send(stream.subList(0, half));
        awaitTrue(
                "some deliveries and two checkpoints before the kill",
                () -> completedCheckpoints(jobId) >= 2 && kafkaIds(prefix + "-hub").size() > 200,
                Duration.ofMinutes(2));

        flink.killTaskManager();
        flink.startTaskManager();
        send(stream.subList(half, stream.size()));

        Set<String> sent = sentIds(stream);
        awaitTrue(
                "every message on every endpoint after the restart (blobs close after 60 s)",
                () ->
                        new HashSet<>(kafkaIds(prefix + "-hub")).containsAll(sent)
                                && new HashSet<>(kafkaIds(prefix + "-ledger")).containsAll(sent)
                                && new HashSet<>(blobIds(prefix + "-archive")).containsAll(sent),
                Duration.ofMinutes(3));
        List<Delivered> queue = amqpDeliveries(prefix + "-alerts", sent.size());
        List<Delivered> topic = kafkaDeliveries(prefix + "-hub");
        List<String> blobs = blobIds(prefix + "-archive");
        List<Delivered> ledger = kafkaDeliveries(prefix + "-ledger");
        long restarts = restarts(jobId);
        cancel(jobId);

        // blob storage and the transactional Kafka endpoint: exactly once
        assertThat(blobs).hasSize(sent.size());
        assertThat(new HashSet<>(blobs)).isEqualTo(sent);
        assertThat(ledger).hasSize(sent.size());
        assertThat(idsOf(ledger)).isEqualTo(sent);
        assertEachDevicesOrderHolds(ledger);
        // Service Bus and Event Hubs: at least once, and a repeat is recognisable
        assertThat(idsOf(queue)).isEqualTo(sent);
        assertThat(idsOf(topic)).isEqualTo(sent);
        assertRepeatsCarryTheSameDeliveryId(queue);
        assertRepeatsCarryTheSameDeliveryId(topic);
        assertEachDevicesOrderHolds(topic);
        assertThat(restarts).as("the kill restarted the job").isPositive();
        record(
                "TaskManager killed (kill -9) mid-stream",
                sent.size(),
                Map.of(
                        "blob",
                        blobs,
                        "Service Bus",
                        ids(queue),
                        "Event Hubs",
                        ids(topic),
                        "Event Hubs exactlyOnce",
                        ids(ledger)),
                restarts);
    }

    // ---------------------------------------------------------------- endpoint outage

    @Test
    @Order(2)
    void anEndpointDownLongerThanTheCheckpointTimeoutHoldsTheJobBackWithoutRestarts()
            throws Exception {
        String prefix = "outage";
        kafka.createTopics(2, prefix + "-d2c", prefix + "-hub");
        container(prefix + "-archive");
        String jobId =
                submit(
                        prefix,
                        routes(prefix, "alerts", "hub"),
                        config(prefix, "checkpointing: {interval: 1s, timeout: 3s}"));
        List<ProducerRecord<byte[], byte[]>> stream = telemetry(prefix + "-d2c", 60);
        int third = stream.size() / 3;
        send(stream.subList(0, third));
        awaitTrue(
                "the first third on the topic",
                () -> kafkaIds(prefix + "-hub").size() >= third,
                Duration.ofMinutes(2));

        amqp.stop();
        send(stream.subList(third, 2 * third));
        // several checkpoint timeouts long: the writer holds the barrier, checkpoints expire
        Thread.sleep(12_000);
        amqp.restart();
        send(stream.subList(2 * third, stream.size()));

        Set<String> sent = sentIds(stream);
        awaitTrue(
                "every message on the topic",
                () -> new HashSet<>(kafkaIds(prefix + "-hub")).containsAll(sent),
                Duration.ofMinutes(3));
        List<Delivered> queue = amqpDeliveries(prefix + "-alerts", sent.size());
        long restarts = restarts(jobId);
        long expired =
                flink.get("/jobs/" + jobId + "/checkpoints").path("counts").path("failed").asLong();
        cancel(jobId);

        assertThat(expired).as("checkpoints expired while the endpoint was down").isPositive();
        assertThat(idsOf(queue)).isEqualTo(sent);
        assertRepeatsCarryTheSameDeliveryId(queue);
        assertThat(restarts).as("an outage holds the job back; it does not restart it").isZero();
        record(
                "Service Bus endpoint down 12 s (checkpoint timeout 3 s)",
                sent.size(),
                Map.of("Service Bus", ids(queue), "Event Hubs", kafkaIds(prefix + "-hub")),
                restarts);
    }

    // ---------------------------------------------------------------- poison input

    @Test
    @Order(3)
    void poisonInputIsDivertedOrRoutedAndTheJobNeverRestarts() throws Exception {
        String prefix = "poison";
        kafka.createTopics(2, prefix + "-d2c", prefix + "-diagnostics");
        // an Event Hub that takes records up to 64 KB: a 100 KB message is one it can never take
        try (org.apache.kafka.clients.admin.Admin admin = kafka.admin()) {
            admin.createTopics(
                            List.of(
                                    new org.apache.kafka.clients.admin.NewTopic(
                                                    prefix + "-hub", 2, (short) 1)
                                            .configs(Map.of("max.message.bytes", "65536"))))
                    .all()
                    .get();
        }
        String jobId =
                submit(
                        prefix,
                        routes(prefix, "alerts", "hub"),
                        config(
                                prefix,
                                "checkpointing: {interval: 1s}\n"
                                        + "diagnostics: {topic: "
                                        + prefix
                                        + "-diagnostics}"));
        String topic = prefix + "-d2c";
        List<ProducerRecord<byte[], byte[]>> healthy = telemetry(topic, 10);
        List<ProducerRecord<byte[], byte[]>> poison = new ArrayList<>();
        long time = System.currentTimeMillis();
        // a 10 MB body: too large for every endpoint (diverted, counted invalid)
        poison.add(
                IotHubRecords.telemetry(
                        topic, "poison", "p-10mb", time, Map.of(), "x".repeat(10 * 1024 * 1024)));
        // a delivery over 256 KB once enriched (300 KB): diverted with its reason
        poison.add(
                IotHubRecords.telemetry(
                        topic, "poison", "p-300kb", time, Map.of(), "y".repeat(300 * 1024)));
        // under 256 KB but over the Event Hub's 64 KB: Service Bus takes it, the Event Hubs
        // endpoint diverts it alone as undeliverable (to diagnostics), the rest flows
        poison.add(
                IotHubRecords.telemetry(
                        topic, "poison", "p-100kb", time, Map.of(), "z".repeat(100 * 1024)));
        // a JSON body that is not UTF-8, and one nested 10,000 deep: routed (conditions undefined)
        ProducerRecord<byte[], byte[]> notUtf8 =
                IotHubRecords.telemetry(topic, "poison", "p-utf8", time, Map.of(), "{}");
        poison.add(
                new ProducerRecord<>(
                        topic,
                        null,
                        time,
                        notUtf8.key(),
                        new byte[] {'{', '"', 't', '"', ':', (byte) 0xFF, '}'},
                        notUtf8.headers()));
        poison.add(
                IotHubRecords.telemetry(
                        topic,
                        "poison",
                        "p-deep",
                        time,
                        Map.of(),
                        "[".repeat(10_000) + "]".repeat(10_000)));
        // property names that are JMS headers and client options: plain properties
        poison.add(
                IotHubRecords.telemetry(
                        topic,
                        "poison",
                        "p-jms",
                        time,
                        Map.of(
                                "JMSXGroupID", "g",
                                "JMS_AMQP_TTL", "1",
                                "JMSType", "t",
                                "JMSXDeliveryCount", "abc"),
                        "{\"t\": 1}"));
        // every AMQP header type, one unusual header each: routed
        ProducerRecord<byte[], byte[]> typed =
                IotHubRecords.telemetry(topic, "poison", "p-amqp", time, Map.of(), "{\"t\": 2}");
        byte[][] values = {
            {0x40},
            {0x41},
            {0x42},
            {0x43},
            {0x44},
            {0x50, 7},
            {0x51, -7},
            {0x56, 1},
            {0x60, 0, 7},
            {0x61, (byte) 0xFF, (byte) 0xF9},
            {0x70, 0, 0, 0, 7},
            {0x71, 0, 0, 0, 7},
            {0x72, 0x40, 0x49, 0x0F, (byte) 0xDB},
            {(byte) 0x84, 0x31, (byte) 0xC0, 0, 0, 0, 0, 0, 0x7B},
            {(byte) 0xA1, 9, 'a'},
            {(byte) 0xC3, 0x28},
            {(byte) 0xA0, 2, 1, 2}
        };
        for (int i = 0; i < values.length; i++) {
            typed.headers().add("h" + i, values[i]);
        }
        poison.add(typed);
        List<ProducerRecord<byte[], byte[]>> stream = new ArrayList<>(healthy);
        stream.addAll(poison);
        send(stream);

        Set<String> routed = sentIds(healthy);
        routed.addAll(Set.of("p-utf8", "p-deep", "p-jms", "p-amqp"));
        Set<String> routedToServiceBus = new HashSet<>(routed);
        routedToServiceBus.add("p-100kb");
        awaitTrue(
                "the healthy and the routable poison on the topic",
                () -> new HashSet<>(kafkaIds(prefix + "-hub")).containsAll(routed),
                Duration.ofMinutes(3));
        awaitTrue(
                "the oversized and the undeliverable messages in diagnostics",
                () -> diagnosedIds(prefix + "-diagnostics").size() >= 3,
                Duration.ofMinutes(1));
        List<Delivered> queue = amqpDeliveries(prefix + "-alerts", routedToServiceBus.size());
        Set<String> diagnosed = diagnosedIds(prefix + "-diagnostics");
        long restarts = restarts(jobId);
        cancel(jobId);

        assertThat(restarts).as("poison never fails the job").isZero();
        assertThat(idsOf(queue)).isEqualTo(routedToServiceBus);
        assertThat(new HashSet<>(kafkaIds(prefix + "-hub"))).isEqualTo(routed);
        assertThat(diagnosed).isEqualTo(Set.of("p-10mb", "p-300kb", "p-100kb"));
        Delivered jms =
                queue.stream().filter(d -> d.id().equals("p-jms")).findFirst().orElseThrow();
        assertThat(jms.properties())
                .containsEntry("JMSXGroupID", "g")
                .containsEntry("JMS_AMQP_TTL", "1")
                .containsEntry("JMSXDeliveryCount", "abc");
        Map<String, List<String>> delivered = new HashMap<>();
        delivered.put("Service Bus", ids(queue));
        delivered.put("Event Hubs", kafkaIds(prefix + "-hub"));
        record(
                "poison input (10 MB and 300 KB bodies, invalid UTF-8, 10,000-deep JSON, every AMQP"
                        + " header type, JMS-named properties, a 100 KB record for a 64 KB Event Hub);"
                        + " 2 diverted as invalid, 1 as undeliverable for the Event Hub",
                routed.size(),
                delivered,
                restarts);
    }

    // ---------------------------------------------------------------- the job

    private static String routes(String prefix, String... endpoints) {
        List<String> lines = new ArrayList<>();
        lines.add("hubName: fault-hub");
        lines.add("builtInEndpoint: {connectionString: '${env:FAULT_KAFKA}', entityPath: events}");
        lines.add("endpoints:");
        List<String> names = List.of(endpoints);
        if (names.contains("archive")) {
            lines.add("  storageContainers:");
            lines.add(
                    "    - {name: archive, connectionString: '${env:FAULT_STORAGE}', containerName: "
                            + prefix
                            + "-archive, encoding: avro, batchFrequencyInSeconds: 60}");
        }
        lines.add("  serviceBusQueues:");
        lines.add(
                "    - {name: alerts, connectionString: '${env:FAULT_AMQP}', entityPath: "
                        + prefix
                        + "-alerts}");
        lines.add("  eventHubs:");
        lines.add(
                "    - {name: hub, connectionString: '${env:FAULT_KAFKA}', entityPath: "
                        + prefix
                        + "-hub}");
        if (names.contains("ledger")) {
            // Kafka transactions committed with each checkpoint: exactly once for read_committed
            lines.add(
                    "    - {name: ledger, connectionString: '${env:FAULT_KAFKA}', entityPath: "
                            + prefix
                            + "-ledger, deliveryGuarantee: exactlyOnce}");
        }
        lines.add("routes:");
        lines.add(
                "  - {name: all, source: DeviceMessages, condition: 'true', endpointNames: "
                        + names
                        + "}");
        // a condition on the body: evaluated for every message, poison included
        lines.add(
                "  - {name: hot, source: DeviceMessages, condition: '$body.t > 100', endpointNames: [hub]}");
        return String.join("\n", lines) + "\n";
    }

    private static String config(String prefix, String extra) {
        return String.join(
                "\n",
                "source:",
                "  bootstrapServers: " + kafka.bootstrapServers(),
                "  topics: [" + prefix + "-d2c]",
                "  startingOffsets: earliest",
                "parallelism: 2",
                extra,
                "");
    }

    private static String submit(String prefix, String routes, String config) throws Exception {
        Path routesFile = Files.writeString(work.resolve(prefix + "-routes.yaml"), routes);
        Path configFile = Files.writeString(work.resolve(prefix + "-job.yaml"), config);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit =
                Main.run(
                        new String[] {
                            "submit",
                            "--jobmanager",
                            flink.restAddress(),
                            "--routes",
                            routesFile.toString(),
                            "--config",
                            configFile.toString(),
                            "--jar",
                            SubmitE2ECase.jobJar().toString()
                        },
                        new ByteArrayInputStream(new byte[0]),
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(exit)
                .as("%s\n%s\n%s", printed, err.toString(StandardCharsets.UTF_8), flink.logTail())
                .isZero();
        Matcher id = JOB_ID.matcher(printed);
        assertThat(id.find()).isTrue();
        return id.group(1);
    }

    private static void cancel(String jobId) throws Exception {
        flink.patch("/jobs/" + jobId + "?mode=cancel");
    }

    private static long completedCheckpoints(String jobId) {
        try {
            return flink.get("/jobs/" + jobId + "/checkpoints")
                    .path("counts")
                    .path("completed")
                    .asLong();
        } catch (Exception e) {
            return 0;
        }
    }

    /**
     * How often the job failed and restarted: the entries of its exception history (each restart
     * has its root cause there), and the RESTARTING state must agree.
     */
    private static long restarts(String jobId) throws Exception {
        long failures =
                flink.get("/jobs/" + jobId + "/exceptions")
                        .path("exceptionHistory")
                        .path("entries")
                        .size();
        long lastRestarting =
                flink.get("/jobs/" + jobId).path("timestamps").path("RESTARTING").asLong();
        assertThat(lastRestarting > 0)
                .as("RESTARTING seen iff failures were")
                .isEqualTo(failures > 0);
        return failures;
    }

    // ---------------------------------------------------------------- the stream

    /** {@code perDevice} telemetry messages of each device, interleaved, each with its sequence. */
    private static List<ProducerRecord<byte[], byte[]>> telemetry(String topic, int perDevice) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        long time = System.currentTimeMillis();
        for (int n = 0; n < perDevice; n++) {
            for (int device = 0; device < DEVICES; device++) {
                records.add(
                        IotHubRecords.telemetry(
                                topic,
                                "device-" + device,
                                topic + "-" + device + "-" + n,
                                time++,
                                Map.of("seq", Integer.toString(n)),
                                "{\"t\": " + (n % 50) + "}"));
            }
        }
        return records;
    }

    private static void send(List<ProducerRecord<byte[], byte[]>> records) throws Exception {
        Properties properties = new Properties();
        properties.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        properties.setProperty(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(16 << 20));
        properties.setProperty(ProducerConfig.BUFFER_MEMORY_CONFIG, Integer.toString(64 << 20));
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(
                        properties, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (ProducerRecord<byte[], byte[]> record : records) {
                producer.send(record).get(30, TimeUnit.SECONDS);
            }
        }
    }

    private static Set<String> sentIds(List<ProducerRecord<byte[], byte[]>> records) {
        Set<String> ids = new HashSet<>();
        for (ProducerRecord<byte[], byte[]> record : records) {
            ids.add(
                    new String(
                            record.headers().lastHeader("message-id").value(),
                            StandardCharsets.UTF_8));
        }
        return ids;
    }

    // ---------------------------------------------------------------- what arrived

    /** One delivery as a receiver saw it. */
    private record Delivered(
            String id,
            String deliveryId,
            String device,
            long position,
            Map<String, String> properties) {}

    private static Set<String> idsOf(List<Delivered> deliveries) {
        Set<String> ids = new HashSet<>();
        deliveries.forEach(delivery -> ids.add(delivery.id()));
        return ids;
    }

    private static List<String> ids(List<Delivered> deliveries) {
        List<String> ids = new ArrayList<>();
        deliveries.forEach(delivery -> ids.add(delivery.id()));
        return ids;
    }

    private static List<String> kafkaIds(String topic) {
        return ids(kafkaDeliveries(topic));
    }

    /** Every record on the topic, partition by partition in offset order. */
    private static List<Delivered> kafkaDeliveries(String topic) {
        List<Delivered> deliveries = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records(topic)) {
            Map<String, String> headers = new HashMap<>();
            for (Header header : record.headers()) {
                headers.put(
                        header.key(),
                        header.value() == null
                                ? null
                                : new String(header.value(), StandardCharsets.UTF_8));
            }
            deliveries.add(
                    new Delivered(
                            headers.get("message-id"),
                            headers.get("hubroute-delivery-id"),
                            new String(record.key(), StandardCharsets.UTF_8),
                            ((long) record.partition() << 40) + record.offset(),
                            headers));
        }
        return deliveries;
    }

    private static List<ConsumerRecord<byte[], byte[]>> records(String topic) {
        return TopicRecords.readAll(kafka.bootstrapServers(), topic);
    }

    private static Set<String> diagnosedIds(String topic) {
        Set<String> ids = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> record : records(topic)) {
            try {
                JsonNode line = Json.MAPPER.readTree(record.value());
                if (line.hasNonNull("messageId")) {
                    ids.add(line.get("messageId").asText());
                }
            } catch (IOException e) {
                throw new AssertionError("a diagnostics line that is not JSON", e);
            }
        }
        return ids;
    }

    /** Receives until {@code atLeast} distinct ids came and nothing more comes for 3 s. */
    private static List<Delivered> amqpDeliveries(String queue, int atLeast) throws Exception {
        List<Delivered> deliveries = new ArrayList<>();
        JmsConnectionFactory factory = new JmsConnectionFactory(amqp.amqpUri());
        factory.setValidatePropertyNames(false);
        Connection connection = factory.createConnection();
        try {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createQueue(queue));
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            Set<String> distinct = new HashSet<>();
            long position = 0;
            while (System.nanoTime() < deadline) {
                jakarta.jms.Message message = consumer.receive(3_000);
                if (message == null) {
                    if (distinct.size() >= atLeast) {
                        break;
                    }
                    continue;
                }
                // the AMQP application properties as sent: JMS would read JMSX* names as headers
                org.apache.qpid.jms.provider.amqp.message.AmqpJmsMessageFacade facade =
                        (org.apache.qpid.jms.provider.amqp.message.AmqpJmsMessageFacade)
                                ((org.apache.qpid.jms.message.JmsMessage) message).getFacade();
                Map<String, String> properties = new HashMap<>();
                for (String name : facade.getApplicationPropertyNames(new HashSet<>())) {
                    Object value = facade.getApplicationProperty(name);
                    properties.put(name, value == null ? null : value.toString());
                }
                String id = message.getJMSMessageID().replaceFirst("^ID:(AMQP_NO_PREFIX:)?", "");
                distinct.add(id);
                deliveries.add(
                        new Delivered(
                                id,
                                properties.get("hubroute-delivery-id"),
                                properties.get("iothub-connection-device-id"),
                                position++,
                                properties));
            }
        } finally {
            connection.close();
        }
        return deliveries;
    }

    private static void container(String name) {
        blobContainer(name).createIfNotExists();
    }

    private static BlobContainerClient blobContainer(String name) {
        return new BlobServiceClientBuilder()
                .connectionString(azurite.connectionString())
                .buildClient()
                .getBlobContainerClient(name);
    }

    /** The message id of every record in every committed blob of the container. */
    private static List<String> blobIds(String container) {
        List<String> ids = new ArrayList<>();
        BlobContainerClient client = blobContainer(container);
        for (BlobItem item : client.listBlobs()) {
            byte[] blob = client.getBlobClient(item.getName()).downloadContent().toBytes();
            try (DataFileStream<GenericRecord> records =
                    new DataFileStream<>(
                            new ByteArrayInputStream(blob), new GenericDatumReader<>())) {
                for (GenericRecord record : records) {
                    Map<?, ?> system = (Map<?, ?>) record.get("SystemProperties");
                    for (Map.Entry<?, ?> entry : system.entrySet()) {
                        if (entry.getKey().toString().equals("messageId")) {
                            ids.add(entry.getValue().toString());
                        }
                    }
                }
            } catch (IOException e) {
                throw new AssertionError("blob " + item.getName() + " is not Avro", e);
            }
        }
        return ids;
    }

    // ---------------------------------------------------------------- checks

    private static void assertRepeatsCarryTheSameDeliveryId(List<Delivered> deliveries) {
        Map<String, String> deliveryIdOf = new HashMap<>();
        for (Delivered delivery : deliveries) {
            assertThat(delivery.deliveryId()).as("delivery id of %s", delivery.id()).isNotNull();
            String first = deliveryIdOf.putIfAbsent(delivery.id(), delivery.deliveryId());
            if (first != null) {
                assertThat(delivery.deliveryId())
                        .as("repeat of %s", delivery.id())
                        .isEqualTo(first);
            }
        }
    }

    /** On each partition, a device's new messages come in its order (repeats aside). */
    private static void assertEachDevicesOrderHolds(List<Delivered> topic) {
        Set<String> seen = new HashSet<>();
        Map<String, Integer> lastSequence = new TreeMap<>();
        for (Delivered delivery : topic) {
            if (!seen.add(delivery.id())) {
                continue;
            }
            int sequence = Integer.parseInt(delivery.properties().get("seq"));
            Integer previous = lastSequence.put(delivery.device(), sequence);
            if (previous != null) {
                assertThat(sequence)
                        .as("%s after sequence %d on the topic", delivery.id(), previous)
                        .isGreaterThan(previous);
            }
        }
    }

    private static void awaitTrue(String what, BooleanSupplier condition, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "not within " + timeout + ": " + what + "\n" + flink.logTail());
            }
            Thread.sleep(1000);
        }
    }

    /** One row of the reliability table. */
    private static void record(
            String fault, int sent, Map<String, List<String>> delivered, long restarts) {
        StringBuilder deliveredCell = new StringBuilder();
        StringBuilder lostCell = new StringBuilder();
        StringBuilder duplicatedCell = new StringBuilder();
        for (Map.Entry<String, List<String>> endpoint : new TreeMap<>(delivered).entrySet()) {
            Set<String> distinct = new HashSet<>(endpoint.getValue());
            String name = endpoint.getKey();
            deliveredCell.append(name).append(' ').append(distinct.size()).append("; ");
            lostCell.append(name)
                    .append(' ')
                    .append(Math.max(0, sent - distinct.size()))
                    .append("; ");
            duplicatedCell
                    .append(name)
                    .append(' ')
                    .append(endpoint.getValue().size() - distinct.size())
                    .append("; ");
        }
        RESULTS.put(
                fault,
                "| "
                        + fault
                        + " | "
                        + sent
                        + " | "
                        + deliveredCell.toString().replaceAll("; $", "")
                        + " | "
                        + lostCell.toString().replaceAll("; $", "")
                        + " | "
                        + duplicatedCell.toString().replaceAll("; $", "")
                        + " | "
                        + restarts
                        + " |");
    }
}
