package io.hubroute.cli;

import io.hubroute.demo.IotHubRecords;
import io.hubroute.embedded.EmbeddedKafkaBroker;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The Kafka side of the benchmarks that run on an embedded broker: the input topic loaded with
 * {@link ReplayBenchmarkData}'s messages, output topics stamped by the broker, and what those
 * stamps say about a run.
 */
final class BenchTopics {
    private BenchTopics() {}

    /** Creates the input topic; its messages are a week old, so it keeps them however old. */
    static void createInput(EmbeddedKafkaBroker kafka, String topic) throws Exception {
        try (Admin admin = kafka.admin()) {
            admin.createTopics(
                            List.of(
                                    new NewTopic(topic, ReplayBenchmarkData.PARTITIONS, (short) 1)
                                            .configs(Map.of("retention.ms", "-1"))))
                    .all()
                    .get();
        }
    }

    /**
     * Creates topics whose records carry the time the broker appended them ({@code LogAppendTime}):
     * what throughput and latency are read from.
     */
    static void createOutputs(EmbeddedKafkaBroker kafka, Collection<String> topics, int partitions)
            throws Exception {
        List<NewTopic> newTopics = new ArrayList<>();
        for (String topic : topics) {
            newTopics.add(
                    new NewTopic(topic, partitions, (short) 1)
                            .configs(
                                    Map.of(
                                            "message.timestamp.type", "LogAppendTime",
                                            "retention.ms", "-1")));
        }
        try (Admin admin = kafka.admin()) {
            admin.createTopics(newTopics).all().get(60, TimeUnit.SECONDS);
        }
    }

    static void delete(EmbeddedKafkaBroker kafka, Collection<String> topics) throws Exception {
        try (Admin admin = kafka.admin()) {
            admin.deleteTopics(topics).all().get(60, TimeUnit.SECONDS);
        }
    }

    /**
     * Message {@code index} of {@code data} as the Event Hubs Kafka endpoint holds it, on its
     * device's partition, enqueued (and timestamped) at {@code enqueuedMillis}.
     */
    static ProducerRecord<byte[], byte[]> record(
            ReplayBenchmarkData data, String topic, int index, long enqueuedMillis) {
        int device = ReplayBenchmarkData.device(index);
        ProducerRecord<byte[], byte[]> record =
                IotHubRecords.telemetry(
                        topic,
                        ReplayBenchmarkData.deviceId(device),
                        ReplayBenchmarkData.messageId(index),
                        enqueuedMillis,
                        ReplayBenchmarkData.appProperties(index),
                        data.body(index));
        return new ProducerRecord<>(
                topic,
                ReplayBenchmarkData.partition(device),
                record.timestamp(),
                record.key(),
                record.value(),
                record.headers());
    }

    /** A producer for loading a topic fast: large batches, no idempotence, one acknowledgment. */
    static KafkaProducer<byte[], byte[]> loadingProducer(EmbeddedKafkaBroker kafka) {
        Properties properties = new Properties();
        properties.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        properties.setProperty(ProducerConfig.ACKS_CONFIG, "1");
        properties.setProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        properties.setProperty(ProducerConfig.LINGER_MS_CONFIG, "20");
        properties.setProperty(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(512 * 1024));
        properties.setProperty(
                ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(128L * 1024 * 1024));
        properties.setProperty(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
        return new KafkaProducer<>(
                properties, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Writes every message to the topic with an asynchronous producer, partitioned by device. */
    static void load(
            EmbeddedKafkaBroker kafka, String topic, ReplayBenchmarkData data, PrintStream out)
            throws Exception {
        AtomicLong acknowledged = new AtomicLong();
        AtomicReference<Exception> failure = new AtomicReference<>();
        long started = System.nanoTime();
        long lastPrint = started;
        try (KafkaProducer<byte[], byte[]> producer = loadingProducer(kafka)) {
            for (int index = 0; index < data.records(); index++) {
                producer.send(
                        record(data, topic, index, data.enqueuedMillis(index)),
                        (metadata, exception) -> {
                            if (exception != null) {
                                failure.compareAndSet(null, exception);
                            } else {
                                acknowledged.incrementAndGet();
                            }
                        });
                if (failure.get() != null) {
                    break;
                }
                if ((index & 1023) == 0 && System.nanoTime() - lastPrint >= 5_000_000_000L) {
                    lastPrint = System.nanoTime();
                    out.println(
                            String.format(
                                    Locale.ROOT,
                                    "  loading: %,d of %,d messages",
                                    index,
                                    data.records()));
                }
            }
            producer.flush();
        }
        if (failure.get() != null || acknowledged.get() != data.records()) {
            throw new IllegalStateException(
                    "loading the topic failed: "
                            + acknowledged.get()
                            + " of "
                            + data.records()
                            + " acknowledged"
                            + (failure.get() == null ? "" : ": " + failure.get().getMessage()),
                    failure.get());
        }
        out.println(
                String.format(
                        Locale.ROOT,
                        "loaded %,d messages into topic %s (%d partitions) in %.1f s",
                        data.records(),
                        topic,
                        ReplayBenchmarkData.PARTITIONS,
                        (System.nanoTime() - started) / 1e9));
    }

    /**
     * Writes the messages at {@code rate} per second (paced every millisecond), as {@link #load}
     * writes them, with the time of sending as their enqueued time. Reports a failure on {@code
     * err}.
     */
    static void feed(
            EmbeddedKafkaBroker kafka,
            String topic,
            ReplayBenchmarkData data,
            double rate,
            PrintStream err) {
        Properties properties = new Properties();
        properties.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        properties.setProperty(ProducerConfig.ACKS_CONFIG, "1");
        properties.setProperty(ProducerConfig.LINGER_MS_CONFIG, "0");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(
                        properties, new ByteArraySerializer(), new ByteArraySerializer())) {
            long started = System.nanoTime();
            for (int index = 0; index < data.records(); index++) {
                long due = started + (long) (index * 1e9 / rate);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                producer.send(record(data, topic, index, System.currentTimeMillis()));
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            err.println("feeding " + topic + " failed: " + e);
        }
    }

    /** Each record's append time by its {@code message-id} header (the last, if repeated). */
    static Map<String, Long> appendTimesById(EmbeddedKafkaBroker kafka, Collection<String> topics) {
        Map<String, Long> times = new HashMap<>();
        forEachAppended(kafka, topics, times::put);
        return times;
    }

    /** Reads every record of the topics and hands over its message id and append time. */
    static void forEachAppended(
            EmbeddedKafkaBroker kafka, Collection<String> topics, BiConsumer<String, Long> each) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(kafka, false)) {
            List<TopicPartition> partitions = partitions(consumer, topics);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (System.nanoTime() < deadline) {
                boolean done = true;
                for (TopicPartition partition : partitions) {
                    done &= consumer.position(partition) >= ends.get(partition);
                }
                if (done) {
                    return;
                }
                for (ConsumerRecord<byte[], byte[]> record :
                        consumer.poll(Duration.ofMillis(500))) {
                    Header id = record.headers().lastHeader("message-id");
                    if (id != null && id.value() != null) {
                        each.accept(
                                new String(id.value(), StandardCharsets.UTF_8), record.timestamp());
                    }
                }
            }
            throw new IllegalStateException("reading " + topics + " took over 5 minutes");
        }
    }

    /**
     * What the broker appended to some topics: how many records, and the append times of the first
     * and the last.
     */
    record Appended(long records, long firstMillis, long lastMillis) {
        static final Appended NONE = new Appended(0, Long.MAX_VALUE, Long.MIN_VALUE);

        /** The time from the first append to the last, at least a millisecond. */
        double seconds() {
            return Math.max(1, lastMillis - firstMillis) / 1000.0;
        }
    }

    /**
     * Reads each partition's first and last record (two fetches per partition, not the whole topic)
     * and its record count from the offsets: every topic was written once, never trimmed.
     */
    static Appended appended(EmbeddedKafkaBroker kafka, Collection<String> topics) {
        long records = 0;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(kafka, true)) {
            List<TopicPartition> partitions = partitions(consumer, topics);
            Map<TopicPartition, Long> starts = consumer.beginningOffsets(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            for (TopicPartition partition : partitions) {
                long start = starts.get(partition);
                long end = ends.get(partition);
                if (end <= start) {
                    continue;
                }
                records += end - start;
                first = Math.min(first, timestampAt(consumer, partition, start));
                last = Math.max(last, timestampAt(consumer, partition, end - 1));
            }
        }
        return records == 0 ? Appended.NONE : new Appended(records, first, last);
    }

    /** How many records the topics hold: their end offsets only, nothing is fetched. */
    static long records(EmbeddedKafkaBroker kafka, Collection<String> topics) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(kafka, true)) {
            List<TopicPartition> partitions = partitions(consumer, topics);
            long records = 0;
            for (long end : consumer.endOffsets(partitions).values()) {
                records += end;
            }
            return records;
        }
    }

    /**
     * A consumer without a group; {@code fewRecords}: for reading single records (fetch little),
     * else for reading whole topics.
     */
    private static KafkaConsumer<byte[], byte[]> consumer(
            EmbeddedKafkaBroker kafka, boolean fewRecords) {
        Properties properties = new Properties();
        properties.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        properties.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        if (fewRecords) {
            properties.setProperty(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1");
            properties.setProperty(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, "16384");
            properties.setProperty(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, "16384");
        } else {
            properties.setProperty(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        }
        return new KafkaConsumer<>(
                properties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static List<TopicPartition> partitions(
            KafkaConsumer<byte[], byte[]> consumer, Collection<String> topics) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            consumer.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
        }
        return partitions;
    }

    private static long timestampAt(
            KafkaConsumer<byte[], byte[]> consumer, TopicPartition partition, long offset) {
        consumer.assign(List.of(partition));
        consumer.seek(partition, offset);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                if (record.offset() >= offset) {
                    return record.timestamp();
                }
            }
        }
        throw new IllegalStateException(
                "no record at offset " + offset + " of " + partition + " within 30 s");
    }
}
