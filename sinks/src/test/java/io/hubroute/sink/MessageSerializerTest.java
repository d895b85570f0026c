package io.hubroute.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hubroute.message.Message;
import io.hubroute.message.MessageProperties;
import io.hubroute.message.RoutingSource;
import java.io.IOException;
import java.util.List;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.types.StringValue;
import org.junit.jupiter.api.Test;

class MessageSerializerTest {
    private static final Message MESSAGE =
            Message.builder(RoutingSource.TWIN_CHANGE_EVENTS)
                    .appProperties(
                            MessageProperties.of(
                                    List.of(
                                            new MessageProperties.Property("level", "critical"),
                                            new MessageProperties.Property("Level", null))))
                    .systemProperties(MessageProperties.of("connectionDeviceId", "dev-1"))
                    .body(new byte[] {0, 1, (byte) 0xff})
                    .build();

    @Test
    void layoutIsSourceThenAppPropertiesThenSystemPropertiesThenBody() throws Exception {
        DataOutputSerializer expected = new DataOutputSerializer(64);
        StringValue.writeString(RoutingSource.TWIN_CHANGE_EVENTS.iotHubName(), expected);
        expected.writeInt(2);
        StringValue.writeString("level", expected);
        expected.writeBoolean(true);
        StringValue.writeString("critical", expected);
        StringValue.writeString("Level", expected);
        expected.writeBoolean(false);
        expected.writeInt(1);
        StringValue.writeString("connectionDeviceId", expected);
        expected.writeBoolean(true);
        StringValue.writeString("dev-1", expected);
        expected.writeInt(3);
        expected.write(new byte[] {0, 1, (byte) 0xff});

        DataOutputSerializer out = new DataOutputSerializer(64);
        MessageSerializer.write(MESSAGE, out);

        assertThat(out.getCopyOfBuffer()).isEqualTo(expected.getCopyOfBuffer());
    }

    @Test
    void roundTripKeepsWireOrderCaseDuplicatesAndNullValues() throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        MessageSerializer.write(MESSAGE, out);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());

        Message copy = MessageSerializer.read(in);

        assertThat(copy.source()).isEqualTo(RoutingSource.TWIN_CHANGE_EVENTS);
        assertThat(copy.appProperties()).isEqualTo(MESSAGE.appProperties());
        assertThat(copy.systemProperties()).isEqualTo(MESSAGE.systemProperties());
        assertThat(copy.body()).containsExactly(0, 1, 0xff);
        assertThat(in.available()).isZero();
    }

    @Test
    void unknownRoutingSourceIsRefused() throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(16);
        StringValue.writeString("NoSuchSource", out);

        assertThatThrownBy(
                        () ->
                                MessageSerializer.read(
                                        new DataInputDeserializer(out.getCopyOfBuffer())))
                .isInstanceOf(IOException.class)
                .hasMessage("unknown routing source 'NoSuchSource' in a serialized message");
    }
}
