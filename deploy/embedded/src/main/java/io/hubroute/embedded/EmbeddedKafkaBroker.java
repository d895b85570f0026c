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
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
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
 *
 * <p>{@link #startWithSaslSsl} adds a second listener that authenticates as the Event Hubs Kafka
 * endpoint does: TLS with a certificate for {@code localhost} made at start, SASL PLAIN with one
 * user, {@code $ConnectionString}, whose password is a connection string. Clients trust the
 * certificate through {@link #truststore()}; the plain listener stays for setting up and reading
 * back.
 *
 * <pre>{@code
 * try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.startWithSaslSsl(port ->
 *         "Endpoint=sb://localhost:" + port + "/;SharedAccessKeyName=RootManageSharedAccessKey;"
 *                 + "SharedAccessKey=" + key + ";EntityPath=telemetry")) {
 *     kafka.createTopic("telemetry", 1);                       // over the plain listener
 *     EventHubsSink.builder()
 *         .setEventHubsConnectionString(kafka.saslSslConnectionString())  // localhost:<port>
 *         .setProducerProperty("ssl.truststore.location", kafka.truststore().path().toString())
 *         ...
 * }
 * }</pre>
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
    /** The listener that authenticates as Event Hubs does, in the broker's settings. */
    private static final String SASL_SSL_LISTENER = "SASL_SSL";

    private static final String PLAIN_LOGIN_MODULE =
            "org.apache.kafka.common.security.plain.PlainLoginModule";

    private final Path logDirectory;
    private final boolean temporary;
    private final int port;
    private final Properties properties;
    private final SaslSsl saslSsl;
    private KafkaRaftServer server;

    private EmbeddedKafkaBroker(
            Path logDirectory,
            boolean temporary,
            int port,
            Properties properties,
            SaslSsl saslSsl,
            KafkaRaftServer server) {
        this.logDirectory = logDirectory;
        this.temporary = temporary;
        this.port = port;
        this.properties = properties;
        this.saslSsl = saslSsl;
        this.server = server;
    }

    /**
     * A PKCS12 trust store holding the broker's self-signed certificate, as a Kafka client's
     * settings name it.
     *
     * @param path the file ({@code ssl.truststore.location})
     * @param password its password ({@code ssl.truststore.password})
     * @param type {@code PKCS12} ({@code ssl.truststore.type})
     */
    public record Truststore(Path path, String password, String type) {
        public Truststore {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(password, "password");
            Objects.requireNonNull(type, "type");
        }

        /** {@code ssl.truststore.location}, {@code .password} and {@code .type}. */
        public Map<String, String> kafkaProperties() {
            return Map.of(
                    "ssl.truststore.location", path.toString(),
                    "ssl.truststore.password", password,
                    "ssl.truststore.type", type);
        }

        /** The password is a test's, but a trust store's all the same: not shown. */
        @Override
        public String toString() {
            return "Truststore{path=" + path + ", type=" + type + "}";
        }
    }

    /** The SASL_SSL listener: its port, the one connection string it accepts, its trust store. */
    private record SaslSsl(int port, String connectionString, Truststore truststore) {}

    /**
     * Starts a broker on free ports with a temporary log directory, deleted on {@link #close()};
     * takes a few seconds.
     */
    public static EmbeddedKafkaBroker start() throws IOException {
        return start(Files.createTempDirectory("hubroute-kafka"), true, null);
    }

    /**
     * Starts a broker on free ports with its log under {@code logDirectory} (which must be empty or
     * missing), kept after {@link #close()} so what it holds can be read afterwards.
     */
    public static EmbeddedKafkaBroker start(Path logDirectory) throws IOException {
        return start(logDirectory, false, null);
    }

    /**
     * Starts a broker on free ports with a temporary log directory, deleted on {@link #close()},
     * that also has a listener on {@code localhost} authenticating as the Event Hubs Kafka endpoint
     * does: SASL_SSL with a self-signed certificate for {@code localhost} (and 127.0.0.1) made now
     * with the JDK's {@code keytool}, mechanism PLAIN, one user {@code $ConnectionString} whose
     * password is the connection string {@code connectionStringForPort} gives for the listener's
     * port. Any other password, or user, fails authentication. The plain listener ({@link
     * #bootstrapServers()}, {@link #admin()}, {@link #createTopic}) needs no credentials.
     *
     * @param connectionStringForPort the accepted connection string, given the listener's port (for
     *     its {@code Endpoint=sb://localhost:<port>/})
     */
    public static EmbeddedKafkaBroker startWithSaslSsl(IntFunction<String> connectionStringForPort)
            throws IOException {
        Objects.requireNonNull(connectionStringForPort, "connectionStringForPort");
        return start(Files.createTempDirectory("hubroute-kafka"), true, connectionStringForPort);
    }

    private static EmbeddedKafkaBroker start(
            Path logDirectory, boolean temporary, IntFunction<String> saslSslConnectionString)
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
        SaslSsl saslSsl = null;
        if (saslSslConnectionString != null) {
            saslSsl = addSaslSslListener(properties, logDirectory, saslSslConnectionString);
        }
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
        Properties formatted = new Properties();
        for (String name : properties.stringPropertyNames()) {
            // the listeners' JAAS lines and key store passwords stay in memory
            if (!name.startsWith("listener.name.")) {
                formatted.setProperty(name, properties.getProperty(name));
            }
        }
        try (OutputStream out = Files.newOutputStream(configFile)) {
            formatted.store(out, "hubroute embedded Kafka");
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
        return new EmbeddedKafkaBroker(logDirectory, temporary, port, properties, saslSsl, server);
    }

    /**
     * Adds the SASL_SSL listener to {@code properties}: a key pair and self-signed certificate for
     * {@code localhost} in a PKCS12 key store, the certificate alone in a trust store for clients,
     * and PLAIN with the one user Event Hubs has. The listener binds 127.0.0.1 and is advertised as
     * {@code localhost}, the name in the certificate, so clients verify the host name as they would
     * against Event Hubs.
     */
    private static SaslSsl addSaslSslListener(
            Properties properties, Path logDirectory, IntFunction<String> connectionStringForPort)
            throws IOException {
        int saslPort = LocalPorts.free();
        String connectionString =
                Objects.requireNonNull(
                        connectionStringForPort.apply(saslPort), "the connection string");
        Path tls = Files.createDirectories(logDirectory.resolve("tls"));
        Path keystore = tls.resolve("broker.p12");
        Path certificate = tls.resolve("broker.pem");
        Path truststore = tls.resolve("truststore.p12");
        String keystorePassword = UUID.randomUUID().toString();
        String truststorePassword = UUID.randomUUID().toString();
        keytool(
                "-genkeypair",
                "-alias",
                "localhost",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-sigalg",
                "SHA256withECDSA",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=dns:localhost,ip:127.0.0.1",
                "-validity",
                "30",
                "-keystore",
                keystore.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                keystorePassword,
                "-keypass",
                keystorePassword);
        keytool(
                "-exportcert",
                "-rfc",
                "-alias",
                "localhost",
                "-keystore",
                keystore.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                keystorePassword,
                "-file",
                certificate.toString());
        keytool(
                "-importcert",
                "-noprompt",
                "-alias",
                "localhost",
                "-file",
                certificate.toString(),
                "-keystore",
                truststore.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                truststorePassword);

        String plainListeners = properties.getProperty("listeners");
        properties.setProperty(
                "listeners", plainListeners + "," + SASL_SSL_LISTENER + "://127.0.0.1:" + saslPort);
        properties.setProperty(
                "advertised.listeners",
                properties.getProperty("advertised.listeners")
                        + ","
                        + SASL_SSL_LISTENER
                        + "://localhost:"
                        + saslPort);
        properties.setProperty(
                "listener.security.protocol.map",
                properties.getProperty("listener.security.protocol.map")
                        + ","
                        + SASL_SSL_LISTENER
                        + ":SASL_SSL");
        String prefix = "listener.name." + SASL_SSL_LISTENER.toLowerCase(Locale.ROOT);
        properties.setProperty(prefix + ".sasl.enabled.mechanisms", "PLAIN");
        properties.setProperty(
                prefix + ".plain.sasl.jaas.config",
                PLAIN_LOGIN_MODULE
                        + " required user_$ConnectionString=\""
                        + connectionString.replace("\\", "\\\\").replace("\"", "\\\"")
                        + "\";");
        properties.setProperty(prefix + ".ssl.keystore.location", keystore.toString());
        properties.setProperty(prefix + ".ssl.keystore.password", keystorePassword);
        properties.setProperty(prefix + ".ssl.key.password", keystorePassword);
        properties.setProperty(prefix + ".ssl.keystore.type", "PKCS12");
        return new SaslSsl(
                saslPort,
                connectionString,
                new Truststore(truststore, truststorePassword, "PKCS12"));
    }

    /** Runs the JDK's keytool; fails with its output when it fails. */
    private static void keytool(String... arguments) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output;
        try {
            output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("keytool " + arguments[0] + " did not finish in 60 s");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running keytool " + arguments[0], e);
        }
        if (process.exitValue() != 0) {
            throw new IOException(
                    "keytool "
                            + arguments[0]
                            + " failed (exit code "
                            + process.exitValue()
                            + "): "
                            + output.trim());
        }
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

    /** {@code 127.0.0.1:<port>}: the plain listener, no TLS and no credentials. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** The port of the SASL_SSL listener; only for a broker from {@link #startWithSaslSsl}. */
    public int saslSslPort() {
        return saslSsl().port();
    }

    /** {@code localhost:<port>}: the SASL_SSL listener, as its certificate names it. */
    public String saslSslBootstrapServers() {
        return "localhost:" + saslSsl().port();
    }

    /** The one connection string the SASL_SSL listener accepts (user {@code $ConnectionString}). */
    public String saslSslConnectionString() {
        return saslSsl().connectionString();
    }

    /** The trust store that holds the SASL_SSL listener's self-signed certificate. */
    public Truststore truststore() {
        return saslSsl().truststore();
    }

    private SaslSsl saslSsl() {
        if (saslSsl == null) {
            throw new IllegalStateException(
                    "this broker has no SASL_SSL listener: start it with"
                            + " EmbeddedKafkaBroker.startWithSaslSsl(...)");
        }
        return saslSsl;
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
