package io.hubroute.sink.eventhubs.internal;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * One Kafka producer per set of producer settings in a JVM (a TaskManager), shared by the
 * at-least-once writers of every Event Hubs endpoint with those settings: the endpoints of one
 * namespace or broker. With a producer per endpoint, each sent its own small requests (a route file
 * of ten endpoints made ten producers, each sending batches of one to three records), and the
 * broker spent three times the CPU per record that one producer's fuller requests cost it.
 *
 * <p>A lease is released when its writer closes or gives the producer up; the producer closes with
 * its last lease. A writer that must drop its producer after a failure (see {@link
 * EventHubsWriter}) waits for the answers to all its records first, releases its lease, and goes on
 * with a producer of its own: the others keep the shared one.
 */
final class SharedProducers {
    private static final Map<Properties, Shared> SHARED = new HashMap<>();

    private SharedProducers() {}

    /** A lease on a producer: {@link #producer()} until {@link #release()}. */
    static final class Lease {
        private final Properties settings;
        private final Shared shared;
        private boolean released;

        private Lease(Properties settings, Shared shared) {
            this.settings = settings;
            this.shared = shared;
        }

        Producer<byte[], byte[]> producer() {
            return shared.producer;
        }

        /** Gives the producer up; the last lease closes it, without waiting. */
        void release() {
            synchronized (SHARED) {
                if (released) {
                    return;
                }
                released = true;
                if (--shared.leases == 0) {
                    SHARED.remove(settings, shared);
                    shared.producer.close(Duration.ZERO);
                }
            }
        }
    }

    private static final class Shared {
        final Producer<byte[], byte[]> producer;
        int leases;

        Shared(Producer<byte[], byte[]> producer) {
            this.producer = producer;
        }
    }

    /** A lease on the producer with these settings, made now if none is open. */
    static Lease lease(Properties settings) {
        Properties key = new Properties();
        key.putAll(settings);
        synchronized (SHARED) {
            Shared shared = SHARED.get(key);
            if (shared == null) {
                shared =
                        new Shared(
                                new KafkaProducer<>(
                                        key, new ByteArraySerializer(), new ByteArraySerializer()));
                SHARED.put(key, shared);
            }
            shared.leases++;
            return new Lease(key, shared);
        }
    }

    /** The number of producers open, for tests. */
    static int open() {
        synchronized (SHARED) {
            return SHARED.size();
        }
    }
}
