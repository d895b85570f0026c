package io.hubroute.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;

/**
 * An ActiveMQ Artemis broker inside this JVM with one AMQP 1.0 acceptor on 127.0.0.1: the demo's
 * stand-in for a Service Bus namespace. Queues and addresses are created on first use; messages are
 * journaled under the given directory.
 *
 * <pre>{@code
 * try (EmbeddedAmqpBroker broker = EmbeddedAmqpBroker.start(workDir.resolve("amqp"))) {
 *     String uri = broker.amqpUri(); // amqp://127.0.0.1:<port>
 * }
 * }</pre>
 */
public final class EmbeddedAmqpBroker implements AutoCloseable {
    private final int port;
    private final EmbeddedActiveMQ server;

    private EmbeddedAmqpBroker(int port, EmbeddedActiveMQ server) {
        this.port = port;
        this.server = server;
    }

    /** Starts a broker on a free port, journaling under {@code dataDirectory}. */
    public static EmbeddedAmqpBroker start(Path dataDirectory) throws Exception {
        Files.createDirectories(dataDirectory);
        int port = EmbeddedKafka.freePort();
        ConfigurationImpl configuration = new ConfigurationImpl();
        configuration.setPersistenceEnabled(true);
        configuration.setJournalType(JournalType.NIO);
        configuration.setJournalDirectory(dataDirectory.resolve("journal").toString());
        configuration.setBindingsDirectory(dataDirectory.resolve("bindings").toString());
        configuration.setPagingDirectory(dataDirectory.resolve("paging").toString());
        configuration.setLargeMessagesDirectory(dataDirectory.resolve("large-messages").toString());
        configuration.setSecurityEnabled(false);
        configuration.setJMXManagementEnabled(false);
        configuration.addAcceptorConfiguration(
                "amqp", "tcp://127.0.0.1:" + port + "?protocols=AMQP");
        configuration.addAddressSetting(
                "#", new AddressSettings().setAutoCreateQueues(true).setAutoCreateAddresses(true));
        EmbeddedActiveMQ embedded = new EmbeddedActiveMQ();
        embedded.setConfiguration(configuration);
        embedded.start();
        return new EmbeddedAmqpBroker(port, embedded);
    }

    /** {@code amqp://127.0.0.1:<port>}. */
    public String amqpUri() {
        return "amqp://127.0.0.1:" + port;
    }

    /** How many messages the queue holds now (0 when it does not exist). */
    public long messageCount(String queue) {
        var binding = server.getActiveMQServer().locateQueue(queue);
        return binding == null ? 0 : binding.getMessageCount();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
