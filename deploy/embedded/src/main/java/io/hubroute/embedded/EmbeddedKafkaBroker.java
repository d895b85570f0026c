package io.hubroute.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * An in-process single-node KRaft Kafka broker (broker and controller in one) on 127.0.0.1: the
 * device-to-cloud stream and Kafka endpoints of {@code hubroute run}'s demo, and the Event Hubs
 * Kafka endpoint in tests. Transactions work: every internal topic has one replica. {@link #stop()}
 * and {@link #restart()} take the endpoint down and bring it back on the same port with the same
 * log directory (what it had accepted), as an outage would.
 *
 * <pre>{@code
 * try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start()) {        // temporary log, deleted on close
 *     kafka.createTopic("telemetry", 2);
 *     String bootstrap = kafka.bootstrapServers();
 * }
 * try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(workDir.resolve("kafka"))) { // kept
 *     kafka.createTopics(2, "d2c", "events");
 * }
 * }</pre>
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
    private final Path logDirectory;
    private final boolean temporary;
    private final int port;
    private final Properties properties;
    private KafkaRaftServer server;

    private EmbeddedKafkaBroker(
            Path logDirectory,
            boolean temporary,
            int port,
            Properties properties,
            KafkaRaftServer server) {
        this.logDirectory = logDirectory;
        this.temporary = temporary;
        this.port = port;
        this.properties = properties;
        this.server = server;
    }

    /**
     * Starts a broker on free ports with a temporary log directory, deleted on {@link #close()};
     * takes a few seconds.
     */
    public static EmbeddedKafkaBroker start() throws IOException {
        return start(Files.createTempDirectory("hubroute-kafka"), true);
    }

    /**
     * Starts a broker on free ports with its log under {@code logDirectory} (which must be empty or
     * missing), kept after {@link #close()} so what it holds can be read afterwards.
     */
    public static EmbeddedKafkaBroker start(Path logDirectory) throws IOException {
        return start(logDirectory, false);
    }

    private static EmbeddedKafkaBroker start(Path logDirectory, boolean temporary)
            throws IOException {
        Files.createDirectories(logDirectory);
        int port = LocalPorts.free();
        int controllerPort = LocalPorts.free();
        Properties properties = new Properties();
        properties.setProperty("process.roles", "broker,controller");
        properties.setProperty("node.id", "1");
        properties.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        properties.setProperty(
                "listeners",
                "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        properties.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        properties.setProperty("controller.listener.names", "CONTROLLER");
        properties.setProperty("inter.broker.listener.name", "PLAINTEXT");
        properties.setProperty(
                "listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        properties.setProperty("log.dirs", logDirectory.resolve("data").toString());
        properties.setProperty("num.partitions", "1");
        properties.setProperty("offsets.topic.replication.factor", "1");
        properties.setProperty("offsets.topic.num.partitions", "1");
        properties.setProperty("transaction.state.log.replication.factor", "1");
        properties.setProperty("transaction.state.log.min.isr", "1");
        properties.setProperty("transaction.state.log.num.partitions", "1");
        properties.setProperty("share.coordinator.state.topic.replication.factor", "1");
        properties.setProperty("share.coordinator.state.topic.min.isr", "1");
        properties.setProperty("group.initial.rebalance.delay.ms", "0");
        properties.setProperty("auto.create.topics.enable", "false");
        // records up to 16 MiB, so tests can send bodies far over IoT Hub's limit
        properties.setProperty("message.max.bytes", Integer.toString(16 * 1024 * 1024));

        Path configFile = logDirectory.resolve("server.properties");
        try (OutputStream out = Files.newOutputStream(configFile)) {
            properties.store(out, "hubroute embedded Kafka");
        }
        ByteArrayOutputStream formatOutput = new ByteArrayOutputStream();
        int exitCode;
        try (PrintStream printer = new PrintStream(formatOutput, true, StandardCharsets.UTF_8)) {
            exitCode =
                    StorageTool.execute(
                            new String[] {
                                "format",
                                "-t",
                                Uuid.randomUuid().toString(),
                                "-c",
                                configFile.toString()
                            },
                            printer);
        }
        if (exitCode != 0) {
            throw new IOException(
                    "formatting the Kafka log directory "
                            + logDirectory
                            + " failed: "
                            + formatOutput.toString(StandardCharsets.UTF_8).trim());
        }
        KafkaRaftServer server =
                new KafkaRaftServer(KafkaConfig.fromProps(properties, false), Time.SYSTEM);
        server.startup();
        return new EmbeddedKafkaBroker(logDirectory, temporary, port, properties, server);
    }

    /** Stops the broker; clients see their connections refused until {@link #restart()}. */
    public synchronized void stop() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
    }

    /** Starts the broker again after {@link #stop()}, on the same ports and log directory. */
    public synchronized void restart() {
        if (server == null) {
            KafkaRaftServer restarted =
                    new KafkaRaftServer(KafkaConfig.fromProps(properties, false), Time.SYSTEM);
            restarted.startup();
            server = restarted;
        }
    }

    /** {@code 127.0.0.1:<port>}. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** Creates a topic with one replica and waits until it exists. */
    public void createTopic(String topic, int partitions) throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        }
    }

    /** Creates the topics that do not exist yet, each with {@code partitions} partitions. */
    public void createTopics(int partitions, String... topics) throws Exception {
        try (Admin admin = admin()) {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = new ArrayList<>();
            for (String topic : topics) {
                if (!existing.contains(topic)) {
                    missing.add(new NewTopic(topic, partitions, (short) 1));
                }
            }
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get();
            }
        }
    }

    public Admin admin() {
        Properties properties = new Properties();
        properties.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return Admin.create(properties);
    }

    @Override
    public void close() throws IOException {
        stop();
        if (!temporary) {
            return;
        }
        try (Stream<Path> paths = Files.walk(logDirectory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
