package io.hubroute.job.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ArchiveFormatTest {
    @Test
    void wordsAreReadInAnyCase() {
        assertThat(ArchiveFormat.fromName("avro")).isEqualTo(ArchiveFormat.AVRO);
        assertThat(ArchiveFormat.fromName("AvroDeflate")).isEqualTo(ArchiveFormat.AVRO_DEFLATE);
        assertThat(ArchiveFormat.fromName(" JSON ")).isEqualTo(ArchiveFormat.JSON);
        assertThat(ArchiveFormat.fromName("Capture")).isEqualTo(ArchiveFormat.CAPTURE);
        for (ArchiveFormat format : ArchiveFormat.values()) {
            assertThat(ArchiveFormat.fromName(format.commandLineName())).isEqualTo(format);
        }
    }

    @Test
    void anUnknownWordListsTheValidOnes() {
        assertThatThrownBy(() -> ArchiveFormat.fromName("parquet"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "unknown archive format 'parquet': use one of avro, avrodeflate, json, capture");
        assertThatThrownBy(() -> ArchiveFormat.fromName(null))
                .hasMessage(
                        "unknown archive format 'null': use one of avro, avrodeflate, json, capture");
    }
}
