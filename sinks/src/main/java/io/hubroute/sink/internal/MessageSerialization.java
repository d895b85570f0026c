package io.hubroute.sink.internal;

import io.hubroute.message.Message;
import io.hubroute.message.MessageProperties;
import io.hubroute.message.RoutingSource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * The binary form of a {@link Message} that every hubroute Flink serializer uses (outside the sinks
 * through {@link io.hubroute.sink.MessageSerializer}), in this field order: routing source (its IoT
 * Hub name), application properties, system properties, body (int length, bytes). Properties are a
 * count, then name, presence flag and value per entry, keeping wire order, case duplicates and null
 * values. Strings use Flink's {@link StringValue} encoding (no 64 KiB limit). Changing this layout
 * changes every serializer's format: bump their snapshot versions.
 */
public final class MessageSerialization {
    private MessageSerialization() {}

    public static void write(Message message, DataOutputView target) throws IOException {
        StringValue.writeString(message.source().iotHubName(), target);
        writeProperties(message.appProperties(), target);
        writeProperties(message.systemProperties(), target);
        byte[] body = message.body();
        target.writeInt(body.length);
        target.write(body);
    }

    public static Message read(DataInputView source) throws IOException {
        String sourceName = StringValue.readString(source);
        RoutingSource routingSource = RoutingSource.fromName(sourceName).orElse(null);
        if (routingSource == null) {
            throw new IOException(
                    "unknown routing source '" + sourceName + "' in a serialized message");
        }
        MessageProperties appProperties = readProperties(source);
        MessageProperties systemProperties = readProperties(source);
        byte[] body = new byte[source.readInt()];
        source.readFully(body);
        return Message.builder(routingSource)
                .appProperties(appProperties)
                .systemProperties(systemProperties)
                .body(body)
                .build();
    }

    /** A string that may be null: presence flag, then the string. */
    private static void writeNullable(String value, DataOutputView target) throws IOException {
        target.writeBoolean(value != null);
        if (value != null) {
            StringValue.writeString(value, target);
        }
    }

    private static String readNullable(DataInputView source) throws IOException {
        return source.readBoolean() ? StringValue.readString(source) : null;
    }

    private static void writeProperties(MessageProperties properties, DataOutputView target)
            throws IOException {
        List<MessageProperties.Property> entries = properties.entries();
        target.writeInt(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            MessageProperties.Property property = entries.get(i);
            StringValue.writeString(property.name(), target);
            writeNullable(property.value(), target);
        }
    }

    private static MessageProperties readProperties(DataInputView source) throws IOException {
        int count = source.readInt();
        if (count == 0) {
            return MessageProperties.empty();
        }
        List<MessageProperties.Property> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String name = StringValue.readString(source);
            entries.add(new MessageProperties.Property(name, readNullable(source)));
        }
        return MessageProperties.of(entries);
    }
}
