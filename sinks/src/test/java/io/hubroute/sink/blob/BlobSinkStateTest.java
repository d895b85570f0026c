package io.hubroute.sink.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hubroute.sink.blob.internal.BlobCommittable;
import io.hubroute.sink.blob.internal.BlobCommittableSerializer;
import io.hubroute.sink.blob.internal.BlobWriterState;
import io.hubroute.sink.blob.internal.BlobWriterStateSerializer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class BlobSinkStateTest {
    @Test
    void readsTheOpenBatchesOfWriterState() throws IOException {
        BlobWriterState state =
                new BlobWriterState(
                        List.of(
                                new BlobWriterState.OpenBatch(
                                        "hub/00/2026/11/01/10/00-0",
                                        0,
                                        29_400_000L,
                                        List.of("YQ==", "Yg=="),
                                        true,
                                        new byte[16],
                                        12,
                                        3400,
                                        1_000L)),
                        List.of(new BlobWriterState.SequenceCounter("hub/00", 3, 2_000L)));
        BlobWriterStateSerializer serializer = new BlobWriterStateSerializer();

        assertThat(BlobSinkState.openBatches(1, serializer.serialize(state)))
                .contains(
                        List.of(new BlobSinkState.Batch("hub/00/2026/11/01/10/00-0", 2, 12, 3400)));
    }

    @Test
    void bytesOfAnotherSinkAreNotWriterState() throws IOException {
        DataOutputSerializer kafkaLike = new DataOutputSerializer(64);
        kafkaLike.writeUTF("hubroute-endpoint-hub-prefix");
        kafkaLike.writeLong(42);
        assertThat(BlobSinkState.openBatches(1, kafkaLike.getCopyOfBuffer())).isEmpty();
        assertThat(BlobSinkState.openBatches(1, new byte[] {(byte) 0x7f, 0, 0, 0})).isEmpty();
        assertThat(BlobSinkState.openBatches(1, "x".getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThat(
                        BlobSinkState.openBatches(
                                2,
                                new BlobWriterStateSerializer()
                                        .serialize(new BlobWriterState(List.of(), List.of()))))
                .isEmpty();
    }

    @Test
    void committableReaderReadsExactlyBlobCommittables() throws IOException {
        byte[] bytes =
                new BlobCommittableSerializer()
                        .serialize(new BlobCommittable("a/b.avro", List.of("YQ=="), 5, 700));
        assertThat(BlobSinkState.committableReader().deserialize(1, bytes))
                .isEqualTo(new BlobSinkState.Batch("a/b.avro", 1, 5, 700));

        byte[] longer = java.util.Arrays.copyOf(bytes, bytes.length + 3);
        assertThatThrownBy(() -> BlobSinkState.committableReader().deserialize(1, longer))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("not a blob committable");
        assertThatThrownBy(
                        () ->
                                BlobSinkState.committableReader()
                                        .serialize(new BlobSinkState.Batch("a", 1, 1, 1)))
                .isInstanceOf(UnsupportedOperationException.class);
    }
}
