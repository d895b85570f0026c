package io.hubroute.job;

import io.hubroute.config.SourceOptions;
import io.hubroute.job.internal.AuthenticationExplainingSource;
import io.hubroute.job.internal.DecodingDeserializer;
import io.hubroute.job.source.DecodeResult;
import io.hubroute.job.source.IotHubRecordDecoder;
import java.time.Instant;
import java.util.Objects;
import java.util.Properties;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * The device-to-cloud topic of a job config as a {@link RecordSource}: the live stream, or a
 * bounded range of it by timestamp. Credentials the cluster refuses fail the job at once with a
 * {@link io.hubroute.job.source.SourceAuthenticationException} that names the source and says what
 * to check.
 *
 * <pre>{@code
 * RoutingJob.builder().setRecordSource(KafkaRecords.range(config.source(), start, end, "hubroute-replay-1"));
 * }</pre>
 */
public final class KafkaRecords {
    private KafkaRecords() {}

    /**
     * The live stream from the config's starting offsets, in its consumer group, with partition
     * discovery every minute.
     */
    public static RecordSource live(SourceOptions options) {
        Objects.requireNonNull(options, "options");
        return env -> {
            Properties consumer = consumerProperties(options);
            consumer.setProperty("partition.discovery.interval.ms", "60000");
            KafkaSource<DecodeResult> source =
                    builder(options, consumer)
                            .setGroupId(options.groupId())
                            .setStartingOffsets(startingOffsets(options))
                            .build();
            // Names are shown in the web UI: they hold topic names, never connection strings.
            String name = "d2c source " + options.topics();
            return env.fromSource(
                            explained(source, options, name),
                            WatermarkStrategy.noWatermarks(),
                            name)
                    .uid(RoutingJob.SOURCE_UID);
        };
    }

    /**
     * The records of the config's topics whose timestamps are in {@code [start, end)}, found by
     * offsets for times; the source ends there. Read in a consumer group of its own that commits no
     * offsets, so the live job's position is never touched.
     *
     * @param start the first timestamp, or null for the earliest retained record
     * @param end the end (exclusive), or null for the end of each partition when the job starts
     * @param groupId a consumer group of this read alone
     */
    public static RecordSource range(
            SourceOptions options, Instant start, Instant end, String groupId) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(groupId, "groupId");
        return env -> {
            Properties consumer = consumerProperties(options);
            consumer.setProperty("commit.offsets.on.checkpoint", "false");
            consumer.setProperty("enable.auto.commit", "false");
            KafkaSource<DecodeResult> source =
                    builder(options, consumer)
                            .setGroupId(groupId)
                            .setStartingOffsets(
                                    start == null
                                            ? OffsetsInitializer.earliest()
                                            : OffsetsInitializer.timestamp(start.toEpochMilli()))
                            .setBounded(
                                    end == null
                                            ? OffsetsInitializer.latest()
                                            : OffsetsInitializer.timestamp(end.toEpochMilli()))
                            .build();
            String name = "d2c range " + options.topics();
            return env.fromSource(
                            explained(source, options, name),
                            WatermarkStrategy.noWatermarks(),
                            name)
                    .uid(RoutingJob.SOURCE_UID);
        };
    }

    /**
     * {@code source} as the job adds it: a login the cluster refuses fails naming the source
     * ({@code name} and the bootstrap servers) and the settings to check.
     */
    static <T> AuthenticationExplainingSource<T> explained(
            KafkaSource<T> source, SourceOptions options, String name) {
        return new AuthenticationExplainingSource<>(
                source,
                name + " at " + options.bootstrapServers(),
                options.eventHubsConnectionString() != null);
    }

    private static KafkaSourceBuilder<DecodeResult> builder(
            SourceOptions options, Properties consumer) {
        return KafkaSource.<DecodeResult>builder()
                .setProperties(consumer)
                .setTopics(options.topics())
                .setDeserializer(
                        new DecodingDeserializer(new IotHubRecordDecoder(options.inputFormat())));
    }

    private static Properties consumerProperties(SourceOptions options) {
        Properties consumer = new Properties();
        consumer.putAll(options.consumerProperties());
        return consumer;
    }

    private static OffsetsInitializer startingOffsets(SourceOptions options) {
        switch (options.startingOffsets()) {
            case EARLIEST:
                return OffsetsInitializer.earliest();
            case LATEST:
                return OffsetsInitializer.latest();
            default:
                return OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
        }
    }
}
