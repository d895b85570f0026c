package io.hubroute.job.archive;

import io.hubroute.config.InputFormat;
import io.hubroute.job.source.DecodeResult;
import io.hubroute.job.source.IotHubRecordDecoder;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * Makes messages of Event Hubs Capture records ({@code Microsoft.ServiceBus.Messaging.EventData})
 * with the live job's own decoder: the system properties (IoT Hub's annotations such as {@code
 * iothub-connection-device-id}, and {@code message-id}, {@code content-type}, ...) and then the
 * properties become headers, the body the value and Capture's {@code EnqueuedTimeUtc} the record
 * timestamp, so a captured event is decoded as its Kafka record is.
 *
 * <p>Capture writes typed values (long, double, string, bytes); they become the text the live
 * decoder would show for the AMQP value: numbers in decimal, strings as they are, bytes as they are
 * (the decoder shows them as UTF-8 or base64). An enqueued time ({@code iothub-enqueuedtime},
 * {@code x-opt-enqueued-time}) in epoch milliseconds, .NET ticks or text is rendered as ISO-8601
 * with seven fraction digits, as the decoder renders an AMQP timestamp.
 */
final class CaptureRecords implements Serializable {
    private static final long serialVersionUID = 1L;

    private final IotHubRecordDecoder decoder = new IotHubRecordDecoder(InputFormat.IOTHUB);

    DecodeResult decode(
            String topic,
            int partition,
            long offset,
            String enqueuedTimeUtc,
            Map<?, ?> systemProperties,
            Map<?, ?> properties,
            byte[] body) {
        List<Header> headers =
                new ArrayList<>(
                        (systemProperties == null ? 0 : systemProperties.size())
                                + (properties == null ? 0 : properties.size()));
        addHeaders(systemProperties, headers);
        addHeaders(properties, headers);
        long timestamp = ArchiveTimes.parseMillis(enqueuedTimeUtc);
        return decoder.decode(
                topic,
                partition,
                offset,
                timestamp == ArchiveTimes.NONE ? 0 : timestamp,
                null,
                body,
                headers);
    }

    private static void addHeaders(Map<?, ?> values, List<Header> into) {
        if (values == null) {
            return;
        }
        for (Map.Entry<?, ?> entry : values.entrySet()) {
            String name = String.valueOf(entry.getKey());
            into.add(new RecordHeader(name, headerValue(name, entry.getValue())));
        }
    }

    static byte[] headerValue(String name, Object value) {
        if (value == null) {
            return null;
        }
        if (name.equalsIgnoreCase("iothub-enqueuedtime")
                || name.equalsIgnoreCase("x-opt-enqueued-time")) {
            long millis =
                    value instanceof Long || value instanceof Integer
                            ? ArchiveTimes.fromLong(((Number) value).longValue())
                            : value instanceof CharSequence
                                    ? ArchiveTimes.parseMillis(value.toString())
                                    : ArchiveTimes.NONE;
            if (millis != ArchiveTimes.NONE) {
                return ArchiveTimes.render(millis).getBytes(StandardCharsets.UTF_8);
            }
        }
        if (value instanceof ByteBuffer) {
            return AvroValues.bytes((ByteBuffer) value);
        }
        return value.toString().getBytes(StandardCharsets.UTF_8);
    }
}
