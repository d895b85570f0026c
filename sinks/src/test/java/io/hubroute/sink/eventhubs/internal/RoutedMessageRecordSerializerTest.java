package io.hubroute.sink.eventhubs.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.hubroute.message.Message;
import io.hubroute.message.MessageProperties;
import io.hubroute.message.RoutingSource;
import io.hubroute.sink.RoutedMessage;
import io.hubroute.sink.SinkMetrics;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

class RoutedMessageRecordSerializerTest {
    private final RoutedMessageRecordSerializer serializer =
            new RoutedMessageRecordSerializer("hub", "e", SinkMetrics.EndpointKind.EVENT_HUBS);

    @Test
    void noDeviceIdMeansNoKeyAndANullPropertyAValuelessHeader() {
        RoutedMessage delivery =
                new RoutedMessage(
                        "e",
                        Message.builder(RoutingSource.DEVICE_MESSAGES)
                                .appProperties(MessageProperties.of("empty", null))
                                .body("x")
                                .build(),
                        0,
                        0);

        ProducerRecord<byte[], byte[]> record = serializer.serialize(delivery, null, null);

        assertThat(record.topic()).isEqualTo("hub");
        assertThat(record.key()).isNull();
        assertThat(record.timestamp()).isNull();
        assertThat(record.partition()).isNull();
        Header[] headers = record.headers().toArray();
        assertThat(headers).hasSize(1);
        assertThat(headers[0].key()).isEqualTo("empty");
        assertThat(headers[0].value()).isNull();
    }

    @Test
    void enqueuedTimeFallsBackToTheDeliverysEpochMillisAndSystemAliasesAreRenamed() {
        RoutedMessage delivery =
                new RoutedMessage(
                        "e",
                        Message.builder(RoutingSource.DEVICE_MESSAGES)
                                .systemProperties(
                                        MessageProperties.of(
                                                "iothub-content-type", "text/plain", "cid", "c-9"))
                                .build(),
                        2,
                        1714558530999L,
                        "d2c/2/17/e");

        ProducerRecord<byte[], byte[]> record = serializer.serialize(delivery, null, null);

        assertThat(text(record, "hubroute-delivery-id")).isEqualTo("d2c/2/17/e");
        assertThat(text(record, "content-type")).isEqualTo("text/plain");
        assertThat(text(record, "correlation-id")).isEqualTo("c-9");
        assertThat(text(record, "iothub-enqueuedtime")).isEqualTo("2024-05-01T10:15:30.999Z");
        assertThat(record.timestamp()).isEqualTo(1714558530999L);
    }

    private static String text(ProducerRecord<byte[], byte[]> record, String header) {
        return new String(record.headers().lastHeader(header).value(), StandardCharsets.UTF_8);
    }
}
