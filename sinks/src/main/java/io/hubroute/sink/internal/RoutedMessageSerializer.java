package io.hubroute.sink.internal;

import io.hubroute.message.Message;
import io.hubroute.message.MessageProperties;
import io.hubroute.message.RoutingSource;
import io.hubroute.sink.RoutedMessage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * Serializes {@link RoutedMessage} in this field order (format version 1): endpoint name,
 * partition (int), enqueued time (long), routing source (its IoT Hub name), application
 * properties, system properties, body (int length, bytes). Properties are written as a count and
 * then name, presence flag, value per entry, keeping wire order, case duplicates and null values.
 * Strings use Flink's {@link StringValue} encoding (no 64 KiB limit).
 */
public final class RoutedMessageSerializer extends TypeSerializerSingleton<RoutedMessage> {
    private static final long serialVersionUID = 1L;

    public static final RoutedMessageSerializer INSTANCE = new RoutedMessageSerializer();

    @Override
    public boolean isImmutableType() {
        // Message is immutable (its body must not be modified), so records can be shared.
        return true;
    }

    @Override
    public RoutedMessage createInstance() {
        return null;
    }

    @Override
    public RoutedMessage copy(RoutedMessage from) {
        return from;
    }

    @Override
    public RoutedMessage copy(RoutedMessage from, RoutedMessage reuse) {
        return from;
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(RoutedMessage record, DataOutputView target) throws IOException {
        StringValue.writeString(record.endpointName(), target);
        target.writeInt(record.partition());
        target.writeLong(record.enqueuedTimeMillis());
        Message message = record.message();
        StringValue.writeString(message.source().iotHubName(), target);
        writeProperties(message.appProperties(), target);
        writeProperties(message.systemProperties(), target);
        byte[] body = message.body();
        target.writeInt(body.length);
        target.write(body);
    }

    @Override
    public RoutedMessage deserialize(DataInputView source) throws IOException {
        String endpointName = StringValue.readString(source);
        int partition = source.readInt();
        long enqueuedTimeMillis = source.readLong();
        String sourceName = StringValue.readString(source);
        RoutingSource routingSource =
                RoutingSource.fromName(sourceName)
                        .orElseThrow(() -> new IOException("unknown routing source '" + sourceName + "' in serialized RoutedMessage"));
        MessageProperties appProperties = readProperties(source);
        MessageProperties systemProperties = readProperties(source);
        byte[] body = new byte[source.readInt()];
        source.readFully(body);
        Message message =
                Message.builder(routingSource)
                        .appProperties(appProperties)
                        .systemProperties(systemProperties)
                        .body(body)
                        .build();
        return new RoutedMessage(endpointName, message, partition, enqueuedTimeMillis);
    }

    @Override
    public RoutedMessage deserialize(RoutedMessage reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    @Override
    public TypeSerializerSnapshot<RoutedMessage> snapshotConfiguration() {
        return new RoutedMessageSerializerSnapshot();
    }

    private static void writeProperties(MessageProperties properties, DataOutputView target) throws IOException {
        List<MessageProperties.Property> entries = properties.entries();
        target.writeInt(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            MessageProperties.Property property = entries.get(i);
            StringValue.writeString(property.name(), target);
            String value = property.value();
            target.writeBoolean(value != null);
            if (value != null) {
                StringValue.writeString(value, target);
            }
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
            String value = source.readBoolean() ? StringValue.readString(source) : null;
            entries.add(new MessageProperties.Property(name, value));
        }
        return MessageProperties.of(entries);
    }
}
