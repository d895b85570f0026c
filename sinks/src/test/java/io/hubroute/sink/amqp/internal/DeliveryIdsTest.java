package io.hubroute.sink.amqp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.hubroute.message.Message;
import io.hubroute.message.MessageProperties;
import io.hubroute.message.RoutingSource;
import io.hubroute.sink.RoutedMessage;
import org.junit.jupiter.api.Test;

class DeliveryIdsTest {
    private final DeliveryIds ids = new DeliveryIds();

    private static RoutedMessage delivery(
            String systemName, String systemValue, String body, int partition, long enqueued) {
        return new RoutedMessage(
                "e",
                Message.builder(RoutingSource.DEVICE_MESSAGES)
                        .systemProperties(
                                MessageProperties.of(
                                        "connectionDeviceId", "d-1", systemName, systemValue))
                        .body(body)
                        .build(),
                partition,
                enqueued);
    }

    @Test
    void theMessagesOwnIdWins() {
        assertThat(ids.idOf(delivery("message-id", "abc", "x", 0, 1))).isEqualTo("abc");
    }

    @Test
    void derivedIdIsStableAndDependsOnDevicePartitionTimeAndBody() {
        String id = ids.idOf(delivery("x-other", "v", "body", 1, 1000));

        assertThat(id).matches("hubroute-[0-9a-f]{32}");
        assertThat(new DeliveryIds().idOf(delivery("x-other", "v", "body", 1, 1000))).isEqualTo(id);
        assertThat(ids.idOf(delivery("x-other", "v", "body", 2, 1000))).isNotEqualTo(id);
        assertThat(ids.idOf(delivery("x-other", "v", "body", 1, 1001))).isNotEqualTo(id);
        assertThat(ids.idOf(delivery("x-other", "v", "bodY", 1, 1000))).isNotEqualTo(id);
        assertThat(ids.idOf(delivery("connectionDeviceId", "d-2", "body", 1, 1000)))
                .isNotEqualTo(id);
    }
}
