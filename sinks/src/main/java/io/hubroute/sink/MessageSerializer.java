package io.hubroute.sink;

import io.hubroute.message.Message;
import io.hubroute.sink.internal.MessageSerialization;
import java.io.IOException;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Writes and reads a {@link Message} in the binary form that every hubroute Flink serializer embeds
 * (the {@link RoutedMessageTypeInfo} serializer, the job's record serializers): routing source,
 * application properties (wire order, case duplicates and null values kept), system properties,
 * body. For serializers of records that carry a message. The form only changes together with a
 * version bump of every serializer snapshot that embeds it.
 *
 * <pre>{@code
 * public void serialize(MyRecord record, DataOutputView target) throws IOException {
 *     target.writeLong(record.offset());
 *     MessageSerializer.write(record.message(), target);
 * }
 * }</pre>
 */
public final class MessageSerializer {
    private MessageSerializer() {}

    public static void write(Message message, DataOutputView target) throws IOException {
        MessageSerialization.write(message, target);
    }

    /**
     * @throws IOException when the input is not a message in this form (such as an unknown routing
     *     source)
     */
    public static Message read(DataInputView source) throws IOException {
        return MessageSerialization.read(source);
    }
}
