package io.hubroute.sink.eventhubs.internal;

import io.hubroute.message.Message;
import io.hubroute.message.MessageProperties;
import io.hubroute.message.SystemPropertyNames;
import io.hubroute.sink.RoutedMessage;
import io.hubroute.sink.SinkMetrics;
import io.hubroute.sink.internal.EndpointMetrics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * A delivery as the Kafka record IoT Hub's Event Hubs endpoints carry: key the device id (so one
 * device's messages stay in order on one partition), value the body bytes, timestamp the enqueued
 * time, and UTF-8 headers: the application properties in wire order, then the system properties
 * under their Event Hubs names ({@code iothub-connection-device-id}, {@code content-type}, {@code
 * message-id}, ...). As Flink's KafkaSink's serializer (EXACTLY_ONCE) it counts {@code
 * d2c.endpoints.egress.<kind>} and {@code d2c.endpoints.latency.<kind>} when the record is handed
 * to the Kafka producer; hubroute's own writer calls {@link #toRecord} and counts acknowledgments.
 */
public final class RoutedMessageRecordSerializer
        implements KafkaRecordSerializationSchema<RoutedMessage> {
    private static final long serialVersionUID = 1L;

    /** System properties as headers: queryable name, then Event Hubs name. */
    static final String[][] SYSTEM_HEADERS = {
        {SystemPropertyNames.CONNECTION_DEVICE_ID, "iothub-connection-device-id"},
        {SystemPropertyNames.CONNECTION_MODULE_ID, "iothub-connection-module-id"},
        {
            SystemPropertyNames.CONNECTION_DEVICE_GENERATION_ID,
            "iothub-connection-auth-generation-id"
        },
        {SystemPropertyNames.CONNECTION_AUTH_METHOD, "iothub-connection-auth-method"},
        {SystemPropertyNames.CREATION_TIME_UTC, "iothub-creation-time-utc"},
        {SystemPropertyNames.DT_DATASCHEMA, "dt-dataschema"},
        {SystemPropertyNames.DT_SUBJECT, "dt-subject"},
        {SystemPropertyNames.CONTENT_TYPE, "content-type"},
        {SystemPropertyNames.CONTENT_ENCODING, "content-encoding"},
        {SystemPropertyNames.MESSAGE_ID, "message-id"},
        {SystemPropertyNames.CORRELATION_ID, "correlation-id"},
        {SystemPropertyNames.USER_ID, "user-id"},
    };

    static final String ENQUEUED_TIME_HEADER = "iothub-enqueuedtime";

    private final String topic;
    private final String endpointName;
    private final SinkMetrics.EndpointKind kind;
    private transient EndpointMetrics metrics;

    public RoutedMessageRecordSerializer(
            String topic, String endpointName, SinkMetrics.EndpointKind kind) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.endpointName = Objects.requireNonNull(endpointName, "endpointName");
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    @Override
    public void open(
            SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
        metrics = EndpointMetrics.register(context.getMetricGroup(), endpointName, kind);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            RoutedMessage delivery, KafkaSinkContext context, Long timestamp) {
        if (metrics != null) {
            metrics.recordAccepted(delivery.enqueuedTimeMillis(), System.currentTimeMillis());
        }
        return toRecord(delivery);
    }

    /** The delivery as a record of this serializer's topic; counts nothing. */
    public ProducerRecord<byte[], byte[]> toRecord(RoutedMessage delivery) {
        MessageHeaders message = MessageHeaders.of(delivery);
        List<Header> headers = new ArrayList<>(message.headers.length + 1);
        Collections.addAll(headers, message.headers);
        if (delivery.deliveryId() != null) {
            headers.add(
                    new RecordHeader(
                            RoutedMessage.DELIVERY_ID_PROPERTY, utf8(delivery.deliveryId())));
        }
        Long recordTimestamp =
                delivery.enqueuedTimeMillis() > 0 ? delivery.enqueuedTimeMillis() : null;
        return new ProducerRecord<>(
                topic, null, recordTimestamp, message.key, delivery.message().body(), headers);
    }

    /**
     * The headers and key of one message, the same for each of its deliveries (a delivery adds only
     * its id): made once per message, not per endpoint. The endpoints' writers of a subtask run on
     * one thread, one delivery after another, so each thread keeps the last message's.
     */
    private static final class MessageHeaders {
        private static final ThreadLocal<MessageHeaders> LAST = new ThreadLocal<>();

        final Message message;
        final long enqueuedTimeMillis;
        final Header[] headers;
        final byte[] key;

        private MessageHeaders(Message message, long enqueuedTimeMillis) {
            this.message = message;
            this.enqueuedTimeMillis = enqueuedTimeMillis;
            List<Header> list =
                    new ArrayList<>(
                            message.appProperties().entries().size() + SYSTEM_HEADERS.length + 1);
            for (MessageProperties.Property property : message.appProperties().entries()) {
                list.add(new RecordHeader(property.name(), utf8(property.value())));
            }
            for (String[] names : SYSTEM_HEADERS) {
                String value = message.systemProperty(names[0]).orElse(null);
                if (value != null) {
                    list.add(new RecordHeader(names[1], utf8(value)));
                }
            }
            String enqueuedTime =
                    message.systemProperty(SystemPropertyNames.ENQUEUED_TIME).orElse(null);
            if (enqueuedTime == null && enqueuedTimeMillis > 0) {
                enqueuedTime = Instant.ofEpochMilli(enqueuedTimeMillis).toString();
            }
            if (enqueuedTime != null) {
                list.add(new RecordHeader(ENQUEUED_TIME_HEADER, utf8(enqueuedTime)));
            }
            this.headers = list.toArray(new Header[0]);
            this.key = utf8(message.deviceId().orElse(null));
        }

        static MessageHeaders of(RoutedMessage delivery) {
            MessageHeaders last = LAST.get();
            if (last != null
                    && last.message == delivery.message()
                    && last.enqueuedTimeMillis == delivery.enqueuedTimeMillis()) {
                return last;
            }
            MessageHeaders made =
                    new MessageHeaders(delivery.message(), delivery.enqueuedTimeMillis());
            LAST.set(made);
            return made;
        }
    }

    private static byte[] utf8(String value) {
        return value == null ? null : value.getBytes(StandardCharsets.UTF_8);
    }
}
