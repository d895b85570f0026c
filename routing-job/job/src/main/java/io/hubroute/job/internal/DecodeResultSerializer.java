package io.hubroute.job.internal;

import io.hubroute.job.source.DecodeFailure;
import io.hubroute.job.source.DecodeResult;
import io.hubroute.job.source.DecodedRecord;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * Serializes what the source emits, a {@link DecodeResult}, in this order (format version 1): a tag
 * byte, then for {@link #DECODED} the fields of {@link DecodedRecordSerializer}, for {@link
 * #FAILED} the reason, topic, partition (int) and offset (long) of the {@link DecodeFailure}.
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
            return new DecodeFailure(reason, topic, partition, offset);
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

    /** The snapshot of {@link DecodeResultSerializer}; version 1 is the only format so far. */
    public static final class DecodeResultSerializerSnapshot
            extends VersionedSerializerSnapshot<DecodeResult> {
        static final int VERSION = 1;

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
