package io.hubroute.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.hubroute.message.Message;
import io.hubroute.message.MessageProperties;
import io.hubroute.message.RoutingSource;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class RoutedMessageSerializerTest {
    private final TypeSerializer<RoutedMessage> serializer =
            RoutedMessageTypeInfo.of().createSerializer(new SerializerConfigImpl());

    @Test
    void roundTripKeepsEveryField() throws Exception {
        String longValue = "x".repeat(70_000);
        Message message =
                Message.builder(RoutingSource.TWIN_CHANGE_EVENTS)
                        .appProperties(
                                MessageProperties.of(
                                        List.of(
                                                new MessageProperties.Property("Level", "critical"),
                                                new MessageProperties.Property("level", null),
                                                new MessageProperties.Property("big", longValue),
                                                new MessageProperties.Property(
                                                        "unicode", "température ✓"))))
                        .systemProperties(
                                MessageProperties.of(
                                        "connectionDeviceId",
                                        "dev-1",
                                        "contentType",
                                        "application/json"))
                        .body(new byte[] {0, 1, 2, (byte) 0xff})
                        .build();
        RoutedMessage original =
                new RoutedMessage(
                        "storage1",
                        message,
                        3,
                        1_700_000_000_123L,
                        RoutedMessage.deliveryId("d2c", 3, 42, "storage1"));

        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(original, out);
        RoutedMessage copy =
                serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));

        assertThat(copy.endpointName()).isEqualTo("storage1");
        assertThat(copy.partition()).isEqualTo(3);
        assertThat(copy.enqueuedTimeMillis()).isEqualTo(1_700_000_000_123L);
        assertThat(copy.deliveryId()).isEqualTo("d2c/3/42/storage1");
        assertThat(copy.message().source()).isEqualTo(RoutingSource.TWIN_CHANGE_EVENTS);
        assertThat(copy.message().appProperties()).isEqualTo(message.appProperties());
        assertThat(copy.message().systemProperties()).isEqualTo(message.systemProperties());
        assertThat(copy.message().body()).containsExactly(0, 1, 2, 0xff);

        DataOutputSerializer copied = new DataOutputSerializer(64);
        serializer.copy(new DataInputDeserializer(out.getCopyOfBuffer()), copied);
        assertThat(copied.getCopyOfBuffer()).isEqualTo(out.getCopyOfBuffer());
    }

    @Test
    void aDeliveryWithoutIdStaysWithout() throws Exception {
        RoutedMessage original =
                new RoutedMessage(
                        "e", Message.builder(RoutingSource.DEVICE_MESSAGES).build(), 0, 1L);
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(original, out);

        assertThat(
                        serializer
                                .deserialize(new DataInputDeserializer(out.getCopyOfBuffer()))
                                .deliveryId())
                .isNull();
    }

    @Test
    void snapshotRoundTripIsCompatibleAsIs() throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, serializer.snapshotConfiguration());
        TypeSerializerSnapshot<RoutedMessage> restored =
                TypeSerializerSnapshot.readVersionedSnapshot(
                        new DataInputDeserializer(out.getCopyOfBuffer()),
                        getClass().getClassLoader());
        assertThat(restored.restoreSerializer()).isEqualTo(serializer);
        TypeSerializerSchemaCompatibility<RoutedMessage> compatibility =
                serializer.snapshotConfiguration().resolveSchemaCompatibility(restored);
        assertThat(compatibility.isCompatibleAsIs()).isTrue();
    }
}
