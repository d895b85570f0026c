package io.hubroute.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hubroute.cli.Main;
import io.hubroute.config.InputFormat;
import io.hubroute.config.RoutingConfig;
import io.hubroute.config.RoutingConfigLoader;
import io.hubroute.config.SecretLookup;
import io.hubroute.demo.IotHubRecords;
import io.hubroute.embedded.EmbeddedAmqpBroker;
import io.hubroute.embedded.EmbeddedKafkaBroker;
import io.hubroute.job.source.DecodeResult;
import io.hubroute.job.source.DecodedRecord;
import io.hubroute.job.source.IotHubRecordDecoder;
import io.hubroute.query.Engine;
import io.hubroute.routing.Delivery;
import io.hubroute.routing.RouteOutcome;
import io.hubroute.routing.Router;
import io.hubroute.routing.RoutingDecision;
import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hubroute run --routes routes.yaml --config job.yaml} in its real-endpoint mode, as a user
 * runs it: a job.yaml {@code source} on an in-process Kafka, a routes file whose endpoints are
 * local (the built-in events endpoint and an Event Hubs endpoint as {@code kafka://} topics, a
 * Service Bus queue on an embedded Artemis) with connection strings as {@code ${file:}} secrets.
 * The summary JSON must hold exactly the counts the plain {@link Router} gives for the same
 * records, and every routed record must be on its topic or queue.
 */
class RunCommandE2ECase {
    private static final String D2C = "d2c";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String ROUTES =
            String.join(
                    "\n",
                    "hubName: run-hub",
                    "builtInEndpoint: {connectionString: '${file:secrets/kafka}', entityPath: events}",
                    "endpoints:",
                    "  serviceBusQueues:",
                    "    - {name: alerts, connectionString: '${file:secrets/amqp}', entityPath: alerts}",
                    "  eventHubs:",
                    "    - {name: telemetry-hub, connectionString: '${file:secrets/kafka}', entityPath: telemetry}",
                    "routes:",
                    "  - {name: Hot, source: DeviceMessages, condition: '$body.temperature > 30', endpointNames: [alerts, telemetry-hub]}",
                    "  - {name: Storage, source: DeviceMessages, condition: 'level = \"storage\"', endpointNames: [telemetry-hub]}",
                    // undefined: no twin is known (no lifecycle events, no export file)
                    "  - {name: North, source: DeviceMessages, condition: '$twin.tags.site = \"north\"', endpointNames: [alerts]}",
                    "  - {name: Off, source: DeviceMessages, condition: 'true', endpointNames: [alerts], isEnabled: false}",
                    "fallbackRoute: {isEnabled: true, endpointNames: [events]}",
                    "enrichments:",
                    "  - {key: hub, value: $iothubname, endpointNames: [alerts, telemetry-hub]}",
                    "");

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path work;

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void runRoutesToTheRealEndpointsAndSummarizesWhatTheRouterDecides() throws Exception {
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(work.resolve("kafka"));
                EmbeddedAmqpBroker amqp = EmbeddedAmqpBroker.start(work.resolve("amqp"))) {
            kafka.createTopics(2, D2C, "events", "telemetry", "diagnostics");
            Path secrets = Files.createDirectories(work.resolve("secrets"));
            Files.writeString(
                    secrets.resolve("kafka"), "kafka://" + kafka.bootstrapServers() + "\n");
            Files.writeString(secrets.resolve("amqp"), amqp.amqpUri() + "\n");
            Path routesFile = Files.writeString(work.resolve("routes.yaml"), ROUTES);
            Path configFile =
                    Files.writeString(
                            work.resolve("job.yaml"),
                            String.join(
                                    "\n",
                                    "source:",
                                    "  bootstrapServers: " + kafka.bootstrapServers(),
                                    "  topics: [" + D2C + "]",
                                    "  startingOffsets: earliest",
                                    "checkpointing: {interval: 1s}",
                                    "parallelism: 2",
                                    "diagnostics: {topic: diagnostics}",
                                    ""));

            List<ProducerRecord<byte[], byte[]>> stream = stream();
            List<RecordMetadata> written = send(kafka.bootstrapServers(), stream);
            Expected expected = expected(routesFile, stream, written);
            assertThat(expected.invalid).as("the stream has a malformed record").isEqualTo(1);
            assertThat(expected.fallback)
                    .as("the stream has records only the fallback takes")
                    .isPositive();
            assertThat(expected.routes.get("North").get("undefined"))
                    .as("the stream has undefined results")
                    .isPositive();

            Path summaryFile = work.resolve("summary.json");
            int metricsPort;
            try (ServerSocket free = new ServerSocket(0)) {
                metricsPort = free.getLocalPort();
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int exit =
                    Main.run(
                            new String[] {
                                "run",
                                "--routes",
                                routesFile.toString(),
                                "--config",
                                configFile.toString(),
                                "--messages",
                                Integer.toString(stream.size()),
                                "--summary-json",
                                summaryFile.toString(),
                                "--work-dir",
                                work.resolve("run").toString(),
                                "--metrics-port",
                                Integer.toString(metricsPort)
                            },
                            new ByteArrayInputStream(new byte[0]),
                            new PrintStream(out, true, StandardCharsets.UTF_8),
                            new PrintStream(err, true, StandardCharsets.UTF_8));
            String printed = out.toString(StandardCharsets.UTF_8);
            assertThat(exit)
                    .as("stdout:\n%s\nstderr:\n%s", printed, err.toString(StandardCharsets.UTF_8))
                    .isZero();
            assertThat(printed)
                    .contains("metrics: http://localhost:" + metricsPort + "/metrics")
                    .contains("alerts -> AMQP queue alerts at 127.0.0.1")
                    .contains(
                            "telemetry-hub -> kafka "
                                    + kafka.bootstrapServers()
                                    + " topic telemetry");

            JsonNode summary = JSON.readTree(summaryFile.toFile());
            assertThat(summary.path("messagesIn").asLong()).isEqualTo(stream.size());
            Map<String, Map<String, Long>> routes = new TreeMap<>();
            summary.path("routes")
                    .fields()
                    .forEachRemaining(
                            route -> {
                                Map<String, Long> verdicts = new TreeMap<>();
                                route.getValue()
                                        .fields()
                                        .forEachRemaining(
                                                verdict ->
                                                        verdicts.put(
                                                                verdict.getKey(),
                                                                verdict.getValue().asLong()));
                                routes.put(route.getKey(), verdicts);
                            });
            // the disabled route is listed with zeros: the router never evaluates it
            expected.routes.put("Off", Map.of("true", 0L, "false", 0L, "undefined", 0L));
            assertThat(routes).isEqualTo(expected.routes);
            Map<String, Long> delivered = new TreeMap<>();
            summary.path("endpoints")
                    .fields()
                    .forEachRemaining(
                            endpoint ->
                                    delivered.put(
                                            endpoint.getKey(),
                                            endpoint.getValue().path("delivered").asLong()));
            assertThat(delivered).isEqualTo(expected.deliveredCounts());
            assertThat(summary.path("fallback").asLong()).isEqualTo(expected.fallback);
            assertThat(summary.path("orphaned").asLong()).isEqualTo(expected.orphaned);
            assertThat(summary.path("invalid").asLong()).isEqualTo(expected.invalid);

            // and the records are really there (at least once: every expected one, nothing else)
            List<String> events = messageIds(kafka.bootstrapServers(), "events");
            List<String> telemetry = messageIds(kafka.bootstrapServers(), "telemetry");
            List<String> alerts = amqpMessageIds(amqp.amqpUri(), "alerts");
            assertThat(new HashSet<>(events))
                    .isEqualTo(new HashSet<>(expected.delivered.get("events")));
            assertThat(events).hasSizeGreaterThanOrEqualTo(expected.delivered.get("events").size());
            assertThat(new HashSet<>(telemetry))
                    .isEqualTo(new HashSet<>(expected.delivered.get("telemetry-hub")));
            assertThat(telemetry)
                    .hasSizeGreaterThanOrEqualTo(expected.delivered.get("telemetry-hub").size());
            assertThat(new HashSet<>(alerts))
                    .isEqualTo(new HashSet<>(expected.delivered.get("alerts")));
            assertThat(alerts).hasSizeGreaterThanOrEqualTo(expected.delivered.get("alerts").size());

            // the malformed record is on the diagnostics topic, with its reason and its bytes
            List<String> diagnostics = values(kafka.bootstrapServers(), "diagnostics");
            assertThat(diagnostics).isNotEmpty();
            JsonNode line = JSON.readTree(diagnostics.get(0));
            assertThat(line.path("reason").asText()).startsWith("no device id");
            assertThat(line.path("topic").asText()).isEqualTo(D2C);
            assertThat(
                            new String(
                                    java.util.Base64.getDecoder()
                                            .decode(line.path("record").path("value").asText()),
                                    StandardCharsets.UTF_8))
                    .isEqualTo("{}");
            assertThat(new HashSet<>(diagnostics)).hasSize((int) expected.invalid);
        }
    }

    /** The values of every record on the topic, as UTF-8 text. */
    private static List<String> values(String bootstrapServers, String topic) {
        List<String> values = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record :
                TopicRecords.readAll(bootstrapServers, topic)) {
            values.add(new String(record.value(), StandardCharsets.UTF_8));
        }
        return values;
    }

    /**
     * Three devices' telemetry: hot, cold, without a temperature, with level storage or not; one
     * malformed record.
     */
    private static List<ProducerRecord<byte[], byte[]>> stream() {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        long time = System.currentTimeMillis() - 60_000;
        for (int n = 0; n < 8; n++) {
            for (int device = 0; device < 3; device++) {
                String id = "device-" + device;
                String level = (n + device) % 3 == 0 ? "storage" : "info";
                String body =
                        n % 4 == 3
                                ? "{\"humidity\": 40}"
                                : "{\"temperature\": " + (20 + (n * 5 + device * 3) % 20) + "}";
                records.add(
                        IotHubRecords.telemetry(
                                D2C, id, id + "-m" + n, time++, Map.of("level", level), body));
            }
            if (n == 4) {
                ProducerRecord<byte[], byte[]> bad =
                        IotHubRecords.telemetry(D2C, "device-0", "bad", time++, Map.of(), "{}");
                bad.headers().remove("iothub-connection-device-id");
                records.add(
                        new ProducerRecord<>(
                                D2C, null, bad.timestamp(), null, bad.value(), bad.headers()));
            }
        }
        return records;
    }

    private static final class Expected {
        final Map<String, Map<String, Long>> routes = new TreeMap<>();
        final Map<String, List<String>> delivered = new TreeMap<>();
        long fallback;
        long orphaned;
        long invalid;

        Map<String, Long> deliveredCounts() {
            Map<String, Long> counts = new TreeMap<>();
            delivered.forEach((endpoint, ids) -> counts.put(endpoint, (long) ids.size()));
            return counts;
        }
    }

    /** Decodes every record as the job does and routes it with the plain router. */
    private static Expected expected(
            Path routesFile,
            List<ProducerRecord<byte[], byte[]>> stream,
            List<RecordMetadata> written)
            throws Exception {
        RoutingConfig routing =
                RoutingConfigLoader.resolvingSecrets(SecretLookup.system())
                        .load(routesFile)
                        .orThrow();
        Router router = Router.create(routing, Engine.REFERENCE);
        IotHubRecordDecoder decoder = new IotHubRecordDecoder(InputFormat.IOTHUB);
        Expected expected = new Expected();
        for (String endpoint : List.of("events", "alerts", "telemetry-hub")) {
            expected.delivered.put(endpoint, new ArrayList<>());
        }
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
                expected.invalid++;
                continue;
            }
            RoutingDecision decision = router.route(((DecodedRecord) result).message(), null);
            for (RouteOutcome outcome : decision.routeResults()) {
                expected.routes
                        .computeIfAbsent(
                                outcome.routeName(),
                                name ->
                                        new TreeMap<>(
                                                Map.of("true", 0L, "false", 0L, "undefined", 0L)))
                        .merge(
                                outcome.result().name().toLowerCase(java.util.Locale.ROOT),
                                1L,
                                Long::sum);
            }
            if (decision.deliveries().isEmpty()) {
                expected.orphaned++;
            } else if (decision.fallback()) {
                expected.fallback++;
            }
            for (Delivery delivery : decision.deliveries()) {
                expected.delivered
                        .get(delivery.endpointName())
                        .add(delivery.message().messageId().orElseThrow());
            }
        }
        return expected;
    }

    private static List<RecordMetadata> send(
            String bootstrapServers, List<ProducerRecord<byte[], byte[]>> records)
            throws Exception {
        Properties properties = new Properties();
        properties.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.setProperty(ProducerConfig.ACKS_CONFIG, "all");
        List<RecordMetadata> written = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(
                        properties, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (ProducerRecord<byte[], byte[]> record : records) {
                written.add(producer.send(record).get(30, TimeUnit.SECONDS));
            }
        }
        return written;
    }

    /** The message-id header of every record on the topic (read to its end offsets). */
    private static List<String> messageIds(String bootstrapServers, String topic) {
        List<String> ids = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record :
                TopicRecords.readAll(bootstrapServers, topic)) {
            Header id = record.headers().lastHeader("message-id");
            ids.add(id == null ? null : new String(id.value(), StandardCharsets.UTF_8));
        }
        return ids;
    }

    private static List<String> amqpMessageIds(String amqpUri, String queue) throws Exception {
        List<String> ids = new ArrayList<>();
        Connection connection = new JmsConnectionFactory(amqpUri).createConnection();
        try {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createQueue(queue));
            jakarta.jms.Message message;
            while ((message = consumer.receive(3_000)) != null) {
                ids.add(message.getJMSMessageID().replaceFirst("^ID:(AMQP_NO_PREFIX:)?", ""));
            }
        } finally {
            connection.close();
        }
        return ids;
    }
}
