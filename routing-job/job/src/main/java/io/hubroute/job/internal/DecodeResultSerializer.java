package io.hubroute.job.internal;

import io.hubroute.job.source.DecodeFailure;
import io.hubroute.job.source.DecodeResult;
import io.hubroute.job.source.DecodedRecord;
import io.hubroute.job.source.RawRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * Serializes what the source emits, a {@link DecodeResult}, in this order (format version 2): a tag
 * byte, then for {@link #DECODED} the fields of {@link DecodedRecordSerializer}, for {@link
 * #FAILED} the reason, topic, partition (int) and offset (long) of the {@link DecodeFailure}, then
 * a presence byte and its {@link RawRecord}: timestamp (long), key and value (int length, -1 for
 * none, bytes), the value's original size (int), the header count (int) and each header's name and
 * value. Version 1 had no raw record; results never live in state, so only the wire format changed.
 */
public final class DecodeResultSerializer extends TypeSerializerSingleton<DecodeResult> {
    private static final long serialVersionUID = 1L;
    static final byte DECODED = 0;
    static final byte FAILED = 1;

    public static final DecodeResultSerializer INSTANCE = new DecodeResultSerializer();

    @Override
    public boolean isImmutableType() {
        return true;
    }

    @Override
    public DecodeResult createInstance() {
        return null;
    }

    @Override
    public DecodeResult copy(DecodeResult from) {
        return from;
    }

    @Override
    public DecodeResult copy(DecodeResult from, DecodeResult reuse) {
        return from;
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(DecodeResult result, DataOutputView target) throws IOException {
        if (result instanceof DecodedRecord) {
            target.writeByte(DECODED);
            DecodedRecordSerializer.write((DecodedRecord) result, target);
        } else {
            DecodeFailure failure = (DecodeFailure) result;
            target.writeByte(FAILED);
            StringValue.writeString(failure.reason(), target);
            StringValue.writeString(failure.topic(), target);
            target.writeInt(failure.partition());
            target.writeLong(failure.offset());
            RawRecord raw = failure.raw();
            target.writeBoolean(raw != null);
            if (raw != null) {
                target.writeLong(raw.timestampMillis());
                writeBytes(raw.key(), target);
                writeBytes(raw.value(), target);
                target.writeInt(raw.valueBytes());
                target.writeInt(raw.headers().size());
                for (RawRecord.Header header : raw.headers()) {
                    StringValue.writeString(header.name(), target);
                    writeBytes(header.value(), target);
                }
            }
        }
    }

    @Override
    public DecodeResult deserialize(DataInputView source) throws IOException {
        byte tag = source.readByte();
        if (tag == DECODED) {
            return DecodedRecordSerializer.read(source);
        }
        if (tag == FAILED) {
            String reason = StringValue.readString(source);
            String topic = StringValue.readString(source);
            int partition = source.readInt();
            long offset = source.readLong();
            RawRecord raw = null;
            if (source.readBoolean()) {
                long timestamp = source.readLong();
                byte[] key = readBytes(source);
                byte[] value = readBytes(source);
                int valueBytes = source.readInt();
                int count = source.readInt();
                List<RawRecord.Header> headers = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    headers.add(
                            new RawRecord.Header(
                                    StringValue.readString(source), readBytes(source)));
                }
                raw = new RawRecord(timestamp, key, value, valueBytes, headers);
            }
            return new DecodeFailure(reason, topic, partition, offset, raw);
        }
        throw new IOException(
                "unknown decode result tag "
                        + tag
                        + " (expected "
                        + DECODED
                        + " or "
                        + FAILED
                        + ")");
    }

    private static void writeBytes(byte[] bytes, DataOutputView target) throws IOException {
        if (bytes == null) {
            target.writeInt(-1);
        } else {
            target.writeInt(bytes.length);
            target.write(bytes);
        }
    }

    private static byte[] readBytes(DataInputView source) throws IOException {
        int length = source.readInt();
        if (length < 0) {
            return null;
        }
        byte[] bytes = new byte[length];
        source.readFully(bytes);
        return bytes;
    }

    @Override
    public DecodeResult deserialize(DecodeResult reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    @Override
    public TypeSerializerSnapshot<DecodeResult> snapshotConfiguration() {
        return new DecodeResultSerializerSnapshot();
    }

    /** The snapshot of {@link DecodeResultSerializer}: version 2 (version 1 had no raw record). */
    public static final class DecodeResultSerializerSnapshot
            extends VersionedSerializerSnapshot<DecodeResult> {
        static final int VERSION = 2;

        /** For Flink, which restores snapshots by reflection. */
        public DecodeResultSerializerSnapshot() {
            super("DecodeResult", VERSION);
        }

        @Override
        DecodeResultSerializer currentSerializer() {
            return INSTANCE;
        }
    }
}
