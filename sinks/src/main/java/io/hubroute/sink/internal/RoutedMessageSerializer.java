package io.hubroute.sink.internal;

import io.hubroute.sink.RoutedMessage;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * Serializes {@link RoutedMessage} in this field order (format version 2): endpoint name, partition
 * (int), enqueued time (long), delivery id (presence byte, string), routing source (its IoT Hub
 * name), application properties, system properties, body (int length, bytes). Version 1 had no
 * delivery id. Properties are written as a count and then name, presence flag, value per entry,
 * keeping wire order, case duplicates and null values. Strings use Flink's {@link StringValue}
 * encoding (no 64 KiB limit).
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
        target.writeBoolean(record.deliveryId() != null);
        if (record.deliveryId() != null) {
            StringValue.writeString(record.deliveryId(), target);
        }
        MessageSerialization.write(record.message(), target);
    }

    @Override
    public RoutedMessage deserialize(DataInputView source) throws IOException {
        String endpointName = StringValue.readString(source);
        int partition = source.readInt();
        long enqueuedTimeMillis = source.readLong();
        String deliveryId = source.readBoolean() ? StringValue.readString(source) : null;
        return new RoutedMessage(
                endpointName,
                MessageSerialization.read(source),
                partition,
                enqueuedTimeMillis,
                deliveryId);
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
}
