package io.hubroute.sink;

import io.hubroute.sink.internal.RoutedMessageSerializer;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/**
 * Flink type information for {@link RoutedMessage}: a hand-written, versioned serializer, so
 * deliveries never go through Kryo.
 *
 * <pre>{@code
 * DataStream<RoutedMessage> deliveries = messages.flatMap(router, RoutedMessageTypeInfo.of());
 * }</pre>
 */
public final class RoutedMessageTypeInfo extends TypeInformation<RoutedMessage> {
    private static final long serialVersionUID = 1L;
    private static final RoutedMessageTypeInfo INSTANCE = new RoutedMessageTypeInfo();

    private RoutedMessageTypeInfo() {}

    public static RoutedMessageTypeInfo of() {
        return INSTANCE;
    }

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<RoutedMessage> getTypeClass() {
        return RoutedMessage.class;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<RoutedMessage> createSerializer(SerializerConfig config) {
        return RoutedMessageSerializer.INSTANCE;
    }

    @Override
    public String toString() {
        return "RoutedMessageTypeInfo";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RoutedMessageTypeInfo;
    }

    @Override
    public int hashCode() {
        return RoutedMessageTypeInfo.class.hashCode();
    }

    @Override
    public boolean canEqual(Object other) {
        return other instanceof RoutedMessageTypeInfo;
    }
}
