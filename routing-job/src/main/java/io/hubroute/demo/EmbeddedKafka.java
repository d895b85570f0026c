package io.hubroute.demo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A single-node KRaft Kafka broker inside this JVM on 127.0.0.1, holding the demo's device-to-cloud
 * stream and the events endpoint's topic. Its log lives under the directory given to {@link
 * #start}, so the demo's outputs can be read after it stops.
 *
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.start(workDir.resolve("kafka"))) {
 *     kafka.createTopics(2, "d2c", "events");
 * }
 * }</pre>
 */
public final class EmbeddedKafka implements AutoCloseable {
    private final int port;
    private final KafkaRaftServer server;

    private EmbeddedKafka(int port, KafkaRaftServer server) {
        this.port = port;
        this.server = server;
    }

    /**
     * Formats {@code logDirectory} (which must be empty or missing) and starts the broker; takes a
     * few seconds.
     */
    public static EmbeddedKafka start(Path logDirectory) throws IOException {
        Files.createDirectories(logDirectory);
        int port = freePort();
        int controllerPort = freePort();
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
        // One broker: every internal topic has one replica, or transactions and groups never start.
        properties.setProperty("offsets.topic.replication.factor", "1");
        properties.setProperty("offsets.topic.num.partitions", "1");
        properties.setProperty("transaction.state.log.replication.factor", "1");
        properties.setProperty("transaction.state.log.min.isr", "1");
        properties.setProperty("transaction.state.log.num.partitions", "1");
        properties.setProperty("share.coordinator.state.topic.replication.factor", "1");
        properties.setProperty("share.coordinator.state.topic.min.isr", "1");
        properties.setProperty("group.initial.rebalance.delay.ms", "0");
        properties.setProperty("auto.create.topics.enable", "false");

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
        return new EmbeddedKafka(port, server);
    }

    /** {@code 127.0.0.1:<port>}. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** Creates the topics that do not exist yet, each with {@code partitions} partitions. */
    public void createTopics(int partitions, String... topics) throws Exception {
        try (Admin admin = admin()) {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = new java.util.ArrayList<>();
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
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }
}
