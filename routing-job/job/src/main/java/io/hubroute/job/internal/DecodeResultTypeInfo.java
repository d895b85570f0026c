package io.hubroute.job.internal;

import io.hubroute.job.source.DecodeResult;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** Flink type information for {@link DecodeResult}, what the source emits for each Kafka record. */
public final class DecodeResultTypeInfo extends SingletonTypeInfo<DecodeResult> {
    private static final long serialVersionUID = 1L;
    private static final DecodeResultTypeInfo INSTANCE = new DecodeResultTypeInfo();

    private DecodeResultTypeInfo() {
        super(DecodeResult.class);
    }

    public static DecodeResultTypeInfo of() {
        return INSTANCE;
    }

    @Override
    TypeSerializer<DecodeResult> serializer() {
        return DecodeResultSerializer.INSTANCE;
    }
}
