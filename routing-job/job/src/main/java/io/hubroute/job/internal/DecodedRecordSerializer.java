package io.hubroute.job.internal;

import io.hubroute.job.source.DecodedRecord;
import io.hubroute.message.Message;
import io.hubroute.sink.MessageSerializer;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * Serializes {@link DecodedRecord} in this field order (format version 1): device id, module id
 * (presence flag, string), topic, partition (int), offset (long), enqueued time (long), then the
 * message as {@link MessageSerializer} writes it. Records are immutable, so copies share them.
 */
public final class DecodedRecordSerializer extends TypeSerializerSingleton<DecodedRecord> {
    private static final long serialVersionUID = 1L;

    public static final DecodedRecordSerializer INSTANCE = new DecodedRecordSerializer();

    @Override
    public boolean isImmutableType() {
        return true;
    }

    @Override
    public DecodedRecord createInstance() {
        return null;
    }

    @Override
    public DecodedRecord copy(DecodedRecord from) {
        return from;
    }

    @Override
    public DecodedRecord copy(DecodedRecord from, DecodedRecord reuse) {
        return from;
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(DecodedRecord record, DataOutputView target) throws IOException {
        write(record, target);
    }

    @Override
    public DecodedRecord deserialize(DataInputView source) throws IOException {
        return read(source);
    }

    @Override
    public DecodedRecord deserialize(DecodedRecord reuse, DataInputView source) throws IOException {
        return read(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        write(read(source), target);
    }

    @Override
    public TypeSerializerSnapshot<DecodedRecord> snapshotConfiguration() {
        return new DecodedRecordSerializerSnapshot();
    }

    static void write(DecodedRecord record, DataOutputView target) throws IOException {
        StringValue.writeString(record.deviceId(), target);
        writeNullable(record.moduleId(), target);
        StringValue.writeString(record.topic(), target);
        target.writeInt(record.partition());
        target.writeLong(record.offset());
        target.writeLong(record.enqueuedTimeMillis());
        MessageSerializer.write(record.message(), target);
    }

    static DecodedRecord read(DataInputView source) throws IOException {
        String deviceId = StringValue.readString(source);
        String moduleId = readNullable(source);
        String topic = StringValue.readString(source);
        int partition = source.readInt();
        long offset = source.readLong();
        long enqueuedTimeMillis = source.readLong();
        Message message = MessageSerializer.read(source);
        return new DecodedRecord(
                message, deviceId, moduleId, topic, partition, offset, enqueuedTimeMillis);
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

    /** The snapshot of {@link DecodedRecordSerializer}; version 1 is the only format so far. */
    public static final class DecodedRecordSerializerSnapshot
            extends VersionedSerializerSnapshot<DecodedRecord> {
        static final int VERSION = 1;

        /** For Flink, which restores snapshots by reflection. */
        public DecodedRecordSerializerSnapshot() {
            super("DecodedRecord", VERSION);
        }

        @Override
        DecodedRecordSerializer currentSerializer() {
            return INSTANCE;
        }
    }
}
