package io.hubroute.job.source;

import static io.hubroute.job.source.AmqpTypedValueTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.hubroute.config.InputFormat;
import io.hubroute.message.Message;
import io.hubroute.message.MessageProperties;
import io.hubroute.message.RoutingSource;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class IotHubRecordDecoderTest {
    private static final long RECORD_TIMESTAMP = 1_700_000_000_000L;
    private final IotHubRecordDecoder decoder = new IotHubRecordDecoder(InputFormat.IOTHUB);
    private final IotHubRecordDecoder envelopeDecoder =
            new IotHubRecordDecoder(InputFormat.JSON_ENVELOPE);

    static byte[] str8(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(2 + utf8.length)
                .put((byte) 0xA1)
                .put((byte) utf8.length)
                .put(utf8)
                .array();
    }

    static byte[] timestamp(long millis) {
        return ByteBuffer.allocate(9).put((byte) 0x83).putLong(millis).array();
    }

    static byte[] plain(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private DecodedRecord decoded(DecodeResult result) {
        assertThat(result).isInstanceOf(DecodedRecord.class);
        return (DecodedRecord) result;
    }

    private DecodeResult decode(byte[] key, byte[] value, RecordHeaders headers) {
        return decoder.decode("d2c", 3, 42L, RECORD_TIMESTAMP, key, value, headers);
    }

    @Test
    void decodesTelemetryAsIotHubPresentsIt() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("message-id", plain("msg-1"));
        headers.add("content-type", plain("application/json"));
        headers.add("content-encoding", plain("utf-8"));
        headers.add("iothub-connection-device-id", str8("dev-1"));
        headers.add("iothub-connection-auth-method", str8("{\"scope\":\"device\"}"));
        headers.add("iothub-enqueuedtime", timestamp(1_494_272_061_011L));
        headers.add("iothub-message-source", str8("Telemetry"));
        headers.add("x-opt-sequence-number", plain("17"));
        headers.add("level", str8("critical"));
        headers.add("severity", bytes(0x71, 0, 0, 0, 4));
        headers.add("verbose", bytes(0x41));
        headers.add("nothing", bytes(0x40));

        DecodedRecord record = decoded(decode(plain("ignored-key"), plain("{\"t\":1}"), headers));

        assertThat(record.deviceId()).isEqualTo("dev-1");
        assertThat(record.moduleId()).isNull();
        assertThat(record.twinKey()).isEqualTo("dev-1");
        assertThat(record.partition()).isEqualTo(3);
        assertThat(record.offset()).isEqualTo(42L);
        assertThat(record.topic()).isEqualTo("d2c");
        assertThat(record.enqueuedTimeMillis()).isEqualTo(1_494_272_061_011L);
        Message message = record.message();
        assertThat(message.source()).isEqualTo(RoutingSource.DEVICE_MESSAGES);
        assertThat(new String(message.body(), StandardCharsets.UTF_8)).isEqualTo("{\"t\":1}");
        assertThat(message.appProperties().entries())
                .containsExactly(
                        new MessageProperties.Property("level", "critical"),
                        new MessageProperties.Property("severity", "4"),
                        new MessageProperties.Property("verbose", "true"),
                        new MessageProperties.Property("nothing", null));
        assertThat(message.messageId()).contains("msg-1");
        assertThat(message.systemProperty("contentType")).contains("application/json");
        assertThat(message.systemProperty("contentEncoding")).contains("utf-8");
        assertThat(message.systemProperty("enqueuedTime")).contains("2017-05-08T19:34:21.0110000Z");
        assertThat(message.systemProperty("connectionAuthMethod"))
                .contains("{\"scope\":\"device\"}");
        assertThat(message.systemProperties().contains("x-opt-sequence-number")).isFalse();
        assertThat(message.systemProperties().contains("iothub-message-source")).isFalse();
    }

    @Test
    void moduleMessagesKeyByDeviceAndModule() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("iothub-connection-device-id", str8("gateway"));
        headers.add("iothub-connection-module-id", str8("filter"));
        DecodedRecord record = decoded(decode(null, plain("x"), headers));
        assertThat(record.moduleId()).isEqualTo("filter");
        assertThat(record.twinKey()).isEqualTo("gateway/filter");
        assertThat(record.message().moduleId()).contains("filter");
    }

    @Test
    void deviceIdFallsBackToTheRecordKeyAndEnqueuedTimeToTheRecordTimestamp() {
        DecodedRecord record = decoded(decode(plain("dev-from-key"), null, new RecordHeaders()));
        assertThat(record.deviceId()).isEqualTo("dev-from-key");
        assertThat(record.message().deviceId()).contains("dev-from-key");
        assertThat(record.enqueuedTimeMillis()).isEqualTo(RECORD_TIMESTAMP);
        assertThat(record.message().enqueuedTime())
                .hasValueSatisfying(t -> assertThat(t.toEpochMilli()).isEqualTo(RECORD_TIMESTAMP));
        assertThat(record.message().body()).isEmpty();
    }

    @Test
    void enqueuedTimeFallsBackToTheEventHubsAnnotation() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("x-opt-enqueued-time", plain("1600000000123"));
        assertThat(decoded(decode(plain("d"), null, headers)).enqueuedTimeMillis())
                .isEqualTo(1_600_000_000_123L);

        RecordHeaders iso = new RecordHeaders();
        iso.add("x-opt-enqueued-time", plain("2020-09-13T12:26:40.123Z"));
        assertThat(decoded(decode(plain("d"), null, iso)).enqueuedTimeMillis())
                .isEqualTo(1_600_000_000_123L);
    }

    static Stream<Arguments> sources() {
        return Stream.of(
                Arguments.of("Telemetry", RoutingSource.DEVICE_MESSAGES),
                Arguments.of("twinChangeEvents", RoutingSource.TWIN_CHANGE_EVENTS),
                Arguments.of("deviceLifecycleEvents", RoutingSource.DEVICE_LIFECYCLE_EVENTS),
                Arguments.of(
                        "deviceConnectionStateEvents",
                        RoutingSource.DEVICE_CONNECTION_STATE_EVENTS),
                Arguments.of("digitalTwinChangeEvents", RoutingSource.DIGITAL_TWIN_CHANGE_EVENTS));
    }

    @ParameterizedTest
    @MethodSource("sources")
    void routingSourceComesFromTheMessageSourceAnnotation(
            String annotation, RoutingSource expected) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("iothub-message-source", str8(annotation));
        headers.add("iothub-connection-device-id", str8("dev-1"));
        assertThat(decoded(decode(null, plain("{}"), headers)).message().source())
                .isEqualTo(expected);
    }

    static Stream<Arguments> malformedRecords() {
        return Stream.of(
                Arguments.of(
                        plain("d"),
                        headers("iothub-message-source", str8("jobs")),
                        "unknown iothub-message-source 'jobs' (expected Telemetry, twinChangeEvents, deviceLifecycleEvents, deviceConnectionStateEvents or digitalTwinChangeEvents)"),
                Arguments.of(
                        null,
                        new RecordHeaders(),
                        "no device id: neither an iothub-connection-device-id header nor a UTF-8 record key"),
                Arguments.of(
                        bytes(0xFF, 0xFE),
                        new RecordHeaders(),
                        "no device id: neither an iothub-connection-device-id header nor a UTF-8 record key"));
    }

    @ParameterizedTest
    @MethodSource("malformedRecords")
    void malformedRecordsAreFailuresWithTheirPosition(
            byte[] key, RecordHeaders headers, String reason) {
        DecodeResult result = decode(key, plain("{}"), headers);
        assertThat(result)
                .usingRecursiveComparison()
                .ignoringFields("raw")
                .isEqualTo(new DecodeFailure(reason, "d2c", 3, 42L));
        DecodeFailure failure = (DecodeFailure) result;
        assertThat(failure.describe()).isEqualTo("d2c-3@42: " + reason);
        // the record as it was read travels with the failure, for diagnostics
        assertThat(failure.raw().value()).isEqualTo(plain("{}"));
        assertThat(failure.raw().key()).isEqualTo(key);
        assertThat(failure.raw().timestampMillis()).isEqualTo(RECORD_TIMESTAMP);
        assertThat(failure.raw().headers()).hasSize(headers.toArray().length);
    }

    /**
     * A header that is not what its kind says costs that one value, never the message: the header
     * is kept as its text (or base64), the observer is told, and the message is routed.
     */
    static Stream<Arguments> lenientHeaders() {
        return Stream.of(
                Arguments.of(
                        "level",
                        plain("critical"),
                        "critical",
                        "unsupported AMQP constructor 0x63 (8 bytes): kept as its UTF-8 text"),
                Arguments.of(
                        "level",
                        bytes(0xA1, 9, 'a'),
                        "oQlh",
                        "AMQP str8 declares 9 bytes but has 1: kept as base64"),
                Arguments.of("message-id", bytes(0xC3, 0x28), "wyg=", "not UTF-8: kept as base64"),
                Arguments.of(
                        "price",
                        bytes(0x84, 0x31, 0xC0, 0, 0, 0, 0, 0, 0x7B),
                        // an AMQP decimal64: not decoded, kept as base64 of its bytes
                        java.util.Base64.getEncoder()
                                .encodeToString(bytes(0x84, 0x31, 0xC0, 0, 0, 0, 0, 0, 0x7B)),
                        null),
                Arguments.of(
                        "iothub-enqueuedtime",
                        str8("yesterday"),
                        "yesterday",
                        "not a time: the Event Hubs enqueued time is used instead"),
                Arguments.of("level", null, null, null));
    }

    @ParameterizedTest
    @MethodSource("lenientHeaders")
    void anUnusualHeaderIsKeptAsTextAndTheMessageRouted(
            String name, byte[] value, String expected, String fallback) {
        java.util.List<String> observed = new java.util.ArrayList<>();
        DecodeResult result =
                decoder.decode(
                        "d2c",
                        3,
                        42L,
                        RECORD_TIMESTAMP,
                        null,
                        plain("{}"),
                        headers(name, value),
                        (header, how) -> observed.add(header + ": " + how));

        DecodedRecord record = decoded(result);
        Message message = record.message();
        MessageProperties properties =
                name.startsWith("iothub-") || name.equals("message-id")
                        ? message.systemProperties()
                        : message.appProperties();
        assertThat(properties.toMap()).containsEntry(name, expected);
        if (fallback == null && !name.equals("price")) {
            assertThat(observed).isEmpty();
        } else if (fallback != null) {
            assertThat(observed).containsExactly(name + ": " + fallback);
        } else {
            assertThat(observed)
                    .singleElement()
                    .asString()
                    .startsWith("price: ")
                    .endsWith("kept as base64");
        }
        if (name.equals("iothub-enqueuedtime")) {
            assertThat(record.enqueuedTimeMillis()).isEqualTo(RECORD_TIMESTAMP);
        }
    }

    @Test
    void aRecordAKafkaProducerWroteHasPlainHeaders() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("iothub-connection-device-id", plain("dev-9"));
        headers.add("level", plain("A"));
        headers.add("flag", plain("@"));
        headers.add("count", plain("42"));
        java.util.List<String> observed = new java.util.ArrayList<>();

        DecodedRecord record =
                decoded(
                        decoder.decode(
                                "d2c",
                                3,
                                42L,
                                RECORD_TIMESTAMP,
                                null,
                                plain("{}"),
                                headers,
                                (header, how) -> observed.add(header)));

        assertThat(record.deviceId()).isEqualTo("dev-9");
        assertThat(record.message().appProperties().entries())
                .containsExactly(
                        new MessageProperties.Property("level", "A"),
                        new MessageProperties.Property("flag", "@"),
                        new MessageProperties.Property("count", "42"));
        assertThat(observed).isEmpty();
    }

    @Test
    void anEventHubsTimeThatIsNotATimeFallsBackToTheRecordTimestamp() {
        java.util.List<String> observed = new java.util.ArrayList<>();
        DecodedRecord record =
                decoded(
                        decoder.decode(
                                "d2c",
                                3,
                                42L,
                                RECORD_TIMESTAMP,
                                null,
                                plain("{}"),
                                headers("x-opt-enqueued-time", plain("soon")),
                                (header, how) -> observed.add(header + ": " + how)));

        assertThat(record.enqueuedTimeMillis()).isEqualTo(RECORD_TIMESTAMP);
        assertThat(observed)
                .containsExactly(
                        "x-opt-enqueued-time: not a time: the record's timestamp is used instead");
    }

    private static RecordHeaders headers(String name, byte[] value) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("iothub-connection-device-id", str8("dev-1"));
        headers.add(name, value);
        return headers;
    }

    @Test
    void decodesJsonEnvelopes() {
        String json =
                "{\"source\": \"TwinChangeEvents\", \"message\": {\"systemProperties\": {\"contentType\": \"application/json\","
                        + " \"iothub-connection-device-id\": \"dev-7\", \"iothub-enqueuedtime\": \"2017-05-08T18:55:31.8514657Z\"},"
                        + " \"appProperties\": {\"opType\": \"updateTwin\", \"n\": 4, \"gone\": null}, \"body\": {\"a\": 1}}}";
        DecodedRecord record =
                decoded(
                        envelopeDecoder.decode(
                                "in", 0, 9L, RECORD_TIMESTAMP, null, plain(json), null));
        assertThat(record.deviceId()).isEqualTo("dev-7");
        assertThat(record.message().source()).isEqualTo(RoutingSource.TWIN_CHANGE_EVENTS);
        assertThat(record.enqueuedTimeMillis()).isEqualTo(1_494_269_731_851L);
        assertThat(record.message().appProperties().entries())
                .containsExactly(
                        new MessageProperties.Property("opType", "updateTwin"),
                        new MessageProperties.Property("n", "4"),
                        new MessageProperties.Property("gone", null));
        assertThat(new String(record.message().body(), StandardCharsets.UTF_8))
                .isEqualTo("{\"a\":1}");
    }

    @Test
    void jsonEnvelopeWithoutDeviceIdUsesTheKey() {
        DecodedRecord record =
                decoded(
                        envelopeDecoder.decode(
                                "in",
                                0,
                                9L,
                                RECORD_TIMESTAMP,
                                plain("k"),
                                plain("{\"message\": {\"body\": \"hi\"}}"),
                                null));
        assertThat(record.deviceId()).isEqualTo("k");
        assertThat(record.message().deviceId()).contains("k");
        assertThat(record.enqueuedTimeMillis()).isEqualTo(RECORD_TIMESTAMP);
        assertThat(record.message().source()).isEqualTo(RoutingSource.DEVICE_MESSAGES);
    }

    static Stream<Arguments> malformedEnvelopes() {
        return Stream.of(
                Arguments.of("", "empty record (expected a JSON envelope {\"message\": {...}})"),
                Arguments.of("[1]", "expected a JSON object {\"message\": {...}}"),
                Arguments.of("{\"msg\": {}}", "no \"message\" object in the envelope"),
                Arguments.of(
                        "{\"message\": {\"appProperties\": []}}",
                        "\"appProperties\" must be an object of strings"),
                Arguments.of(
                        "{\"message\": {\"appProperties\": {\"a\": {\"b\": 1}}}}",
                        "\"appProperties.a\" must be a string, number, boolean or null"),
                Arguments.of(
                        "{\"source\": \"Nope\", \"message\": {}}",
                        "unknown source \"Nope\" (expected one of DeviceMessages, TwinChangeEvents, DeviceLifecycleEvents, "
                                + "DeviceConnectionStateEvents, DigitalTwinChangeEvents, DeviceJobLifecycleEvents)"),
                Arguments.of(
                        "{\"message\": {}}",
                        "no device id: neither systemProperties.connectionDeviceId nor a UTF-8 record key"));
    }

    @ParameterizedTest
    @MethodSource("malformedEnvelopes")
    void malformedEnvelopesAreFailures(String json, String reason) {
        assertThat(envelopeDecoder.decode("in", 1, 5L, RECORD_TIMESTAMP, null, plain(json), null))
                .usingRecursiveComparison()
                .ignoringFields("raw")
                .isEqualTo(new DecodeFailure(reason, "in", 1, 5L));
    }

    @Test
    void invalidJsonIsAFailureNotAnException() {
        DecodeResult result =
                envelopeDecoder.decode(
                        "in", 1, 5L, RECORD_TIMESTAMP, null, plain("{\"message\": "), null);
        assertThat(result).isInstanceOf(DecodeFailure.class);
        assertThat(((DecodeFailure) result).reason()).startsWith("not JSON: ");
    }
}
