package io.hubroute.cli;

import io.hubroute.config.SourceOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What a time range of the device-to-cloud topic holds, found before a replay starts: per partition
 * the offsets the range spans, and the earliest record still retained. A range that starts before
 * what retention kept is an error naming the earliest time per partition.
 *
 * @param partitions each partition's offsets and earliest retained time
 */
record KafkaRange(List<Partition> partitions) {
    /**
     * One partition.
     *
     * @param from the first offset in the range
     * @param to the offset after the last one in the range
     * @param logStart the earliest retained offset
     * @param earliestMillis the timestamp of the record at {@code logStart}, or -1 when empty
     */
    record Partition(
            TopicPartition partition, long from, long to, long logStart, long earliestMillis) {
        long records() {
            return Math.max(0, to - from);
        }
    }

    /** The records in the range, estimated from offsets. */
    long records() {
        return partitions.stream().mapToLong(Partition::records).sum();
    }

    /**
     * The partitions whose retained records start after {@code start} although older ones were
     * deleted: the range asks for history that is gone. Empty when {@code start} is null.
     */
    List<Partition> notRetained(Instant start) {
        List<Partition> gone = new ArrayList<>();
        if (start == null) {
            return gone;
        }
        for (Partition partition : partitions) {
            if (partition.logStart() > 0
                    && partition.earliestMillis() >= 0
                    && start.toEpochMilli() < partition.earliestMillis()) {
                gone.add(partition);
            }
        }
        return gone;
    }

    /** Reads the range's offsets and each partition's earliest record. */
    static KafkaRange measure(SourceOptions options, Instant start, Instant end) {
        Properties properties = new Properties();
        properties.putAll(options.consumerProperties());
        properties.remove("group.id");
        properties.setProperty("enable.auto.commit", "false");
        properties.setProperty("max.poll.records", "1");
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        properties, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : options.topics()) {
                List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
                if (infos == null || infos.isEmpty()) {
                    throw new IllegalArgumentException(
                            "topic "
                                    + topic
                                    + " of the job config's source does not exist on "
                                    + options.bootstrapServers());
                }
                for (PartitionInfo info : infos) {
                    partitions.add(new TopicPartition(topic, info.partition()));
                }
            }
            Map<TopicPartition, Long> beginning =
                    consumer.beginningOffsets(partitions, Duration.ofSeconds(30));
            Map<TopicPartition, Long> ending =
                    consumer.endOffsets(partitions, Duration.ofSeconds(30));
            Map<TopicPartition, Long> from = offsetsFor(consumer, partitions, start, beginning);
            Map<TopicPartition, Long> to = offsetsFor(consumer, partitions, end, ending);
            Map<TopicPartition, Long> earliest = earliestTimestamps(consumer, beginning, ending);
            List<Partition> result = new ArrayList<>();
            for (TopicPartition partition : partitions) {
                result.add(
                        new Partition(
                                partition,
                                from.get(partition),
                                to.get(partition),
                                beginning.get(partition),
                                earliest.getOrDefault(partition, -1L)));
            }
            return new KafkaRange(result);
        }
    }

    private static Map<TopicPartition, Long> offsetsFor(
            KafkaConsumer<byte[], byte[]> consumer,
            List<TopicPartition> partitions,
            Instant time,
            Map<TopicPartition, Long> otherwise) {
        if (time == null) {
            return otherwise;
        }
        Map<TopicPartition, Long> query = new HashMap<>();
        partitions.forEach(partition -> query.put(partition, time.toEpochMilli()));
        Map<TopicPartition, OffsetAndTimestamp> found =
                consumer.offsetsForTimes(query, Duration.ofSeconds(30));
        Map<TopicPartition, Long> offsets = new HashMap<>();
        for (TopicPartition partition : partitions) {
            OffsetAndTimestamp offset = found.get(partition);
            // no record at or after the time: the range ends (or starts) at the partition's end
            offsets.put(
                    partition,
                    offset == null
                            ? consumer.endOffsets(List.of(partition)).get(partition)
                            : offset.offset());
        }
        return offsets;
    }

    private static Map<TopicPartition, Long> earliestTimestamps(
            KafkaConsumer<byte[], byte[]> consumer,
            Map<TopicPartition, Long> beginning,
            Map<TopicPartition, Long> ending) {
        Map<TopicPartition, Long> earliest = new HashMap<>();
        List<TopicPartition> nonEmpty = new ArrayList<>();
        for (Map.Entry<TopicPartition, Long> partition : beginning.entrySet()) {
            if (ending.get(partition.getKey()) > partition.getValue()) {
                nonEmpty.add(partition.getKey());
            }
        }
        if (nonEmpty.isEmpty()) {
            return earliest;
        }
        consumer.assign(nonEmpty);
        for (TopicPartition partition : nonEmpty) {
            consumer.seek(partition, beginning.get(partition));
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (earliest.size() < nonEmpty.size() && System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                if (earliest.putIfAbsent(partition, record.timestamp()) == null) {
                    consumer.pause(List.of(partition));
                }
            }
        }
        return earliest;
    }
}
