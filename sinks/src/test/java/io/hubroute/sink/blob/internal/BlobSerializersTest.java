package io.hubroute.sink.blob.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class BlobSerializersTest {
    @Test
    void committableRoundTrip() throws Exception {
        BlobCommittableSerializer serializer = new BlobCommittableSerializer();
        BlobCommittable committable =
                new BlobCommittable(
                        "hub/0/2024/03/05/10/15_1_2", List.of("QUJD", "REVG"), 42, 9000);
        assertThat(
                        serializer.deserialize(
                                serializer.getVersion(), serializer.serialize(committable)))
                .isEqualTo(committable);
    }

    @Test
    void writerStateRoundTrip() throws Exception {
        BlobWriterStateSerializer serializer = new BlobWriterStateSerializer();
        BlobWriterState state =
                new BlobWriterState(
                        List.of(
                                new BlobWriterState.OpenBatch(
                                        "hub/1/2024/03/05/10/16",
                                        1,
                                        28_493_895L,
                                        List.of("QUJD"),
                                        true,
                                        new byte[] {1, 2, 3},
                                        10,
                                        2048,
                                        77L)),
                        List.of(
                                new BlobWriterState.SequenceCounter(
                                        "hub/1/2024/03/05/10/16", 3, 99L)));
        BlobWriterState copy =
                serializer.deserialize(serializer.getVersion(), serializer.serialize(state));
        BlobWriterState.OpenBatch batch = copy.openBatches().get(0);
        assertThat(batch.blobName()).isEqualTo("hub/1/2024/03/05/10/16");
        assertThat(batch.epochMinute()).isEqualTo(28_493_895L);
        assertThat(batch.blockIds()).containsExactly("QUJD");
        assertThat(batch.headerStaged()).isTrue();
        assertThat(batch.syncMarker()).containsExactly(1, 2, 3);
        assertThat(batch.records()).isEqualTo(10);
        assertThat(batch.bytes()).isEqualTo(2048);
        assertThat(batch.openedAtMillis()).isEqualTo(77L);
        assertThat(copy.sequences()).isEqualTo(state.sequences());
        assertThatThrownBy(() -> serializer.deserialize(2, new byte[0]))
                .hasMessageContaining("version 2 is not supported");
    }

    @Test
    void nameFormatResolvesTokensAndEscapesValues() {
        BlobNameFormat format =
                BlobNameFormat.parse("{iothub}/{partition}/{YYYY}/{MM}/{DD}/{HH}/{mm}.avro");
        // 2024-03-05T10:15Z
        assertThat(format.resolve("hub", 3, 28_493_895L)).isEqualTo("hub/3/2024/03/05/10/15.avro");
        assertThat(format.resolve("../a/b", 0, 28_493_895L))
                .isEqualTo("%2E%2E%2Fa%2Fb/0/2024/03/05/10/15.avro");
        assertThat(BlobNameFormat.blobName("x", 0, 0)).isEqualTo("x");
        assertThat(BlobNameFormat.blobName("x", 2, 1)).isEqualTo("x_2_1");
    }

    @Test
    void nameFormatErrorsSayWhatToFix() {
        assertThatThrownBy(() -> BlobNameFormat.parse("{iothub}/{partition}/{YYYY}/{MM}/{DD}/{HH}"))
                .hasMessage(
                        "fileNameFormat '{iothub}/{partition}/{YYYY}/{MM}/{DD}/{HH}' lacks {mm}: as on IoT Hub, every token must appear (in any order)");
        assertThatThrownBy(
                        () ->
                                BlobNameFormat.parse(
                                        "{iothub}/{device}/{partition}/{YYYY}/{MM}/{DD}/{HH}/{mm}"))
                .hasMessageContaining("unknown token '{device}' at column 10");
        assertThatThrownBy(
                        () ->
                                BlobNameFormat.parse(
                                        "../{iothub}/{partition}/{YYYY}/{MM}/{DD}/{HH}/{mm}"))
                .hasMessageContaining("has a '..' path segment");
    }
}
