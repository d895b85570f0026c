package io.hubroute.job.archive;

import io.hubroute.job.source.DecodeFailure;
import io.hubroute.job.source.DecodeResult;
import io.hubroute.job.source.DecodedRecord;
import io.hubroute.job.source.RawRecord;
import io.hubroute.message.Message;
import io.hubroute.message.MessageProperties;
import io.hubroute.message.RoutingSource;
import io.hubroute.message.SystemPropertyNames;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * Makes messages of IoT Hub's Blob Storage endpoint records (Avro or JSON): system properties keep
 * their storage names ({@code connectionDeviceId}, {@code enqueuedTime}, ...), which routes find
 * under every alias; the routing source comes from a {@code messageSource} or {@code
 * iothub-message-source} system property (absent or {@code Telemetry}: device messages), which is
 * not kept as a property, as the live decoder does not keep it.
 */
final class StorageRecords {
    private StorageRecords() {}

    static DecodeResult decode(
            String topic,
            int partition,
            long offset,
            String enqueuedTimeUtc,
            List<MessageProperties.Property> systemProperties,
            List<MessageProperties.Property> appProperties,
            byte[] body) {
        List<MessageProperties.Property> system = new ArrayList<>(systemProperties.size());
        String sourceText = null;
        for (int i = 0; i < systemProperties.size(); i++) {
            MessageProperties.Property property = systemProperties.get(i);
            if (property.name().equalsIgnoreCase("messageSource")
                    || property.name().equalsIgnoreCase("iothub-message-source")) {
                sourceText = property.value();
            } else {
                system.add(property);
            }
        }
        RoutingSource source = RoutingSource.DEVICE_MESSAGES;
        if (sourceText != null && !sourceText.equalsIgnoreCase("Telemetry")) {
            source = RoutingSource.fromName(sourceText).orElse(null);
            if (source == null) {
                return failure(
                        "unknown messageSource '"
                                + sourceText
                                + "' (expected Telemetry, twinChangeEvents, deviceLifecycleEvents,"
                                + " deviceConnectionStateEvents or digitalTwinChangeEvents)",
                        topic,
                        partition,
                        offset,
                        enqueuedTimeUtc,
                        systemProperties,
                        appProperties,
                        body);
            }
        }
        Message message =
                Message.builder(source)
                        .systemProperties(MessageProperties.of(system))
                        .appProperties(MessageProperties.of(appProperties))
                        .body(body)
                        .build();
        String deviceId = message.deviceId().orElse("");
        if (deviceId.isEmpty()) {
            return failure(
                    "no device id: SystemProperties has no connectionDeviceId",
                    topic,
                    partition,
                    offset,
                    enqueuedTimeUtc,
                    systemProperties,
                    appProperties,
                    body);
        }
        String moduleId = message.moduleId().orElse("");
        long enqueued = ArchiveTimes.parseMillis(enqueuedTimeUtc);
        if (enqueued == ArchiveTimes.NONE) {
            enqueued =
                    ArchiveTimes.parseMillis(
                            message.systemProperty(SystemPropertyNames.ENQUEUED_TIME).orElse(null));
        }
        if (enqueued == ArchiveTimes.NONE) {
            return failure(
                    "no enqueued time: neither EnqueuedTimeUtc '"
                            + enqueuedTimeUtc
                            + "' nor SystemProperties.enqueuedTime is a time",
                    topic,
                    partition,
                    offset,
                    enqueuedTimeUtc,
                    systemProperties,
                    appProperties,
                    body);
        }
        return new DecodedRecord(
                message,
                deviceId,
                moduleId.isEmpty() ? null : moduleId,
                topic,
                partition,
                offset,
                Math.max(0, enqueued));
    }

    /**
     * A failure with the record as diagnostics show Kafka records: the body as the value, the
     * system then application properties as headers, the enqueued time as the timestamp.
     */
    private static DecodeFailure failure(
            String reason,
            String topic,
            int partition,
            long offset,
            String enqueuedTimeUtc,
            List<MessageProperties.Property> systemProperties,
            List<MessageProperties.Property> appProperties,
            byte[] body) {
        List<Header> headers = new ArrayList<>(systemProperties.size() + appProperties.size());
        addHeaders(systemProperties, headers);
        addHeaders(appProperties, headers);
        long timestamp = ArchiveTimes.parseMillis(enqueuedTimeUtc);
        return new DecodeFailure(reason, topic, partition, offset)
                .withRaw(
                        RawRecord.of(
                                timestamp == ArchiveTimes.NONE ? 0 : timestamp,
                                null,
                                body,
                                headers));
    }

    private static void addHeaders(List<MessageProperties.Property> properties, List<Header> into) {
        for (MessageProperties.Property property : properties) {
            into.add(
                    new RecordHeader(
                            property.name(),
                            property.value() == null
                                    ? null
                                    : property.value().getBytes(StandardCharsets.UTF_8)));
        }
    }
}
