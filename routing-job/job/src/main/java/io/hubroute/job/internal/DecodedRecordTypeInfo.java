package io.hubroute.job.internal;

import io.hubroute.job.source.DecodedRecord;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** Flink type information for {@link DecodedRecord}, what the decode operator hands to routing. */
public final class DecodedRecordTypeInfo extends SingletonTypeInfo<DecodedRecord> {
    private static final long serialVersionUID = 1L;
    private static final DecodedRecordTypeInfo INSTANCE = new DecodedRecordTypeInfo();

    private DecodedRecordTypeInfo() {
        super(DecodedRecord.class);
    }

    public static DecodedRecordTypeInfo of() {
        return INSTANCE;
    }

    @Override
    TypeSerializer<DecodedRecord> serializer() {
        return DecodedRecordSerializer.INSTANCE;
    }
}
