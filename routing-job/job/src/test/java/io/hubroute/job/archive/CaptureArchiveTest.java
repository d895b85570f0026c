package io.hubroute.job.archive;

import static org.assertj.core.api.Assertions.assertThat;

import io.hubroute.config.InputFormat;
import io.hubroute.job.source.DecodeFailure;
import io.hubroute.job.source.DecodeResult;
import io.hubroute.job.source.DecodedRecord;
import io.hubroute.job.source.IotHubRecordDecoder;
import io.hubroute.message.RoutingSource;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.file.CodecFactory;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/**
 * A Capture of IoT Hub's built-in endpoint decodes as the live job decodes the same events from the
 * Event Hubs Kafka endpoint, where IoT Hub's annotations are AMQP-typed headers.
 */
class CaptureArchiveTest {
    private static final long IOT_HUB_ENQUEUED =
            Instant.parse("2024-03-05T10:15:00.350Z").toEpochMilli();
    private static final long EVENT_HUBS_ENQUEUED =
            Instant.parse("2024-03-05T10:15:01Z").toEpochMilli();
    private static final String CAPTURE_ENQUEUED_TIME_UTC = "3/5/2024 10:15:01 AM";

    private static byte[] str8(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(2 + utf8.length)
                .put((byte) 0xA1)
                .put((byte) utf8.length)
                .put(utf8)
                .array();
    }

    private static byte[] amqpTimestamp(long millis) {
        return ByteBuffer.allocate(9).put((byte) 0x83).putLong(millis).array();
    }

    private static byte[] amqpLong(long value) {
        return ByteBuffer.allocate(9).put((byte) 0x81).putLong(value).array();
    }

    private static byte[] amqpDouble(double value) {
        return ByteBuffer.allocate(9).put((byte) 0x82).putDouble(value).array();
    }

    private static byte[] vbin8(byte[] bytes) {
        return ByteBuffer.allocate(2 + bytes.length)
                .put((byte) 0xA0)
                .put((byte) bytes.length)
                .put(bytes)
                .array();
    }

    private static byte[] plain(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static final byte[] BINARY = {(byte) 0xFF, 0, 1};

    /** The event as Capture writes it. */
    private static Map<String, Object> captureSystemProperties(
            String device, String module, String source, Object enqueuedTime) {
        Map<String, Object> system = new LinkedHashMap<>();
        system.put("message-id", "m-1");
        system.put("content-type", "application/json");
        system.put("content-encoding", "utf-8");
        system.put("iothub-connection-device-id", device);
        if (module != null) {
            system.put("iothub-connection-module-id", module);
        }
        system.put("iothub-connection-auth-method", "{\"scope\":\"device\",\"type\":\"sas\"}");
        system.put("iothub-connection-auth-generation-id", "638000000000000000");
        system.put("iothub-enqueuedtime", enqueuedTime);
        system.put("iothub-message-source", source);
        system.put("x-opt-sequence-number", 17L);
        return system;
    }

    private static Map<String, Object> captureProperties() {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("level", "critical");
        properties.put("count", 4L);
        properties.put("ratio", 0.5d);
        properties.put("raw", ByteBuffer.wrap(BINARY));
        properties.put("nothing", null);
        return properties;
    }

    /** The same event as the Event Hubs Kafka endpoint presents it. */
    private static RecordHeaders kafkaHeaders(String device, String module, String source) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("message-id", plain("m-1"));
        headers.add("content-type", plain("application/json"));
        headers.add("content-encoding", plain("utf-8"));
        headers.add("iothub-connection-device-id", str8(device));
        if (module != null) {
            headers.add("iothub-connection-module-id", str8(module));
        }
        headers.add(
                "iothub-connection-auth-method", str8("{\"scope\":\"device\",\"type\":\"sas\"}"));
        headers.add("iothub-connection-auth-generation-id", str8("638000000000000000"));
        headers.add("iothub-enqueuedtime", amqpTimestamp(IOT_HUB_ENQUEUED));
        headers.add("iothub-message-source", str8(source));
        headers.add("x-opt-sequence-number", plain("17"));
        headers.add("level", str8("critical"));
        headers.add("count", amqpLong(4));
        headers.add("ratio", amqpDouble(0.5));
        headers.add("raw", vbin8(BINARY));
        headers.add("nothing", new byte[] {0x40});
        return headers;
    }

    private static void assertSameAsLive(DecodeResult replayed, DecodeResult live) {
        assertThat(live).isInstanceOf(DecodedRecord.class);
        assertThat(replayed).isInstanceOf(DecodedRecord.class);
        DecodedRecord expected = (DecodedRecord) live;
        DecodedRecord actual = (DecodedRecord) replayed;
        assertThat(actual.message().systemProperties().entries())
                .isEqualTo(expected.message().systemProperties().entries());
        assertThat(actual.message().appProperties().entries())
                .isEqualTo(expected.message().appProperties().entries());
        assertThat(actual.message().body()).isEqualTo(expected.message().body());
        assertThat(actual.message().source()).isEqualTo(expected.message().source());
        assertThat(actual.deviceId()).isEqualTo(expected.deviceId());
        assertThat(actual.moduleId()).isEqualTo(expected.moduleId());
        assertThat(actual.enqueuedTimeMillis()).isEqualTo(expected.enqueuedTimeMillis());
    }

    @Test
    void capturedEventsDecodeAsTheirKafkaRecords() throws Exception {
        byte[] body = plain("{\"temperature\":31.5}");
        // The enqueued time as epoch milliseconds, as .NET ticks and as text: all the same time.
        long ticks = IOT_HUB_ENQUEUED * 10_000L + 621355968000000000L;
        List<Object> enqueuedTimes =
                List.of(
                        IOT_HUB_ENQUEUED,
                        ticks,
                        "2024-03-05T10:15:00.35Z",
                        "3/5/2024 10:15:00.350 AM");
        List<org.apache.avro.generic.GenericRecord> events = new java.util.ArrayList<>();
        for (int i = 0; i < enqueuedTimes.size(); i++) {
            events.add(
                    ArchiveTestFiles.event(
                            i,
                            CAPTURE_ENQUEUED_TIME_UTC,
                            captureSystemProperties(
                                    "dev-1", null, "Telemetry", enqueuedTimes.get(i)),
                            captureProperties(),
                            body));
        }
        events.add(
                ArchiveTestFiles.event(
                        9,
                        CAPTURE_ENQUEUED_TIME_UTC,
                        captureSystemProperties(
                                "dev-2", "mod-b", "twinChangeEvents", IOT_HUB_ENQUEUED),
                        captureProperties(),
                        body));
        byte[] file =
                ArchiveTestFiles.avro(
                        ArchiveTestFiles.EVENT_DATA,
                        events,
                        CodecFactory.deflateCodec(6),
                        64 * 1024);

        List<DecodeResult> replayed =
                ArchiveTestFiles.read(
                        ArchiveFormat.CAPTURE,
                        ArchiveSelection.all(),
                        "ns/hub/0/2024/03/05/10/15/00.avro",
                        file);

        IotHubRecordDecoder live = new IotHubRecordDecoder(InputFormat.IOTHUB);
        assertThat(replayed).hasSize(5);
        for (int i = 0; i < 4; i++) {
            assertSameAsLive(
                    replayed.get(i),
                    live.decode(
                            "d2c",
                            0,
                            i,
                            EVENT_HUBS_ENQUEUED,
                            null,
                            body,
                            kafkaHeaders("dev-1", null, "Telemetry")));
            assertThat(((DecodedRecord) replayed.get(i)).offset()).isEqualTo(i);
            assertThat(((DecodedRecord) replayed.get(i)).topic())
                    .isEqualTo("archive/ns/hub/0/2024/03/05/10/15/00.avro");
        }
        DecodeResult twin = replayed.get(4);
        assertSameAsLive(
                twin,
                live.decode(
                        "d2c",
                        0,
                        4,
                        EVENT_HUBS_ENQUEUED,
                        null,
                        body,
                        kafkaHeaders("dev-2", "mod-b", "twinChangeEvents")));
        assertThat(((DecodedRecord) twin).message().source())
                .isEqualTo(RoutingSource.TWIN_CHANGE_EVENTS);
        assertThat(((DecodedRecord) twin).moduleId()).isEqualTo("mod-b");
    }

    @Test
    void withoutAnIotHubEnqueuedTimeTheCaptureTimeIsUsed() throws Exception {
        Map<String, Object> system = new LinkedHashMap<>();
        system.put("iothub-connection-device-id", "dev-1");
        byte[] file =
                ArchiveTestFiles.avro(
                        ArchiveTestFiles.EVENT_DATA,
                        List.of(
                                ArchiveTestFiles.event(
                                        0, CAPTURE_ENQUEUED_TIME_UTC, system, Map.of(), null)),
                        CodecFactory.nullCodec(),
                        64 * 1024);

        DecodedRecord record =
                (DecodedRecord)
                        ArchiveTestFiles.read(
                                        ArchiveFormat.CAPTURE, ArchiveSelection.all(), "c", file)
                                .get(0);

        assertThat(record.enqueuedTimeMillis()).isEqualTo(EVENT_HUBS_ENQUEUED);
        assertThat(record.message().systemProperty("enqueuedTime"))
                .contains("2024-03-05T10:15:01.0000000Z");
        assertThat(record.message().body()).isEmpty();
    }

    @Test
    void aCapturedEventWithoutDeviceIdFailsAsTheLiveRecordDoes() throws Exception {
        Map<String, Object> system = new LinkedHashMap<>();
        system.put("message-id", "m-1");
        byte[] file =
                ArchiveTestFiles.avro(
                        ArchiveTestFiles.EVENT_DATA,
                        List.of(
                                ArchiveTestFiles.event(
                                        0, CAPTURE_ENQUEUED_TIME_UTC, system, Map.of(), plain("x")),
                                ArchiveTestFiles.event(
                                        1,
                                        CAPTURE_ENQUEUED_TIME_UTC,
                                        captureSystemProperties(
                                                "dev-1", null, "Telemetry", IOT_HUB_ENQUEUED),
                                        Map.of(),
                                        plain("y"))),
                        CodecFactory.nullCodec(),
                        64 * 1024);

        List<DecodeResult> results =
                ArchiveTestFiles.read(ArchiveFormat.CAPTURE, ArchiveSelection.all(), "c", file);

        assertThat(results).hasSize(2);
        DecodeFailure failure = (DecodeFailure) results.get(0);
        assertThat(failure.reason()).startsWith("no device id:");
        assertThat(failure.offset()).isZero();
        assertThat(failure.raw()).isNotNull();
        assertThat(failure.raw().value()).isEqualTo(plain("x"));
        assertThat(results.get(1)).isInstanceOf(DecodedRecord.class);
    }
}
