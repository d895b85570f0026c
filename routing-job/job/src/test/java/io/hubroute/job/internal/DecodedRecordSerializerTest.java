package io.hubroute.job.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hubroute.job.source.DecodeFailure;
import io.hubroute.job.source.DecodeResult;
import io.hubroute.job.source.DecodedRecord;
import io.hubroute.message.Message;
import io.hubroute.message.MessageProperties;
import io.hubroute.message.RoutingSource;
import io.hubroute.sink.RoutedMessageTypeInfo;
import java.io.IOException;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.types.StringValue;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

class DecodedRecordSerializerTest {
    private static final SerializerConfigImpl NO_GENERIC_TYPES = noGenericTypes();

    private final TypeSerializer<DecodedRecord> serializer =
            DecodedRecordTypeInfo.of().createSerializer(NO_GENERIC_TYPES);
    private final TypeSerializer<DecodeResult> resultSerializer =
            DecodeResultTypeInfo.of().createSerializer(NO_GENERIC_TYPES);

    private static SerializerConfigImpl noGenericTypes() {
        SerializerConfigImpl config = new SerializerConfigImpl();
        config.setGenericTypes(false);
        return config;
    }

    private static Message message() {
        return Message.builder(RoutingSource.TWIN_CHANGE_EVENTS)
                .appProperties(
                        MessageProperties.of(
                                List.of(
                                        new MessageProperties.Property("Level", "critical"),
                                        new MessageProperties.Property("level", null),
                                        new MessageProperties.Property("big", "x".repeat(70_000)),
                                        new MessageProperties.Property(
                                                "unicode", "température ✓"))))
                .systemProperties(
                        MessageProperties.of(
                                "connectionDeviceId", "dev-1", "contentType", "application/json"))
                .body(new byte[] {0, 1, 2, (byte) 0xff})
                .build();
    }

    private static DecodedRecord record(String moduleId) {
        return new DecodedRecord(
                message(), "dev-1", moduleId, "d2c", 3, 1_234_567_890_123L, 1_700_000_000_123L);
    }

    private static <T> byte[] bytes(TypeSerializer<T> serializer, T value) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(value, out);
        return out.getCopyOfBuffer();
    }

    private static void assertSameRecord(DecodedRecord copy, DecodedRecord original) {
        assertThat(copy.deviceId()).isEqualTo(original.deviceId());
        assertThat(copy.moduleId()).isEqualTo(original.moduleId());
        assertThat(copy.topic()).isEqualTo(original.topic());
        assertThat(copy.partition()).isEqualTo(original.partition());
        assertThat(copy.offset()).isEqualTo(original.offset());
        assertThat(copy.enqueuedTimeMillis()).isEqualTo(original.enqueuedTimeMillis());
        assertThat(copy.message().source()).isEqualTo(original.message().source());
        assertThat(copy.message().appProperties()).isEqualTo(original.message().appProperties());
        assertThat(copy.message().systemProperties())
                .isEqualTo(original.message().systemProperties());
        assertThat(copy.message().body()).isEqualTo(original.message().body());
    }

    @Test
    void roundTripKeepsEveryFieldWithAndWithoutModule() throws Exception {
        for (DecodedRecord original : List.of(record(null), record("mod-7"), record(""))) {
            byte[] written = bytes(serializer, original);
            DecodedRecord copy = serializer.deserialize(new DataInputDeserializer(written));
            assertSameRecord(copy, original);

            DataOutputSerializer copied = new DataOutputSerializer(64);
            serializer.copy(new DataInputDeserializer(written), copied);
            assertThat(copied.getCopyOfBuffer()).isEqualTo(written);
        }
    }

    @Test
    void writesTheDocumentedFieldOrder() throws Exception {
        Message message =
                Message.builder(RoutingSource.DEVICE_MESSAGES)
                        .appProperties(
                                MessageProperties.of(
                                        List.of(new MessageProperties.Property("a", null))))
                        .systemProperties(MessageProperties.of("connectionDeviceId", "d"))
                        .body(new byte[] {42})
                        .build();
        DecodedRecord record = new DecodedRecord(message, "d", "m", "t", 2, 9L, 7L);

        DataOutputSerializer expected = new DataOutputSerializer(64);
        StringValue.writeString("d", expected);
        expected.writeBoolean(true);
        StringValue.writeString("m", expected);
        StringValue.writeString("t", expected);
        expected.writeInt(2);
        expected.writeLong(9L);
        expected.writeLong(7L);
        StringValue.writeString(RoutingSource.DEVICE_MESSAGES.iotHubName(), expected);
        expected.writeInt(1);
        StringValue.writeString("a", expected);
        expected.writeBoolean(false);
        expected.writeInt(1);
        StringValue.writeString("connectionDeviceId", expected);
        expected.writeBoolean(true);
        StringValue.writeString("d", expected);
        expected.writeInt(1);
        expected.writeByte(42);

        assertThat(bytes(serializer, record)).isEqualTo(expected.getCopyOfBuffer());
        byte[] asResult = bytes(resultSerializer, record);
        assertThat(asResult[0]).isEqualTo(DecodeResultSerializer.DECODED);
        assertThat(java.util.Arrays.copyOfRange(asResult, 1, asResult.length))
                .isEqualTo(expected.getCopyOfBuffer());
    }

    @Test
    void decodeResultRoundTripKeepsRecordsAndFailures() throws Exception {
        DecodedRecord record = record("mod-1");
        DecodeResult copy =
                resultSerializer.deserialize(
                        new DataInputDeserializer(bytes(resultSerializer, record)));
        assertThat(copy).isInstanceOf(DecodedRecord.class);
        assertSameRecord((DecodedRecord) copy, record);

        DecodeFailure failure =
                new DecodeFailure(
                        "header 'level': AMQP str8 of 9 bytes declares 12 \"✓\"", "d2c", -1, 42L);
        byte[] written = bytes(resultSerializer, failure);
        assertThat(written[0]).isEqualTo(DecodeResultSerializer.FAILED);
        assertThat(resultSerializer.deserialize(new DataInputDeserializer(written)))
                .isEqualTo(failure);

        DataOutputSerializer copied = new DataOutputSerializer(64);
        resultSerializer.copy(new DataInputDeserializer(written), copied);
        assertThat(copied.getCopyOfBuffer()).isEqualTo(written);

        // with the record as it was read: key, value, headers (null values too)
        org.apache.kafka.common.header.internals.RecordHeaders headers =
                new org.apache.kafka.common.header.internals.RecordHeaders();
        headers.add("level", new byte[] {(byte) 0xA1, 9, 'a'});
        headers.add("empty", null);
        DecodeFailure withRaw =
                failure.withRaw(
                        io.hubroute.job.source.RawRecord.of(
                                1234L, null, new byte[] {1, 2, 3}, headers));
        DecodeFailure readBack =
                (DecodeFailure)
                        resultSerializer.deserialize(
                                new DataInputDeserializer(bytes(resultSerializer, withRaw)));
        assertThat(readBack).usingRecursiveComparison().isEqualTo(withRaw);
    }

    @Test
    void unknownTagIsAnErrorNamingIt() {
        assertThatThrownBy(
                        () ->
                                resultSerializer.deserialize(
                                        new DataInputDeserializer(new byte[] {7})))
                .isInstanceOf(IOException.class)
                .hasMessage("unknown decode result tag 7 (expected 0 or 1)");
    }

    @Test
    void unknownRoutingSourceIsAnErrorNamingIt() throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        StringValue.writeString("dev", out);
        out.writeBoolean(false);
        StringValue.writeString("t", out);
        out.writeInt(0);
        out.writeLong(0);
        out.writeLong(0);
        StringValue.writeString("NoSuchSource", out);
        assertThatThrownBy(
                        () ->
                                serializer.deserialize(
                                        new DataInputDeserializer(out.getCopyOfBuffer())))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("unknown routing source 'NoSuchSource'");
    }

    @Test
    void snapshotsRoundTripCompatibleAsIs() throws Exception {
        assertSnapshotRoundTrip(serializer, 1);
        // version 2: failures carry the record as it was read
        assertSnapshotRoundTrip(resultSerializer, 2);
    }

    private <T> void assertSnapshotRoundTrip(TypeSerializer<T> serializer, int version)
            throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, serializer.snapshotConfiguration());
        TypeSerializerSnapshot<T> restored =
                TypeSerializerSnapshot.readVersionedSnapshot(
                        new DataInputDeserializer(out.getCopyOfBuffer()),
                        getClass().getClassLoader());
        assertThat(restored).isExactlyInstanceOf(serializer.snapshotConfiguration().getClass());
        assertThat(restored.getCurrentVersion()).isEqualTo(version);
        assertThat(restored.restoreSerializer()).isSameAs(serializer);
        TypeSerializerSchemaCompatibility<T> compatibility =
                serializer.snapshotConfiguration().resolveSchemaCompatibility(restored);
        assertThat(compatibility.isCompatibleAsIs()).isTrue();
    }

    @Test
    void snapshotOfAnotherSerializerIsIncompatible() {
        @SuppressWarnings({"unchecked", "rawtypes"})
        TypeSerializerSnapshot<DecodedRecord> other =
                (TypeSerializerSnapshot)
                        RoutedMessageTypeInfo.of()
                                .createSerializer(NO_GENERIC_TYPES)
                                .snapshotConfiguration();
        assertThat(
                        serializer
                                .snapshotConfiguration()
                                .resolveSchemaCompatibility(other)
                                .isIncompatible())
                .isTrue();
        @SuppressWarnings({"unchecked", "rawtypes"})
        TypeSerializerSnapshot<DecodedRecord> result =
                (TypeSerializerSnapshot) resultSerializer.snapshotConfiguration();
        assertThat(
                        serializer
                                .snapshotConfiguration()
                                .resolveSchemaCompatibility(result)
                                .isIncompatible())
                .isTrue();
    }

    @Test
    void snapshotOfAnUnknownVersionIsRefusedWithAFix() {
        TypeSerializerSnapshot<DecodedRecord> snapshot =
                new DecodedRecordSerializer.DecodedRecordSerializerSnapshot();
        assertThatThrownBy(
                        () ->
                                snapshot.readSnapshot(
                                        2,
                                        new DataInputDeserializer(new byte[0]),
                                        getClass().getClassLoader()))
                .isInstanceOf(IOException.class)
                .hasMessage(
                        "DecodedRecord serializer snapshot version 2 is not supported (this build reads 1):"
                                + " restore with the hubroute version that wrote it, or a newer one");
    }

    @Test
    void typeInformationSurvivesJavaSerializationAndIsNotGeneric() throws Exception {
        DecodedRecordTypeInfo copy = InstantiationUtil.clone(DecodedRecordTypeInfo.of());
        assertThat(copy)
                .isEqualTo(DecodedRecordTypeInfo.of())
                .isNotEqualTo(DecodeResultTypeInfo.of());
        assertThat(copy.hashCode()).isEqualTo(DecodedRecordTypeInfo.of().hashCode());
        assertThat(copy.createSerializer(NO_GENERIC_TYPES))
                .isSameAs(DecodedRecordSerializer.INSTANCE);
        assertThat(DecodeResultTypeInfo.of().getTypeClass()).isEqualTo(DecodeResult.class);
        assertThat(InstantiationUtil.clone(serializer)).isEqualTo(serializer);
    }
}
