package io.hubroute.sink.amqp;

import java.io.IOException;
import java.net.ServerSocket;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;

/**
 * An in-process ActiveMQ Artemis broker with one AMQP 1.0 acceptor on 127.0.0.1, standing in for
 * Service Bus in tests: a queue is an anycast address, a topic a multicast address whose
 * subscriptions are named queues ({@code topic::subscription}). Addresses and queues are created
 * on first use. The port is kept across {@link #stop()} / {@link #start()}, so a test can take the
 * endpoint down and bring it back where clients expect it.
 *
 * <pre>{@code
 * try (EmbeddedAmqpBroker broker = EmbeddedAmqpBroker.start()) {
 *     String uri = broker.amqpUri(); // amqp://127.0.0.1:<port>
 * }
 * }</pre>
 */
public final class EmbeddedAmqpBroker implements AutoCloseable {
    private final int port;
    private EmbeddedActiveMQ server;

    private EmbeddedAmqpBroker(int port) {
        this.port = port;
    }

    /** Starts a broker on a free port. */
    public static EmbeddedAmqpBroker start() throws Exception {
        EmbeddedAmqpBroker broker = new EmbeddedAmqpBroker(freePort());
        broker.restart();
        return broker;
    }

    /** Starts the broker again on the same port after {@link #stop()}; messages are not kept. */
    public synchronized void restart() throws Exception {
        if (server != null) {
            return;
        }
        ConfigurationImpl configuration = new ConfigurationImpl();
        configuration.setPersistenceEnabled(false);
        configuration.setSecurityEnabled(false);
        configuration.setJMXManagementEnabled(false);
        configuration.addAcceptorConfiguration("amqp", "tcp://127.0.0.1:" + port + "?protocols=AMQP");
        configuration.addAddressSetting(
                "#", new AddressSettings().setAutoCreateQueues(true).setAutoCreateAddresses(true));
        EmbeddedActiveMQ embedded = new EmbeddedActiveMQ();
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
     * Creates a topic with one durable subscription, as a Service Bus topic with a subscription:
     * a multicast address with a named queue. Messages sent before the subscription exists are
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
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }
}
