package io.hubroute.embedded;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.config.impl.SecurityConfiguration;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.spi.core.security.ActiveMQJAASSecurityManager;
import org.apache.activemq.artemis.spi.core.security.jaas.InVMLoginModule;
import org.apache.qpid.jms.JmsConnectionFactory;

/**
 * An in-process ActiveMQ Artemis broker with one AMQP 1.0 acceptor on 127.0.0.1, standing in for
 * Service Bus in {@code hubroute run}'s demo and in tests: a queue is an anycast address, a topic a
 * multicast address whose subscriptions are named queues ({@code topic::subscription}). Addresses
 * and queues are created on first use. Messages are persisted in a temporary journal, and the port
 * and journal are kept across {@link #stop()} / {@link #restart()}, so a test can take the endpoint
 * down and bring it back, with what it had accepted, where clients expect it.
 *
 * <p>It lets anyone in, unless started {@linkplain #startWithUser with a user}: then it takes that
 * user name and password only (SASL PLAIN, as Service Bus takes a policy name and key), and that
 * user may do everything.
 *
 * <pre>{@code
 * try (EmbeddedAmqpBroker broker = EmbeddedAmqpBroker.start()) {    // temporary journal
 *     String uri = broker.amqpUri(); // amqp://127.0.0.1:<port>
 * }
 * try (EmbeddedAmqpBroker broker = EmbeddedAmqpBroker.start(workDir.resolve("amqp"))) { // kept
 *     long waiting = broker.messageCount("alerts");
 * }
 * try (EmbeddedAmqpBroker broker = EmbeddedAmqpBroker.startWithUser("sender", password)) {
 *     // setAmqpUri(broker.amqpUri()).setCredentials("sender", password)
 * }
 * }</pre>
 */
public final class EmbeddedAmqpBroker implements AutoCloseable {
    /** The role of the one user of a broker {@linkplain #startWithUser with a user}. */
    private static final String ROLE = "all";

    private final int port;
    private final Path dataDirectory;
    private final boolean temporary;
    private final String user;
    private final String password;
    private EmbeddedActiveMQ server;

    private EmbeddedAmqpBroker(
            int port, Path dataDirectory, boolean temporary, String user, String password) {
        this.port = port;
        this.dataDirectory = dataDirectory;
        this.temporary = temporary;
        this.user = user;
        this.password = password;
    }

    /** Starts a broker on a free port with a temporary journal, deleted on {@link #close()}. */
    public static EmbeddedAmqpBroker start() throws Exception {
        return start(Files.createTempDirectory("hubroute-artemis"), true, null, null);
    }

    /**
     * Starts a broker, as {@link #start()} does, that lets in {@code user} with {@code password}
     * only: a connection with other credentials, or none, fails SASL. The user may send, consume,
     * browse and create or delete addresses and queues everywhere. {@link #receive} logs in as that
     * user.
     */
    public static EmbeddedAmqpBroker startWithUser(String user, String password) throws Exception {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        return start(Files.createTempDirectory("hubroute-artemis"), true, user, password);
    }

    /**
     * Starts a broker on a free port journaling under {@code dataDirectory}, kept after {@link
     * #close()}.
     */
    public static EmbeddedAmqpBroker start(Path dataDirectory) throws Exception {
        Files.createDirectories(dataDirectory);
        return start(dataDirectory, false, null, null);
    }

    private static EmbeddedAmqpBroker start(
            Path dataDirectory, boolean temporary, String user, String password) throws Exception {
        EmbeddedAmqpBroker broker =
                new EmbeddedAmqpBroker(LocalPorts.free(), dataDirectory, temporary, user, password);
        broker.restart();
        return broker;
    }

    /** Starts the broker again on the same port and journal after {@link #stop()}. */
    public synchronized void restart() throws Exception {
        if (server != null) {
            return;
        }
        ConfigurationImpl configuration = new ConfigurationImpl();
        configuration.setPersistenceEnabled(true);
        configuration.setJournalType(JournalType.NIO);
        configuration.setJournalDirectory(dataDirectory.resolve("journal").toString());
        configuration.setBindingsDirectory(dataDirectory.resolve("bindings").toString());
        configuration.setPagingDirectory(dataDirectory.resolve("paging").toString());
        configuration.setLargeMessagesDirectory(dataDirectory.resolve("large-messages").toString());
        configuration.setSecurityEnabled(user != null);
        configuration.setJMXManagementEnabled(false);
        configuration.addAcceptorConfiguration(
                "amqp", "tcp://127.0.0.1:" + port + "?protocols=AMQP");
        configuration.addAddressSetting(
                "#", new AddressSettings().setAutoCreateQueues(true).setAutoCreateAddresses(true));
        EmbeddedActiveMQ embedded = new EmbeddedActiveMQ();
        if (user != null) {
            // send, consume, create and delete durable and non-durable queues, manage, browse,
            // create and delete addresses, view, edit: everything, on every address
            configuration.putSecurityRoles(
                    "#",
                    Set.of(
                            new Role(
                                    ROLE, true, true, true, true, true, true, true, true, true,
                                    true, true, true)));
            SecurityConfiguration users = new SecurityConfiguration();
            users.addUser(user, password);
            users.addRole(user, ROLE);
            embedded.setSecurityManager(
                    new ActiveMQJAASSecurityManager(InVMLoginModule.class.getName(), users));
        }
        embedded.setConfiguration(configuration);
        embedded.start();
        server = embedded;
    }

    /** Stops the broker; connected clients see the connection drop. */
    public synchronized void stop() throws Exception {
        if (server != null) {
            server.stop();
            server = null;
        }
    }

    /**
     * Creates a topic with one durable subscription, as a Service Bus topic with a subscription: a
     * multicast address with a named queue. Messages sent before the subscription exists are
     * dropped, so tests create it first.
     */
    public void createTopicSubscription(String topic, String subscription) throws Exception {
        server.getActiveMQServer()
                .createQueue(
                        QueueConfiguration.of(subscription)
                                .setAddress(topic)
                                .setRoutingType(RoutingType.MULTICAST)
                                .setDurable(true),
                        true);
    }

    /**
     * Receives from a queue (or {@code topic::subscription}) until {@code expected} messages came
     * or nothing came for {@code idleMillis}; returns what came, in order.
     */
    public List<ReceivedAmqpMessage> receive(String queue, int expected, long idleMillis)
            throws JMSException {
        List<ReceivedAmqpMessage> received = new ArrayList<>();
        JmsConnectionFactory factory = new JmsConnectionFactory(amqpUri());
        // show IoT Hub's property names (iothub-connection-device-id, ...), which are not Java
        // identifiers
        factory.setValidatePropertyNames(false);
        if (user != null) {
            factory.setUsername(user);
            factory.setPassword(password);
        }
        try (Connection connection = factory.createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createQueue(queue));
            while (received.size() < expected) {
                Message message = consumer.receive(idleMillis);
                if (message == null) {
                    break;
                }
                received.add(ReceivedAmqpMessage.of(message));
            }
        }
        return received;
    }

    /** How many messages the queue holds now (0 when it does not exist). */
    public long messageCount(String queue) {
        var binding = server.getActiveMQServer().locateQueue(queue);
        return binding == null ? 0 : binding.getMessageCount();
    }

    public int port() {
        return port;
    }

    /** The URI for {@code setAmqpUri}: {@code amqp://127.0.0.1:<port>}. */
    public String amqpUri() {
        return "amqp://127.0.0.1:" + port;
    }

    @Override
    public void close() throws Exception {
        stop();
        if (!temporary) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dataDirectory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
