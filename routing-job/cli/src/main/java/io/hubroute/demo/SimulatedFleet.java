package io.hubroute.demo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fleet of simulated devices writing to the device-to-cloud topic as IoT Hub would: first a
 * {@code createDeviceIdentity} lifecycle event per device (its body the new twin, with tags and
 * desired and reported properties), then one telemetry message per device every period with an
 * application property {@code level} of {@code normal}, {@code storage} or {@code critical} at
 * random, and now and then a twin change (a reported firmware version or a desired interval).
 *
 * <pre>{@code
 * try (SimulatedFleet fleet = SimulatedFleet.builder(kafka.bootstrapServers(), "d2c").maxRecords(2000).build()) {
 *     fleet.start();
 *     fleet.awaitFinished(60_000);
 * }
 * }</pre>
 */
public final class SimulatedFleet implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SimulatedFleet.class);
    public static final String HUB_NAME = "hubroute-demo";
    private static final String[] LEVELS = {"normal", "storage", "critical"};

    private final String bootstrapServers;
    private final String topic;
    private final int devices;
    private final long periodMillis;
    private final long maxRecords;
    private final double twinChangeProbability;
    private final Random random;
    private final AtomicLong sent = new AtomicLong();
    private volatile boolean stopping;
    private volatile Throwable failure;
    private Thread thread;

    private SimulatedFleet(Builder builder) {
        this.bootstrapServers = builder.bootstrapServers;
        this.topic = builder.topic;
        this.devices = builder.devices;
        this.periodMillis = builder.periodMillis;
        this.maxRecords = builder.maxRecords;
        this.twinChangeProbability = builder.twinChangeProbability;
        this.random = new Random(builder.seed);
    }

    public static Builder builder(String bootstrapServers, String topic) {
        return new Builder(bootstrapServers, topic);
    }

    /** The device ids: {@code device-01} ... */
    public List<String> deviceIds() {
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= devices; i++) {
            ids.add(i < 10 ? "device-0" + i : "device-" + i);
        }
        return ids;
    }

    /** Starts sending on a background thread. */
    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("the fleet is already started");
        }
        thread = new Thread(this::run, "hubroute-simulated-fleet");
        thread.setDaemon(true);
        thread.start();
    }

    /** Records sent (and acknowledged) so far: lifecycle events, telemetry and twin changes. */
    public long sent() {
        return sent.get();
    }

    /** Whether the fleet sent all its records (or failed). */
    public boolean isFinished() {
        return thread != null && !thread.isAlive();
    }

    /** The error that stopped the fleet, or null. */
    public Throwable failure() {
        return failure;
    }

    public boolean awaitFinished(long timeoutMillis) throws InterruptedException {
        thread.join(timeoutMillis);
        return !thread.isAlive();
    }

    private void run() {
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        properties.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(
                        properties, new ByteArraySerializer(), new ByteArraySerializer())) {
            List<String> ids = deviceIds();
            Map<String, Integer> twinVersions = new LinkedHashMap<>();
            long now = System.currentTimeMillis();
            for (int i = 0; i < ids.size() && more(); i++) {
                String id = ids.get(i);
                twinVersions.put(id, 2);
                send(
                        producer,
                        IotHubRecords.lifecycleEvent(
                                topic,
                                HUB_NAME,
                                id,
                                "createDeviceIdentity",
                                now,
                                initialTwin(id, i)));
            }
            long sequence = 0;
            long next = System.currentTimeMillis();
            while (more()) {
                long wait = next - System.currentTimeMillis();
                if (wait > 0) {
                    TimeUnit.MILLISECONDS.sleep(wait);
                }
                next += periodMillis;
                for (String id : ids) {
                    if (!more()) {
                        break;
                    }
                    now = System.currentTimeMillis();
                    if (random.nextDouble() < twinChangeProbability) {
                        int version = twinVersions.merge(id, 1, Integer::sum);
                        send(
                                producer,
                                IotHubRecords.twinChangeEvent(
                                        topic,
                                        HUB_NAME,
                                        id,
                                        "updateTwin",
                                        now,
                                        twinPatch(version)));
                        if (!more()) {
                            break;
                        }
                    }
                    sequence++;
                    String level = LEVELS[random.nextInt(LEVELS.length)];
                    String body =
                            "{\"deviceId\":\""
                                    + id
                                    + "\",\"temperature\":"
                                    + (20 + random.nextInt(150) / 10.0)
                                    + ",\"humidity\":"
                                    + (40 + random.nextInt(40))
                                    + ",\"pointInfo\":\""
                                    + level
                                    + " message\"}";
                    send(
                            producer,
                            IotHubRecords.telemetry(
                                    topic,
                                    id,
                                    id + "-" + sequence,
                                    now,
                                    Map.of("level", level),
                                    body));
                }
                producer.flush();
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failure = e;
            LOG.error("The simulated fleet stopped: {}", e.toString());
        }
    }

    private boolean more() {
        return !stopping && (maxRecords <= 0 || sent.get() < maxRecords);
    }

    private void send(
            KafkaProducer<byte[], byte[]> producer, ProducerRecord<byte[], byte[]> record) {
        // Counted when sent, not when acknowledged, so exactly maxRecords go out; flush() waits for
        // the acks.
        sent.incrementAndGet();
        producer.send(
                record,
                (metadata, error) -> {
                    if (error != null && failure == null) {
                        failure = error;
                    }
                });
    }

    private static String initialTwin(String deviceId, int index) {
        return "{\"deviceId\":\""
                + deviceId
                + "\",\"etag\":\"AAAAAAAAAAE=\",\"version\":2,"
                + "\"tags\":{\"building\":\"43\",\"floor\":\""
                + (1 + index % 3)
                + "\",\"site\":{\"region\":\""
                + (index % 2 == 0 ? "emea" : "us")
                + "\"}},"
                + "\"properties\":{\"desired\":{\"telemetryInterval\":100,\"$version\":1},"
                + "\"reported\":{\"firmware\":\"1.0.0\",\"$version\":1}}}";
    }

    private String twinPatch(int version) {
        if (random.nextBoolean()) {
            return "{\"version\":"
                    + version
                    + ",\"properties\":{\"reported\":{\"firmware\":\"1.0."
                    + version
                    + "\",\"$version\":"
                    + version
                    + "}}}";
        }
        return "{\"version\":"
                + version
                + ",\"properties\":{\"desired\":{\"telemetryInterval\":"
                + (100 * (1 + random.nextInt(5)))
                + ",\"$version\":"
                + version
                + "}}}";
    }

    /** Stops sending and waits for the background thread. */
    @Override
    public void close() throws InterruptedException {
        stopping = true;
        if (thread != null) {
            thread.join(10_000);
        }
    }

    /**
     * Builds a {@link SimulatedFleet}: 10 devices, 100 ms, unbounded, twin change probability 0.02.
     */
    public static final class Builder {
        private final String bootstrapServers;
        private final String topic;
        private int devices = 10;
        private long periodMillis = 100;
        private long maxRecords;
        private double twinChangeProbability = 0.02;
        private long seed = System.nanoTime();

        private Builder(String bootstrapServers, String topic) {
            this.bootstrapServers =
                    java.util.Objects.requireNonNull(bootstrapServers, "bootstrapServers");
            this.topic = java.util.Objects.requireNonNull(topic, "topic");
        }

        public Builder devices(int count) {
            if (count < 1 || count > 99) {
                throw new IllegalArgumentException("devices must be 1..99, got " + count);
            }
            this.devices = count;
            return this;
        }

        public Builder periodMillis(long millis) {
            if (millis < 1) {
                throw new IllegalArgumentException("period must be at least 1 ms, got " + millis);
            }
            this.periodMillis = millis;
            return this;
        }

        /**
         * Total records to send, lifecycle events and twin changes included; 0 sends until closed.
         */
        public Builder maxRecords(long count) {
            if (count < 0) {
                throw new IllegalArgumentException("maxRecords must be >= 0, got " + count);
            }
            this.maxRecords = count;
            return this;
        }

        public Builder twinChangeProbability(double probability) {
            if (probability < 0 || probability > 1) {
                throw new IllegalArgumentException(
                        "twin change probability must be in [0, 1], got " + probability);
            }
            this.twinChangeProbability = probability;
            return this;
        }

        public Builder seed(long newSeed) {
            this.seed = newSeed;
            return this;
        }

        public SimulatedFleet build() {
            return new SimulatedFleet(this);
        }
    }
}
