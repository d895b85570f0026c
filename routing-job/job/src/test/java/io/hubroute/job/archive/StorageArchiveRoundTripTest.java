package io.hubroute.job.archive;

import static org.assertj.core.api.Assertions.assertThat;

import io.hubroute.job.source.DecodeResult;
import io.hubroute.job.source.DecodedRecord;
import io.hubroute.message.Message;
import io.hubroute.message.MessageProperties;
import io.hubroute.message.RoutingSource;
import io.hubroute.sink.RoutedMessage;
import io.hubroute.sink.blob.BlobEncoding;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What hubroute's own Blob Storage endpoint writes reads back as the messages it was given: system
 * properties, application properties, body, enqueued time, device and module id, routing source.
 */
class StorageArchiveRoundTripTest {
    private static final long ENQUEUED = Instant.parse("2024-03-05T10:15:00.350Z").toEpochMilli();
    private static final String ENQUEUED_TEXT = "2024-03-05T10:15:00.3500000Z";

    private static Message message(
            RoutingSource source, MessageProperties system, MessageProperties app, byte[] body) {
        return Message.builder(source)
                .systemProperties(system)
                .appProperties(app)
                .body(body)
                .build();
    }

    /** Messages whose system properties carry their storage names, as the encoder writes them. */
    static List<Message> messages() {
        List<Message> messages = new ArrayList<>();
        // JSON telemetry, every system property IoT Hub stores
        messages.add(
                message(
                        RoutingSource.DEVICE_MESSAGES,
                        MessageProperties.of(
                                "messageId", "m-1",
                                "correlationId", "c-1",
                                "contentType", "application/json",
                                "contentEncoding", "utf-8",
                                "connectionDeviceId", "dev/1",
                                "connectionAuthMethod", "{\"scope\":\"device\",\"type\":\"sas\"}",
                                "connectionDeviceGenerationId", "638000000000000000",
                                "enqueuedTime", ENQUEUED_TEXT),
                        MessageProperties.of("level", "critical", "Empty", "", "ünïcode", "✓"),
                        "{\"temperature\":31.5,\"tags\":[\"a\",\"b\"],\"nested\":{\"x\":null}}"
                                .getBytes(StandardCharsets.UTF_8)));
        // a module's binary body, not JSON
        messages.add(
                message(
                        RoutingSource.DEVICE_MESSAGES,
                        MessageProperties.of(
                                "messageId", "m-2",
                                "connectionDeviceId", "dev-2",
                                "connectionModuleId", "mod-a",
                                "enqueuedTime", ENQUEUED_TEXT),
                        MessageProperties.of("seq", "2"),
                        new byte[] {0, (byte) 0xFF, (byte) 0xC3, 0x28, 10, 13}));
        // JSON content type, but the body is no JSON: written as base64
        messages.add(
                message(
                        RoutingSource.DEVICE_MESSAGES,
                        MessageProperties.of(
                                "contentType", "application/json; charset=utf-8",
                                "contentEncoding", "UTF-8",
                                "connectionDeviceId", "dev-3",
                                "enqueuedTime", ENQUEUED_TEXT),
                        MessageProperties.empty(),
                        "not json {".getBytes(StandardCharsets.UTF_8)));
        // JSON content type with a JSON string as the body: written inline as a string
        messages.add(
                message(
                        RoutingSource.DEVICE_MESSAGES,
                        MessageProperties.of(
                                "contentType", "application/json",
                                "contentEncoding", "utf-8",
                                "connectionDeviceId", "dev-4",
                                "enqueuedTime", ENQUEUED_TEXT),
                        MessageProperties.of("kind", "string-body"),
                        "\"hello \\\"world\\\"\"".getBytes(StandardCharsets.UTF_8)));
        // a number body and an empty body
        messages.add(
                message(
                        RoutingSource.DEVICE_MESSAGES,
                        MessageProperties.of(
                                "contentType", "application/json",
                                "contentEncoding", "utf-8",
                                "connectionDeviceId", "dev-5",
                                "enqueuedTime", ENQUEUED_TEXT),
                        MessageProperties.empty(),
                        "42.5".getBytes(StandardCharsets.UTF_8)));
        messages.add(
                message(
                        RoutingSource.DEVICE_MESSAGES,
                        MessageProperties.of(
                                "connectionDeviceId", "dev-6", "enqueuedTime", ENQUEUED_TEXT),
                        MessageProperties.empty(),
                        new byte[0]));
        return messages;
    }

    private static List<DecodeResult> roundTrip(
            BlobEncoding encoding, ArchiveFormat format, List<Message> messages, long enqueued)
            throws Exception {
        List<RoutedMessage> deliveries = new ArrayList<>();
        for (Message message : messages) {
            deliveries.add(new RoutedMessage("archive", message, 3, enqueued));
        }
        byte[] file = StorageEndpointFiles.write(encoding, deliveries);
        List<DecodeResult> results = new ArrayList<>();
        ArchiveReader.BlobResult result =
                ArchiveReader.of(format, ArchiveSelection.all())
                        .read(
                                "archive/hub/3/2024/03/05/10/15",
                                3,
                                new ByteArrayInputStream(file),
                                results::add);
        assertThat(result.unreadable()).isFalse();
        assertThat(result.records()).isEqualTo(messages.size());
        return results;
    }

    @ParameterizedTest
    @EnumSource(BlobEncoding.class)
    void endpointFilesReadBackAsTheSameMessages(BlobEncoding encoding) throws Exception {
        List<Message> messages = messages();
        List<DecodeResult> results =
                roundTrip(
                        encoding,
                        ArchiveFormat.fromName(encoding.iotHubName()),
                        messages,
                        ENQUEUED);

        assertThat(results).hasSize(messages.size()).allMatch(r -> r instanceof DecodedRecord);
        for (int i = 0; i < messages.size(); i++) {
            Message written = messages.get(i);
            DecodedRecord read = (DecodedRecord) results.get(i);
            Message message = read.message();
            assertThat(message.systemProperties().entries())
                    .as("system properties of message %s", i)
                    .isEqualTo(written.systemProperties().entries());
            assertThat(message.appProperties().entries())
                    .as("application properties of message %s", i)
                    .isEqualTo(written.appProperties().entries());
            assertThat(message.body()).as("body of message %s", i).isEqualTo(written.body());
            assertThat(message.source()).isEqualTo(RoutingSource.DEVICE_MESSAGES);
            assertThat(read.deviceId()).isEqualTo(written.deviceId().orElseThrow());
            assertThat(read.moduleId()).isEqualTo(written.moduleId().orElse(null));
            assertThat(read.enqueuedTimeMillis()).isEqualTo(ENQUEUED);
            assertThat(read.topic()).isEqualTo("archive/hub/3/2024/03/05/10/15");
            assertThat(read.partition()).isEqualTo(3);
            assertThat(read.offset()).isEqualTo(i);
        }
    }

    @ParameterizedTest
    @EnumSource(BlobEncoding.class)
    void liveSpellingsOfSystemPropertiesAreFoundUnderEveryName(BlobEncoding encoding)
            throws Exception {
        // As the live decoder presents a Kafka record: AMQP names, no enqueuedTime of its own.
        Message live =
                message(
                        RoutingSource.DEVICE_MESSAGES,
                        MessageProperties.of(
                                "message-id", "m-9",
                                "content-type", "application/json",
                                "content-encoding", "utf-8",
                                "iothub-connection-device-id", "dev-9",
                                "iothub-connection-module-id", "mod-9",
                                "iothub-connection-auth-method", "{\"scope\":\"module\"}"),
                        MessageProperties.of("level", "high"),
                        "{\"t\":1}".getBytes(StandardCharsets.UTF_8));
        DecodedRecord read =
                (DecodedRecord)
                        roundTrip(
                                        encoding,
                                        ArchiveFormat.fromName(encoding.iotHubName()),
                                        List.of(live),
                                        ENQUEUED)
                                .get(0);
        for (String name :
                List.of(
                        "messageId",
                        "message-id",
                        "contentType",
                        "content-type",
                        "contentEncoding",
                        "connectionDeviceId",
                        "iothub-connection-device-id",
                        "connectionModuleId",
                        "iothub-connection-auth-method")) {
            assertThat(read.message().systemProperty(name))
                    .as(name)
                    .isEqualTo(live.systemProperty(name));
        }
        assertThat(read.message().systemProperty("enqueuedTime")).contains(ENQUEUED_TEXT);
        assertThat(read.message().systemProperty("iothub-enqueuedtime")).contains(ENQUEUED_TEXT);
        assertThat(read.deviceId()).isEqualTo("dev-9");
        assertThat(read.moduleId()).isEqualTo("mod-9");
        assertThat(read.message().appProperties().entries())
                .isEqualTo(live.appProperties().entries());
        assertThat(read.message().body()).isEqualTo(live.body());
    }

    @ParameterizedTest
    @EnumSource(BlobEncoding.class)
    void messageSourceInSystemPropertiesGivesTheRoutingSource(BlobEncoding encoding)
            throws Exception {
        Message twinChange =
                message(
                        RoutingSource.DEVICE_MESSAGES,
                        MessageProperties.of(
                                "connectionDeviceId", "dev-1",
                                "iothub-message-source", "twinChangeEvents",
                                "enqueuedTime", ENQUEUED_TEXT),
                        MessageProperties.of("opType", "updateTwin"),
                        "{\"properties\":{\"desired\":{\"x\":1}}}"
                                .getBytes(StandardCharsets.UTF_8));
        Message lifecycle =
                message(
                        RoutingSource.DEVICE_MESSAGES,
                        MessageProperties.of(
                                "connectionDeviceId", "dev-1",
                                "messageSource", "deviceLifecycleEvents",
                                "enqueuedTime", ENQUEUED_TEXT),
                        MessageProperties.of("opType", "createDeviceIdentity"),
                        new byte[0]);
        List<DecodeResult> results =
                roundTrip(
                        encoding,
                        ArchiveFormat.fromName(encoding.iotHubName()),
                        List.of(twinChange, lifecycle),
                        ENQUEUED);

        DecodedRecord twin = (DecodedRecord) results.get(0);
        assertThat(twin.message().source()).isEqualTo(RoutingSource.TWIN_CHANGE_EVENTS);
        // Like the live decoder, the source is not kept as a property.
        assertThat(twin.message().systemProperties().contains("iothub-message-source")).isFalse();
        assertThat(((DecodedRecord) results.get(1)).message().source())
                .isEqualTo(RoutingSource.DEVICE_LIFECYCLE_EVENTS);
    }
}
