package io.hubroute.job.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubroute.job.source.DecodeFailure;
import io.hubroute.job.source.DecodeResult;
import io.hubroute.job.source.DecodedRecord;
import io.hubroute.job.source.RawRecord;
import io.hubroute.message.Json;
import io.hubroute.message.Message;
import io.hubroute.message.RoutingSource;
import java.util.Base64;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class DecodeSplitterTest {
    private static DecodeFailure failure(long offset, byte[] value) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("iothub-message-source", new byte[] {(byte) 0xA1, 5, 'B', 'o', 'g', 'u', 's'});
        return new DecodeFailure("unknown iothub-message-source 'Bogus'", "d2c", 2, offset)
                .withRaw(RawRecord.of(99L, "dev-1".getBytes(), value, headers));
    }

    private static DecodedRecord decoded(long offset) {
        return new DecodedRecord(
                Message.builder(RoutingSource.DEVICE_MESSAGES).body("{}").build(),
                "dev-1",
                null,
                "d2c",
                0,
                offset,
                1L);
    }

    @Test
    void diagnosticsKeepTheRecordAsItWasRead() throws Exception {
        JsonNode line =
                Json.MAPPER.readTree(DecodeSplitter.toJson(failure(7, "{\"t\":1}".getBytes())));

        assertThat(line.path("reason").asText()).isEqualTo("unknown iothub-message-source 'Bogus'");
        assertThat(line.path("partition").asInt()).isEqualTo(2);
        assertThat(line.path("offset").asLong()).isEqualTo(7);
        JsonNode record = line.path("record");
        assertThat(record.path("timestamp").asLong()).isEqualTo(99);
        assertThat(Base64.getDecoder().decode(record.path("key").asText()))
                .isEqualTo("dev-1".getBytes());
        assertThat(Base64.getDecoder().decode(record.path("value").asText()))
                .isEqualTo("{\"t\":1}".getBytes());
        assertThat(record.path("headers").get(0).path("name").asText())
                .isEqualTo("iothub-message-source");
        assertThat(record.has("valueTruncatedFrom")).isFalse();
    }

    @Test
    void aHugeValueIsCutAndSaysItsSize() throws Exception {
        byte[] huge = new byte[RawRecord.MAX_VALUE_BYTES + 10];
        JsonNode record =
                Json.MAPPER.readTree(DecodeSplitter.toJson(failure(1, huge))).path("record");

        assertThat(Base64.getDecoder().decode(record.path("value").asText()))
                .hasSize(RawRecord.MAX_VALUE_BYTES);
        assertThat(record.path("valueTruncatedFrom").asInt()).isEqualTo(huge.length);
    }

    @Test
    void aWindowOfMostlyUndecodableRecordsIsMeasured() throws Exception {
        DecodeSplitter splitter = new DecodeSplitter(0.5);
        try (OneInputStreamOperatorTestHarness<DecodeResult, DecodedRecord> harness =
                ProcessFunctionTestHarnesses.forProcessFunction(splitter)) {
            for (int i = 0; i < DecodeSplitter.WINDOW; i++) {
                DecodeResult result = i % 10 == 0 ? decoded(i) : failure(i, new byte[] {1});
                harness.processElement(new StreamRecord<>(result));
            }

            assertThat(splitter.lastWindowRatio()).isEqualTo(0.9);
            assertThat(harness.extractOutputValues()).hasSize(DecodeSplitter.WINDOW / 10);
            assertThat(harness.getSideOutput(DecodeSplitter.DIAGNOSTICS))
                    .hasSize(DecodeSplitter.WINDOW * 9 / 10);
        }
    }
}
