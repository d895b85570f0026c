package io.hubroute.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.BlobServiceVersion;
import com.azure.storage.blob.models.BlobItem;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hubroute.cli.LiveCounters;
import io.hubroute.config.InputFormat;
import io.hubroute.config.JobConfig;
import io.hubroute.config.RoutingConfig;
import io.hubroute.config.RoutingConfigLoader;
import io.hubroute.config.SecretLookup;
import io.hubroute.config.SourceOptions;
import io.hubroute.demo.IotHubRecords;
import io.hubroute.embedded.AzuriteProcess;
import io.hubroute.embedded.EmbeddedAmqpBroker;
import io.hubroute.embedded.EmbeddedKafkaBroker;
import io.hubroute.job.DiagnosticsFileSink;
import io.hubroute.job.EndpointSinks;
import io.hubroute.job.JobMetrics;
import io.hubroute.job.RoutesFileRouter;
import io.hubroute.job.RoutingJob;
import io.hubroute.job.source.DecodeResult;
import io.hubroute.job.source.DecodedRecord;
import io.hubroute.job.source.IotHubRecordDecoder;
import io.hubroute.query.Engine;
import io.hubroute.routing.Delivery;
import io.hubroute.routing.Router;
import io.hubroute.twin.TwinEvents;
import io.hubroute.twin.TwinState;
import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole job against real components: an in-process KRaft Kafka (the device-to-cloud stream, an
 * Event Hubs endpoint and the built-in events endpoint), Azurite (an Avro and a JSON storage
 * endpoint) and an embedded Artemis (a Service Bus queue), sinks built by {@link EndpointSinks}
 * from a routes file whose connection strings are {@code ${file:...}} secrets.
 *
 * <p>The stream holds lifecycle events that create twins, twin changes, telemetry that routes match
 * on body, properties and twin, telemetry no route matches (fallback), and malformed records. What
 * each endpoint should receive is computed with the plain {@link Router} (twins fed in order with
 * {@link TwinEvents}); the job is cancelled once mid-stream and restored from its last retained
 * checkpoint. Blob endpoints must hold exactly the expected deliveries; Service Bus and Kafka every
 * expected delivery (at least once) and nothing else.
 */
class HubrouteE2ECase {
    private static final String HUB = "e2e-hub";
    private static final String D2C = "d2c";
    private static final int DEVICES = 6;
    private static final int TELEMETRY_PER_DEVICE = 30;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String ROUTES =
            String.join(
                    "\n",
                    "hubName: " + HUB,
                    "builtInEndpoint: {connectionString: '${file:kafka.secret}', entityPath: events}",
                    "endpoints:",
                    "  storageContainers:",
                    "    - {name: archive, connectionString: '${file:storage.secret}', containerName: archive, encoding: avro, batchFrequencyInSeconds: 60}",
                    "    - {name: journal, connectionString: '${file:storage.secret}', containerName: journal, encoding: json, batchFrequencyInSeconds: 60}",
                    "  serviceBusQueues:",
                    "    - {name: alerts, connectionString: '${file:amqp.secret}', entityPath: alerts}",
                    "  eventHubs:",
                    "    - {name: twin-feed, connectionString: '${file:kafka.secret}', entityPath: twin-feed}",
                    "routes:",
                    "  - {name: Hot, source: DeviceMessages, condition: '$body.temperature > 30 AND $twin.tags.site = \"north\"', endpointNames: [alerts, archive]}",
                    "  - {name: Normal, source: DeviceMessages, condition: 'level = \"normal\"', endpointNames: [archive]}",
                    "  - {name: Verbose, source: DeviceMessages, condition: '$twin.properties.desired.mode = \"verbose\"', endpointNames: [journal]}",
                    "  - {name: Lifecycle, source: DeviceLifecycleEvents, condition: 'true', endpointNames: [twin-feed]}",
                    "  - {name: TwinChanges, source: TwinChangeEvents, condition: 'true', endpointNames: [twin-feed, journal]}",
                    "fallbackRoute: {isEnabled: true, endpointNames: [events]}",
                    "enrichments:",
                    "  - {key: hub, value: $iothubname, endpointNames: [archive, alerts, journal, twin-feed]}",
                    "  - {key: site, value: $twin.tags.site, endpointNames: [alerts, archive, journal]}",
                    "");

    @TempDir static Path work;

    private static EmbeddedKafkaBroker kafka;
    private static EmbeddedAmqpBroker amqp;
    private static AzuriteProcess azurite;
    private static String storageConnection;

    @BeforeAll
    static void startComponents() throws Exception {
        kafka = EmbeddedKafkaBroker.start(work.resolve("kafka"));
        amqp = EmbeddedAmqpBroker.start(work.resolve("amqp"));
        azurite = AzuriteProcess.create().start();
        storageConnection = azurite.connectionString();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                blobService().getBlobContainerClient("archive").createIfNotExists();
                break;
            } catch (RuntimeException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
        blobService().getBlobContainerClient("journal").createIfNotExists();
        kafka.createTopics(2, D2C, "events", "twin-feed");
    }

    @AfterAll
    static void stopComponents() throws Exception {
        if (azurite != null) {
            azurite.close();
        }
        if (amqp != null) {
            amqp.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void everyEndpointGetsWhatTheRouterDecidesAcrossAFailure() throws Exception {
        Files.writeString(work.resolve("storage.secret"), storageConnection);
        Files.writeString(work.resolve("amqp.secret"), amqp.amqpUri());
        Files.writeString(work.resolve("kafka.secret"), "kafka://" + kafka.bootstrapServers());
        Path routesFile = work.resolve("routes.yaml");
        Files.writeString(routesFile, ROUTES);
        RoutingConfig routing =
                RoutingConfigLoader.resolvingSecrets(SecretLookup.system())
                        .load(routesFile)
                        .orThrow();

        List<ProducerRecord<byte[], byte[]>> stream = stream();
        int half = stream.size() / 2;
        int afterCheckpoint = stream.size() * 3 / 4;
        List<RecordMetadata> written = new ArrayList<>();
        Path checkpoints = work.resolve("checkpoints");
        LiveCounters.reset();

        // first attempt: half the stream, a checkpoint that covers it, more records, then a crash
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            JobClient first = startJob(routing, routesFile, checkpoints, null);
            written.addAll(send(producer, stream.subList(0, half)));
            // the source commits its offsets when a checkpoint completes: then a checkpoint covers
            // them
            awaitCommitted(written);
            written.addAll(send(producer, stream.subList(half, afterCheckpoint)));
            awaitIngress(afterCheckpoint);
            // the local cluster goes away with its only job: cancelled is as far as it gets
            first.cancel().get(1, TimeUnit.MINUTES);

            // second attempt: restored from the last retained checkpoint, the rest of the stream
            Path restoreFrom = latestCheckpoint(checkpoints).orElseThrow();
            JobClient second = startJob(routing, routesFile, checkpoints, restoreFrom);
            written.addAll(send(producer, stream.subList(afterCheckpoint, stream.size())));
            awaitCommitted(written);
            second.stopWithSavepoint(
                            true,
                            work.resolve("savepoints").toUri().toString(),
                            SavepointFormatType.CANONICAL)
                    .get(2, TimeUnit.MINUTES);
            second.getJobExecutionResult().get(2, TimeUnit.MINUTES);
        }

        Expected expected = expectedDeliveries(routing, stream, written);
        assertThat(expected.byEndpoint.keySet())
                .containsExactlyInAnyOrder("archive", "journal", "alerts", "twin-feed", "events");

        // exactly once to blobs: the same multiset
        assertThat(sorted(avroDeliveries("archive")))
                .isEqualTo(sorted(expected.byEndpoint.get("archive")));
        assertThat(sorted(jsonDeliveries("journal")))
                .isEqualTo(sorted(expected.byEndpoint.get("journal")));

        // at least once to Service Bus and Kafka: every expected delivery, nothing unexpected
        List<String> alerts = amqpDeliveries("alerts");
        assertThat(alerts).hasSizeGreaterThanOrEqualTo(expected.byEndpoint.get("alerts").size());
        assertThat(new HashSet<>(alerts))
                .isEqualTo(new HashSet<>(expected.byEndpoint.get("alerts")));
        for (String topic : List.of("events", "twin-feed")) {
            List<String> received = kafkaDeliveries(topic);
            assertThat(received)
                    .as(topic + " " + LiveCounters.snapshot())
                    .hasSizeGreaterThanOrEqualTo(expected.byEndpoint.get(topic).size());
            assertThat(new HashSet<>(received))
                    .as(topic)
                    .isEqualTo(new HashSet<>(expected.byEndpoint.get(topic)));
        }

        // malformed records: counted invalid and written to diagnostics, the job went on
        Set<String> diagnosed = new HashSet<>();
        try (Stream<Path> files = Files.list(work.resolve("diagnostics"))) {
            for (Path file : (Iterable<Path>) files::iterator) {
                for (String line : Files.readAllLines(file)) {
                    JsonNode node = JSON.readTree(line);
                    diagnosed.add(
                            node.get("partition").asInt() + "@" + node.get("offset").asLong());
                }
            }
        }
        assertThat(diagnosed).isEqualTo(expected.malformed);
        assertThat(LiveCounters.get(JobMetrics.INVALID))
                .isGreaterThanOrEqualTo(expected.malformed.size());
        // an unknown routing source and a missing device id are undecodable; a cut AMQP string and
        // an enqueued time that is not a time cost only that header: those two are routed
        assertThat(expected.malformed).hasSize(2);
        assertThat(expected.byEndpoint.values().stream().flatMap(List::stream))
                .anyMatch(delivery -> delivery.contains("bad-0"))
                .anyMatch(delivery -> delivery.contains("bad-2"));
        // every record was read; those after the restored checkpoint more than once
        assertThat(LiveCounters.get(JobMetrics.INGRESS)).isGreaterThanOrEqualTo(stream.size());
    }

    // ---------------------------------------------------------------- the stream

    /**
     * Per device: a create lifecycle event with its twin, telemetry, a twin change half way; plus
     * malformed records.
     */
    private static List<ProducerRecord<byte[], byte[]>> stream() {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        // recent times: Kafka's retention would drop records older than a week, timestamped by
        // enqueued time
        long time = System.currentTimeMillis() - 60_000;
        for (int device = 0; device < DEVICES; device++) {
            String id = "device-" + device;
            String site = device % 2 == 0 ? "north" : "south";
            String mode = device % 3 == 0 ? "verbose" : "quiet";
            String twin =
                    "{\"deviceId\":\""
                            + id
                            + "\",\"tags\":{\"site\":\""
                            + site
                            + "\"},"
                            + "\"properties\":{\"desired\":{\"mode\":\""
                            + mode
                            + "\"},\"reported\":{}}}";
            records.add(
                    withMessageId(
                            IotHubRecords.lifecycleEvent(
                                    D2C, HUB, id, TwinEvents.CREATE_DEVICE_IDENTITY, time++, twin),
                            id + "-create"));
        }
        for (int n = 0; n < TELEMETRY_PER_DEVICE; n++) {
            for (int device = 0; device < DEVICES; device++) {
                String id = "device-" + device;
                if (n == TELEMETRY_PER_DEVICE / 2) {
                    // half way, every device moves site and flips its mode
                    String site = device % 2 == 0 ? "south" : "north";
                    String mode = device % 3 == 0 ? "quiet" : "verbose";
                    String patch =
                            "{\"tags\":{\"site\":\""
                                    + site
                                    + "\"},\"properties\":{\"desired\":{\"mode\":\""
                                    + mode
                                    + "\"}}}";
                    records.add(
                            withMessageId(
                                    IotHubRecords.twinChangeEvent(
                                            D2C, HUB, id, TwinEvents.UPDATE_TWIN, time++, patch),
                                    id + "-patch"));
                }
                String level = n % 3 == 0 ? "normal" : n % 3 == 1 ? "storage" : "debug";
                double temperature = 20 + (n * 7 + device * 3) % 20;
                records.add(
                        IotHubRecords.telemetry(
                                D2C,
                                id,
                                id + "-m" + n,
                                time++,
                                Map.of("level", level),
                                "{\"temperature\":" + temperature + ",\"n\":" + n + "}"));
            }
            if (n % 8 == 4) {
                records.add(malformed(n / 8, time++));
            }
        }
        return records;
    }

    private static ProducerRecord<byte[], byte[]> withMessageId(
            ProducerRecord<byte[], byte[]> record, String messageId) {
        record.headers().add("message-id", messageId.getBytes(StandardCharsets.UTF_8));
        return record;
    }

    private static ProducerRecord<byte[], byte[]> malformed(int kind, long time) {
        ProducerRecord<byte[], byte[]> record =
                IotHubRecords.telemetry(D2C, "device-0", "bad-" + kind, time, Map.of(), "{}");
        switch (kind) {
            case 0: // AMQP string cut short: kept as base64, the message routed
                record.headers().add("level", new byte[] {(byte) 0xA1, 0x09, 'x'});
                return record;
            case 1:
                record.headers().remove("iothub-message-source");
                record.headers().add("iothub-message-source", IotHubRecords.amqpString("Bogus"));
                return record;
            case 2: // not a time: the record's time is used, the message routed
                record.headers().remove("iothub-enqueuedtime");
                record.headers().add("iothub-enqueuedtime", IotHubRecords.amqpString("yesterday"));
                return record;
            default:
                record.headers().remove("iothub-connection-device-id");
                return new ProducerRecord<>(
                        D2C, null, time, null, record.value(), record.headers());
        }
    }

    // ---------------------------------------------------------------- expected deliveries

    private static final class Expected {
        final Map<String, List<String>> byEndpoint = new TreeMap<>();
        final Set<String> malformed = new HashSet<>();
    }

    /** Decodes every record as the job does and routes it with the plain router, twins in order. */
    private static Expected expectedDeliveries(
            RoutingConfig routing,
            List<ProducerRecord<byte[], byte[]>> stream,
            List<RecordMetadata> written) {
        Router router = Router.create(routing, Engine.REFERENCE);
        IotHubRecordDecoder decoder = new IotHubRecordDecoder(InputFormat.IOTHUB);
        Map<String, TwinState> twins = new HashMap<>();
        Expected expected = new Expected();
        for (int i = 0; i < stream.size(); i++) {
            ProducerRecord<byte[], byte[]> record = stream.get(i);
            RecordMetadata where = written.get(i);
            DecodeResult result =
                    decoder.decode(
                            D2C,
                            where.partition(),
                            where.offset(),
                            record.timestamp(),
                            record.key(),
                            record.value(),
                            record.headers());
            if (!(result instanceof DecodedRecord)) {
                expected.malformed.add(where.partition() + "@" + where.offset());
                continue;
            }
            DecodedRecord decoded = (DecodedRecord) result;
            TwinState twin = twins.get(decoded.twinKey());
            if (TwinEvents.changesTwin(decoded.message())) {
                twin = TwinEvents.apply(twin, decoded.message()).orElse(null);
                twins.put(decoded.twinKey(), twin);
            }
            for (Delivery delivery :
                    router.route(decoded.message(), twin == null ? null : twin.asTwin())
                            .deliveries()) {
                expected.byEndpoint
                        .computeIfAbsent(delivery.endpointName(), name -> new ArrayList<>())
                        .add(
                                key(
                                        delivery.message().messageId().orElse("?"),
                                        delivery.appProperties().toMap()));
            }
        }
        return expected;
    }

    /**
     * (message id, application properties without transport additions), comparable across
     * endpoints.
     */
    private static String key(String messageId, Map<String, String> properties) {
        Map<String, String> kept = new TreeMap<>();
        for (Map.Entry<String, String> property : properties.entrySet()) {
            String name = property.getKey();
            if (name.startsWith("iothub-")
                    || name.equals("hubroute-delivery-id") // checked by FaultInjectionE2ECase
                    || name.startsWith("JMS")
                    || name.startsWith("dt-")
                    || name.startsWith("x-opt-")
                    || Set.of(
                                    "content-type",
                                    "content-encoding",
                                    "message-id",
                                    "correlation-id",
                                    "user-id")
                            .contains(name)) {
                continue;
            }
            kept.put(name, property.getValue() == null ? "" : property.getValue());
        }
        return messageId + " " + kept;
    }

    private static List<String> sorted(List<String> values) {
        List<String> copy = new ArrayList<>(values);
        Collections.sort(copy);
        return copy;
    }

    // ---------------------------------------------------------------- what arrived

    private static List<String> avroDeliveries(String container) throws IOException {
        List<String> deliveries = new ArrayList<>();
        for (byte[] blob : blobs(container)) {
            try (DataFileStream<GenericRecord> records =
                    new DataFileStream<>(
                            new ByteArrayInputStream(blob), new GenericDatumReader<>())) {
                for (GenericRecord record : records) {
                    Map<String, String> properties = strings((Map<?, ?>) record.get("Properties"));
                    String messageId =
                            strings((Map<?, ?>) record.get("SystemProperties")).get("messageId");
                    deliveries.add(key(messageId, properties));
                }
            }
        }
        return deliveries;
    }

    private static List<String> jsonDeliveries(String container) throws IOException {
        List<String> deliveries = new ArrayList<>();
        for (byte[] blob : blobs(container)) {
            for (String line : new String(blob, StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node = JSON.readTree(line);
                Map<String, String> properties = new HashMap<>();
                node.get("Properties")
                        .fields()
                        .forEachRemaining(
                                field -> properties.put(field.getKey(), field.getValue().asText()));
                deliveries.add(
                        key(node.get("SystemProperties").get("messageId").asText(), properties));
            }
        }
        return deliveries;
    }

    private static List<byte[]> blobs(String container) {
        BlobContainerClient client = blobService().getBlobContainerClient(container);
        List<byte[]> contents = new ArrayList<>();
        for (BlobItem item : client.listBlobs()) {
            contents.add(client.getBlobClient(item.getName()).downloadContent().toBytes());
        }
        assertThat(contents).as("blobs in " + container).isNotEmpty();
        return contents;
    }

    private static Map<String, String> strings(Map<?, ?> map) {
        Map<String, String> strings = new HashMap<>();
        map.forEach(
                (name, value) ->
                        strings.put(name.toString(), value == null ? null : value.toString()));
        return strings;
    }

    private static List<String> amqpDeliveries(String queue) throws Exception {
        List<String> deliveries = new ArrayList<>();
        Connection connection = new JmsConnectionFactory(amqp.amqpUri()).createConnection();
        try {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createQueue(queue));
            jakarta.jms.Message message;
            while ((message = consumer.receive(3_000)) != null) {
                Map<String, String> properties = new HashMap<>();
                Enumeration<?> names = message.getPropertyNames();
                while (names.hasMoreElements()) {
                    String name = (String) names.nextElement();
                    properties.put(name, message.getStringProperty(name));
                }
                deliveries.add(
                        key(
                                message.getJMSMessageID()
                                        .replaceFirst("^ID:(AMQP_NO_PREFIX:)?", ""),
                                properties));
            }
        } finally {
            connection.close();
        }
        return deliveries;
    }

    private static List<String> kafkaDeliveries(String topic) {
        Properties properties = new Properties();
        properties.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        properties.setProperty(
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        properties.setProperty(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        List<String> deliveries = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties)) {
            List<TopicPartition> partitions =
                    List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))
                    && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record :
                        consumer.poll(Duration.ofMillis(500))) {
                    Map<String, String> headers = new HashMap<>();
                    String messageId = null;
                    for (Header header : record.headers()) {
                        String value =
                                header.value() == null
                                        ? null
                                        : new String(header.value(), StandardCharsets.UTF_8);
                        if (header.key().equals("message-id")) {
                            messageId = value;
                        }
                        headers.put(header.key(), value);
                    }
                    deliveries.add(key(messageId, headers));
                }
            }
        }
        return deliveries;
    }

    // ---------------------------------------------------------------- running the job

    private static JobClient startJob(
            RoutingConfig routing, Path routesFile, Path checkpoints, Path restoreFrom)
            throws Exception {
        JobConfig config =
                JobConfig.defaults()
                        .withSource(SourceOptions.kafka(kafka.bootstrapServers(), List.of(D2C)))
                        .withParallelism(2);
        config =
                config.withCheckpointing(
                        config.checkpointing()
                                .withInterval(Duration.ofMillis(500))
                                .withDirectory(checkpoints.toUri().toString()));
        Configuration flink = RoutingJob.flinkConfiguration(config);
        flink.setString(
                "execution.checkpointing.externalized-checkpoint-retention",
                "RETAIN_ON_CANCELLATION");
        flink.setString("restart-strategy.type", "none");
        if (restoreFrom != null) {
            flink.setString("execution.state-recovery.path", restoreFrom.toUri().toString());
        }
        LiveCounters.enable(flink);
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(2, flink);
        RoutingJob.Builder job =
                RoutingJob.builder()
                        .setJobConfig(config)
                        .setRouterFactory(RoutesFileRouter.factory(ROUTES, routesFile.toString()))
                        .setDiagnosticsSink(new DiagnosticsFileSink(work.resolve("diagnostics")));
        EndpointSinks.forAllEndpoints(routing).forEach(job::addEndpointSink);
        job.build().addTo(env);
        return env.executeAsync("hubroute e2e");
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        Properties properties = new Properties();
        properties.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        properties.setProperty(
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        properties.setProperty(
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        properties.setProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        properties.setProperty(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        return new KafkaProducer<>(properties);
    }

    /**
     * Sends in order, waiting for each acknowledgment, so offsets and per-device order are known.
     */
    private static List<RecordMetadata> send(
            KafkaProducer<byte[], byte[]> producer, List<ProducerRecord<byte[], byte[]>> records)
            throws Exception {
        List<RecordMetadata> written = new ArrayList<>();
        for (ProducerRecord<byte[], byte[]> record : records) {
            written.add(producer.send(record).get(30, TimeUnit.SECONDS));
        }
        return written;
    }

    private static void awaitIngress(long records) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (LiveCounters.get(JobMetrics.INGRESS) < records) {
            assertThat(System.nanoTime())
                    .as(
                            "ingress reached "
                                    + records
                                    + " (now "
                                    + LiveCounters.get(JobMetrics.INGRESS)
                                    + ")")
                    .isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    /**
     * Waits until the job's consumer group has committed (on a completed checkpoint) every written
     * offset.
     */
    private static void awaitCommitted(List<RecordMetadata> written) throws Exception {
        Map<TopicPartition, Long> ends = new HashMap<>();
        for (RecordMetadata metadata : written) {
            ends.merge(
                    new TopicPartition(metadata.topic(), metadata.partition()),
                    metadata.offset() + 1,
                    Math::max);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        try (org.apache.kafka.clients.admin.Admin admin = kafka.admin()) {
            while (true) {
                Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> committed =
                        admin.listConsumerGroupOffsets(SourceOptions.DEFAULT_GROUP_ID)
                                .partitionsToOffsetAndMetadata()
                                .get();
                boolean done = true;
                for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
                    var offset = committed.get(end.getKey());
                    done &= offset != null && offset.offset() >= end.getValue();
                }
                if (done) {
                    return;
                }
                assertThat(System.nanoTime())
                        .as("offsets " + ends + " committed (now " + committed + ")")
                        .isLessThan(deadline);
                Thread.sleep(200);
            }
        }
    }

    /** The newest completed checkpoint (a chk-N folder with _metadata) of any job. */
    private static Optional<Path> latestCheckpoint(Path checkpoints) throws IOException {
        if (!Files.isDirectory(checkpoints)) {
            return Optional.empty();
        }
        for (int attempt = 0; ; attempt++) {
            try (Stream<Path> files = Files.walk(checkpoints, 3)) {
                return files.filter(path -> path.getFileName().toString().equals("_metadata"))
                        .map(Path::getParent)
                        .max((a, b) -> Long.compare(lastModified(a), lastModified(b)));
            } catch (java.io.UncheckedIOException e) {
                // a subsumed checkpoint was deleted while we looked: look again
                if (attempt > 10) {
                    throw e;
                }
            }
        }
    }

    private static long lastModified(Path path) {
        try {
            return Files.getLastModifiedTime(path.resolve("_metadata")).toMillis() * 10_000
                    + checkpointNumber(path);
        } catch (IOException e) {
            return 0;
        }
    }

    private static int checkpointNumber(Path checkpoint) {
        return Integer.parseInt(checkpoint.getFileName().toString().substring("chk-".length()));
    }

    private static BlobServiceClient blobService() {
        return new BlobServiceClientBuilder()
                .connectionString(storageConnection)
                .serviceVersion(BlobServiceVersion.V2026_06_06)
                .buildClient();
    }
}
