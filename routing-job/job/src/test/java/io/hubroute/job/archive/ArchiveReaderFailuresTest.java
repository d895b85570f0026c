package io.hubroute.job.archive;

import static io.hubroute.job.archive.ArchiveTestFiles.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.hubroute.job.source.DecodeFailure;
import io.hubroute.job.source.DecodeResult;
import io.hubroute.job.source.DecodedRecord;
import io.hubroute.sink.blob.BlobEncoding;
import io.hubroute.sink.blob.internal.IotHubMessageSchema;
import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

/** Bad input never stops a replay: what is readable is read, the rest is one failure each. */
class ArchiveReaderFailuresTest {
    private static final long T0 = Instant.parse("2024-03-05T10:15:00Z").toEpochMilli();

    private static List<DecodedRecord> decoded(List<DecodeResult> results) {
        List<DecodedRecord> decoded = new ArrayList<>();
        for (DecodeResult result : results) {
            if (result instanceof DecodedRecord) {
                decoded.add((DecodedRecord) result);
            }
        }
        return decoded;
    }

    private static List<DecodeFailure> failures(List<DecodeResult> results) {
        List<DecodeFailure> failures = new ArrayList<>();
        for (DecodeResult result : results) {
            if (result instanceof DecodeFailure) {
                failures.add((DecodeFailure) result);
            }
        }
        return failures;
    }

    /** An endpoint Avro file with one record per block, so a cut loses only the blocks after it. */
    private static byte[] manyBlocks(int count, CodecFactory codec) throws Exception {
        List<GenericRecord> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            GenericRecord record = new GenericData.Record(IotHubMessageSchema.MESSAGE);
            record.put("EnqueuedTimeUtc", Instant.ofEpochMilli(T0 + i).toString());
            record.put("Properties", Map.of("seq", Integer.toString(i)));
            record.put("SystemProperties", Map.of("connectionDeviceId", "dev-1"));
            record.put(
                    "Body",
                    java.nio.ByteBuffer.wrap(
                            utf8("{\"seq\":" + i + ",\"pad\":\"" + "x".repeat(200) + "\"}")));
            records.add(record);
        }
        return ArchiveTestFiles.avro(IotHubMessageSchema.MESSAGE, records, codec, 32);
    }

    @Test
    void aTruncatedAvroFileKeepsTheRecordsBeforeTheCut() throws Exception {
        byte[] whole = manyBlocks(40, CodecFactory.nullCodec());
        byte[] truncated = Arrays.copyOf(whole, whole.length * 6 / 10);

        List<DecodeResult> results =
                ArchiveTestFiles.read(
                        ArchiveFormat.AVRO, ArchiveSelection.all(), "hub/0/cut", truncated);

        List<DecodedRecord> kept = decoded(results);
        List<DecodeFailure> failures = failures(results);
        assertThat(kept).hasSizeBetween(20, 24);
        for (int i = 0; i < kept.size(); i++) {
            assertThat(kept.get(i).offset()).isEqualTo(i);
            assertThat(kept.get(i).message().appProperties().get("seq"))
                    .isEqualTo(Integer.toString(i));
        }
        assertThat(failures).hasSize(1);
        DecodeFailure failure = failures.get(0);
        assertThat(failure.offset()).isEqualTo(kept.size());
        assertThat(failure.topic()).isEqualTo("archive/hub/0/cut");
        assertThat(failure.reason())
                .isEqualTo(
                        "corrupt Avro at record "
                                + kept.size()
                                + ": the blob ends inside a block (truncated); the "
                                + kept.size()
                                + " records before it were read, the rest of the blob is not"
                                + " (blob archive/hub/0/cut)");
        assertThat(results.get(results.size() - 1)).isSameAs(failure);
    }

    @Test
    void aCorruptDeflateBlockKeepsTheRecordsBeforeIt() throws Exception {
        byte[] file = manyBlocks(10, CodecFactory.deflateCodec(6));
        // Overwrite the middle of the file: a block there no longer inflates (or syncs).
        int middle = file.length / 2;
        for (int i = middle; i < middle + 16; i++) {
            file[i] = (byte) 0x5A;
        }

        ArchiveReader.BlobResult result;
        List<DecodeResult> results = new ArrayList<>();
        result =
                ArchiveReader.of(ArchiveFormat.AVRO_DEFLATE, ArchiveSelection.all())
                        .read("archive/b", 0, new ByteArrayInputStream(file), results::add);

        List<DecodedRecord> kept = decoded(results);
        assertThat(kept).hasSizeBetween(3, 6);
        assertThat(failures(results)).hasSize(1);
        assertThat(failures(results).get(0).offset()).isEqualTo(kept.size());
        assertThat(failures(results).get(0).reason())
                .startsWith("corrupt Avro at record " + kept.size());
        assertThat(result.unreadable()).isTrue();
        assertThat(result.records()).isEqualTo(kept.size() + 1L);
    }

    @Test
    void aJsonFileReadAsAvroIsOneFailureNamingTheBlob() throws Exception {
        byte[] json = ArchiveTestFiles.endpointFile(BlobEncoding.JSON, T0, 5);

        List<DecodeResult> results =
                ArchiveTestFiles.read(
                        ArchiveFormat.AVRO, ArchiveSelection.all(), "hub/0/x.json", json);

        assertThat(results).hasSize(1);
        DecodeFailure failure = (DecodeFailure) results.get(0);
        assertThat(failure.reason())
                .isEqualTo("not Avro: Not an Avro data file. (blob archive/hub/0/x.json)");
        assertThat(failure.offset()).isZero();
    }

    @Test
    void anEmptyFileReadAsAvroIsOneFailure() {
        List<DecodeResult> results =
                ArchiveTestFiles.read(
                        ArchiveFormat.AVRO, ArchiveSelection.all(), "empty", new byte[0]);

        assertThat(results).hasSize(1);
        assertThat(((DecodeFailure) results.get(0)).reason())
                .isEqualTo("not Avro: Not an Avro data file. (blob archive/empty)");
    }

    @Test
    void anAvroFileReadAsJsonIsOneFailureNamingTheBlob() throws Exception {
        byte[] avro = ArchiveTestFiles.endpointFile(BlobEncoding.AVRO, T0, 50);

        List<DecodeResult> results =
                ArchiveTestFiles.read(ArchiveFormat.JSON, ArchiveSelection.all(), "hub/0/y", avro);

        assertThat(results).hasSize(1);
        assertThat(((DecodeFailure) results.get(0)).reason())
                .startsWith("not JSON lines: line 1 is not JSON: ")
                .endsWith("; nothing more of the blob is read (blob archive/hub/0/y)");
    }

    @Test
    void aCaptureFileReadAsEndpointAvroSaysWhichFormatItIs() throws Exception {
        byte[] capture =
                ArchiveTestFiles.avro(
                        ArchiveTestFiles.EVENT_DATA,
                        List.of(
                                ArchiveTestFiles.event(
                                        0,
                                        "3/5/2024 10:15:01 AM",
                                        Map.of("iothub-connection-device-id", "d"),
                                        Map.of(),
                                        null)),
                        CodecFactory.nullCodec(),
                        64 * 1024);
        byte[] endpoint = ArchiveTestFiles.endpointFile(BlobEncoding.AVRO, T0, 2);

        List<DecodeResult> asAvro =
                ArchiveTestFiles.read(ArchiveFormat.AVRO, ArchiveSelection.all(), "c", capture);
        List<DecodeResult> asCapture =
                ArchiveTestFiles.read(ArchiveFormat.CAPTURE, ArchiveSelection.all(), "e", endpoint);

        assertThat(asAvro).hasSize(1);
        assertThat(((DecodeFailure) asAvro.get(0)).reason())
                .isEqualTo(
                        "not IoT Hub storage endpoint Avro: the schema is"
                                + " Microsoft.ServiceBus.Messaging.EventData, an Event Hubs Capture"
                                + " file (read it with the capture format) (blob archive/c)");
        assertThat(asCapture).hasSize(1);
        assertThat(((DecodeFailure) asCapture.get(0)).reason())
                .startsWith(
                        "not Event Hubs Capture Avro: the schema is Microsoft.Azure.Devices.Message");
    }

    @Test
    void aBadJsonLineIsOneFailureAndTheOtherLinesAreRead() throws Exception {
        String good =
                new String(
                        ArchiveTestFiles.endpointFile(BlobEncoding.JSON, T0, 3),
                        java.nio.charset.StandardCharsets.UTF_8);
        String[] lines = good.split("\n");
        String file =
                lines[0]
                        + "\n"
                        + lines[1]
                        + "\n{\"EnqueuedTimeUtc\": \"2024-\n\n"
                        + lines[2]
                        + "\n"
                        + "[1,2]\n"
                        + "{\"EnqueuedTimeUtc\":\"2024-03-05T10:15:00Z\",\"Properties\":{},\"SystemProperties\":{}}\n";

        List<DecodeResult> results =
                ArchiveTestFiles.read(
                        ArchiveFormat.JSON, ArchiveSelection.all(), "hub/0/j", utf8(file));

        assertThat(results).hasSize(6);
        assertThat(decoded(results)).extracting(DecodedRecord::offset).containsExactly(0L, 1L, 3L);
        List<DecodeFailure> failures = failures(results);
        assertThat(failures).hasSize(3);
        assertThat(failures.get(0).reason()).startsWith("line 3 is not JSON: ");
        assertThat(failures.get(0).offset()).isEqualTo(2);
        assertThat(failures.get(0).raw().value()).isEqualTo(utf8("{\"EnqueuedTimeUtc\": \"2024-"));
        assertThat(failures.get(1).reason())
                .isEqualTo("line 6 is not an IoT Hub message: not a JSON object");
        assertThat(failures.get(2).reason())
                .isEqualTo("no device id: SystemProperties has no connectionDeviceId");
        assertThat(failures.get(2).offset()).isEqualTo(5);
    }

    @Test
    void anAvroRecordWithoutDeviceIdFailsAndReadingGoesOn() throws Exception {
        GenericRecord anonymous = new GenericData.Record(IotHubMessageSchema.MESSAGE);
        anonymous.put("EnqueuedTimeUtc", "2024-03-05T10:15:00.0000000Z");
        anonymous.put("Properties", Map.of("a", "1"));
        anonymous.put("SystemProperties", Map.of("messageId", "m-0"));
        anonymous.put("Body", java.nio.ByteBuffer.wrap(utf8("body")));
        GenericRecord named = new GenericData.Record(IotHubMessageSchema.MESSAGE);
        named.put("EnqueuedTimeUtc", "2024-03-05T10:15:00.0000000Z");
        named.put("Properties", Map.of());
        named.put("SystemProperties", Map.of("connectionDeviceId", "dev-1"));
        named.put("Body", null);
        byte[] file =
                ArchiveTestFiles.avro(
                        IotHubMessageSchema.MESSAGE,
                        List.of(anonymous, named),
                        CodecFactory.nullCodec(),
                        64 * 1024);

        List<DecodeResult> results =
                ArchiveTestFiles.read(ArchiveFormat.AVRO, ArchiveSelection.all(), "a", file);

        assertThat(results).hasSize(2);
        DecodeFailure failure = (DecodeFailure) results.get(0);
        assertThat(failure.reason())
                .isEqualTo("no device id: SystemProperties has no connectionDeviceId");
        assertThat(failure.raw().value()).isEqualTo(utf8("body"));
        assertThat(failure.raw().timestampMillis()).isEqualTo(T0);
        assertThat(((DecodedRecord) results.get(1)).message().body()).isEmpty();
    }

    @Test
    void recordsOutsideTheRangeAreSkipped() throws Exception {
        // 10 messages, one a second from T0; the range takes seconds 3..6
        ArchiveSelection selection =
                ArchiveSelection.of(
                        null, Instant.ofEpochMilli(T0 + 3000), Instant.ofEpochMilli(T0 + 7000));
        for (BlobEncoding encoding : BlobEncoding.values()) {
            byte[] file = ArchiveTestFiles.endpointFile(encoding, T0, 10);
            List<DecodeResult> results = new ArrayList<>();
            ArchiveReader.BlobResult result =
                    ArchiveReader.of(ArchiveFormat.fromName(encoding.iotHubName()), selection)
                            .read("archive/r", 0, new ByteArrayInputStream(file), results::add);

            assertThat(decoded(results))
                    .as(encoding.name())
                    .extracting(DecodedRecord::offset)
                    .containsExactly(3L, 4L, 5L, 6L);
            assertThat(result.records()).isEqualTo(4);
            assertThat(result.skipped()).isEqualTo(6);
            assertThat(result.unreadable()).isFalse();
        }
    }
}
