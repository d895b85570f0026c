package io.hubroute.demo;

import io.hubroute.message.MessageProperties;
import io.hubroute.sink.RoutedMessage;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The demo's {@code events} endpoint: Flink's KafkaSink writing each delivery to a Kafka topic as
 * IoT Hub's built-in endpoint would present it (body as value, device id as key, properties as
 * AMQP-typed headers). Stands in until the Event Hubs sink is wired for the built-in endpoint.
 */
public final class EventsTopicSink {
    private EventsTopicSink() {}

    public static KafkaSink<RoutedMessage> create(String bootstrapServers, String topic) {
        return KafkaSink.<RoutedMessage>builder()
                .setBootstrapServers(bootstrapServers)
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .setRecordSerializer(new Serializer(topic))
                .build();
    }

    private static final class Serializer implements KafkaRecordSerializationSchema<RoutedMessage> {
        private static final long serialVersionUID = 1L;
        private final String topic;

        Serializer(String topic) {
            this.topic = topic;
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(
                RoutedMessage element, KafkaSinkContext context, Long timestamp) {
            RecordHeaders headers = new RecordHeaders();
            for (MessageProperties.Property property :
                    element.message().systemProperties().entries()) {
                if (property.value() != null) {
                    headers.add(property.name(), IotHubRecords.amqpString(property.value()));
                }
            }
            for (MessageProperties.Property property :
                    element.message().appProperties().entries()) {
                headers.add(
                        property.name(),
                        property.value() == null
                                ? new byte[] {0x40}
                                : IotHubRecords.amqpString(property.value()));
            }
            byte[] key =
                    element.message()
                            .deviceId()
                            .map(id -> id.getBytes(StandardCharsets.UTF_8))
                            .orElse(null);
            return new ProducerRecord<>(
                    topic,
                    null,
                    element.enqueuedTimeMillis(),
                    key,
                    element.message().body(),
                    headers);
        }
    }
}
