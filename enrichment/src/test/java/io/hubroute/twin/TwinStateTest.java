package io.hubroute.twin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hubroute.message.JsonPath;
import io.hubroute.message.Message;
import io.hubroute.message.MessageProperties;
import io.hubroute.message.RoutingSource;
import io.hubroute.message.Twin;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TwinStateTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text.replace('\'', '"'));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static final String FULL_TWIN =
            "{'deviceId': 'sensor-7', 'etag': 'AAAA', 'version': 4, 'status': 'enabled',"
                    + " 'tags': {'deploymentLocation': {'building': '43', 'floor': '1'}},"
                    + " 'properties': {"
                    + "  'desired': {'telemetryConfig': {'sendFrequency': '5m'}, '$metadata': {'$lastUpdated': 'x'}, '$version': 1},"
                    + "  'reported': {'batteryLevel': 55, '$metadata': {}, '$version': 4}}}";

    @Test
    void keepsOnlyQueryableSectionsWithoutMetadataOrVersion() {
        TwinState state = TwinState.of(json(FULL_TWIN));

        assertThat(state.toString())
                .isEqualTo(
                        "{\"tags\":{\"deploymentLocation\":{\"building\":\"43\",\"floor\":\"1\"}},"
                                + "\"properties\":{\"desired\":{\"telemetryConfig\":{\"sendFrequency\":\"5m\"}},"
                                + "\"reported\":{\"batteryLevel\":55}}}");
    }

    @Test
    void updateMergesObjectsAndNullDeletes() {
        TwinState state = TwinState.of(json(FULL_TWIN));

        TwinState updated =
                state.update(
                        json(
                                "{'version': 5, 'tags': {'deploymentLocation': {'floor': null, 'room': '12'}},"
                                        + " 'properties': {'desired': {'telemetryConfig': {'sendFrequency': '1m'}, 'mode': 'eco', '$version': 2}}}"));

        assertThat(updated.toString())
                .isEqualTo(
                        "{\"tags\":{\"deploymentLocation\":{\"building\":\"43\",\"room\":\"12\"}},"
                                + "\"properties\":{\"desired\":{\"telemetryConfig\":{\"sendFrequency\":\"1m\"},\"mode\":\"eco\"},"
                                + "\"reported\":{\"batteryLevel\":55}}}");
        assertThat(state.toString()).contains("\"floor\":\"1\"");
    }

    @Test
    void updateReplacesAPrimitiveWithAnObjectWithoutItsNulls() {
        TwinState state = TwinState.parse("{\"tags\": {\"site\": \"a\"}}");

        assertThat(
                        state.update(json("{'tags': {'site': {'region': 'emea', 'old': null}}}"))
                                .toString())
                .isEqualTo("{\"tags\":{\"site\":{\"region\":\"emea\"}}}");
    }

    @Test
    void replaceReplacesTagsAndDesiredButKeepsReportedWhenAbsent() {
        TwinState state = TwinState.of(json(FULL_TWIN));

        TwinState replaced =
                state.replace(
                        json("{'tags': {'site': 'b'}, 'properties': {'desired': {'mode': 'x'}}}"));

        assertThat(replaced.toString())
                .isEqualTo(
                        "{\"tags\":{\"site\":\"b\"},\"properties\":{\"desired\":{\"mode\":\"x\"},"
                                + "\"reported\":{\"batteryLevel\":55}}}");
    }

    @Test
    void asTwinIsQueryable() {
        Twin twin = TwinState.of(json(FULL_TWIN)).asTwin();

        assertThat(
                        twin.find(
                                        Twin.Section.TAGS,
                                        JsonPath.parseOrNull("deploymentLocation.building"))
                                .asText())
                .isEqualTo("43");
        assertThat(twin.find(Twin.Section.REPORTED, JsonPath.parseOrNull("batteryLevel")).asInt())
                .isEqualTo(55);
    }

    @Test
    void bytesRoundTrip() {
        TwinState state = TwinState.of(json(FULL_TWIN));

        assertThat(TwinState.fromBytes(state.toBytes())).isEqualTo(state);
        assertThat(state.sizeInBytes()).isLessThan(FULL_TWIN.length());
    }

    @Test
    void rejectsNonObjects() {
        assertThatThrownBy(() -> TwinState.of(json("[1]")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a twin document must be a JSON object, got ARRAY");
        assertThatThrownBy(() -> TwinState.empty().update(json("3")))
                .hasMessage("a twin patch must be a JSON object, got NUMBER");
    }

    private static Message event(
            RoutingSource source, String operation, String device, String module, String body) {
        MessageProperties app =
                MessageProperties.of(
                        "hubName", "demo-hub", "deviceId", device, "opType", operation);
        if (module != null) {
            app = app.with("moduleId", module);
        }
        return Message.builder(source).appProperties(app).body(body).build();
    }

    @Test
    void lifecycleAndTwinChangeEvents() {
        Message create =
                event(
                        RoutingSource.DEVICE_LIFECYCLE_EVENTS,
                        "createDeviceIdentity",
                        "d1",
                        null,
                        "{\"tags\": {\"a\": \"1\"}, \"properties\": {\"desired\": {}, \"reported\": {}}}");
        Message update =
                event(
                        RoutingSource.TWIN_CHANGE_EVENTS,
                        "updateTwin",
                        "d1",
                        null,
                        "{\"tags\": {\"b\": \"2\"}}");
        Message replace =
                event(
                        RoutingSource.TWIN_CHANGE_EVENTS,
                        "replaceTwin",
                        "d1",
                        null,
                        "{\"tags\": {\"c\": \"3\"}}");
        Message delete =
                event(
                        RoutingSource.DEVICE_LIFECYCLE_EVENTS,
                        "deleteDeviceIdentity",
                        "d1",
                        null,
                        "{}");

        TwinState created = TwinEvents.apply(null, create).orElseThrow();
        TwinState updated = TwinEvents.apply(created, update).orElseThrow();
        TwinState replaced = TwinEvents.apply(updated, replace).orElseThrow();

        assertThat(created.toString())
                .isEqualTo(
                        "{\"tags\":{\"a\":\"1\"},\"properties\":{\"desired\":{},\"reported\":{}}}");
        assertThat(updated.toString())
                .isEqualTo(
                        "{\"tags\":{\"a\":\"1\",\"b\":\"2\"},\"properties\":{\"desired\":{},\"reported\":{}}}");
        assertThat(replaced.toString())
                .isEqualTo("{\"tags\":{\"c\":\"3\"},\"properties\":{\"reported\":{}}}");
        assertThat(TwinEvents.apply(replaced, delete)).isEmpty();
        assertThat(TwinEvents.apply(null, update)).isEmpty();
    }

    @Test
    void eventsNameTheirTwinAndModuleTwinsAreSeparate() {
        Message moduleUpdate =
                event(RoutingSource.TWIN_CHANGE_EVENTS, "updateTwin", "d1", "m1", "{}");
        Message deviceUpdate =
                event(RoutingSource.TWIN_CHANGE_EVENTS, "updateTwin", "d1", null, "{}");

        assertThat(TwinEvents.keyOf(moduleUpdate)).contains(TwinKey.ofModule("d1", "m1"));
        assertThat(TwinEvents.keyOf(deviceUpdate)).contains(TwinKey.ofDevice("d1"));
        assertThat(TwinKey.ofModule("d1", "m1")).isNotEqualTo(TwinKey.ofDevice("d1"));
    }

    @Test
    void messagesNameTheirTwinByConnectionProperties() {
        Message fromModule =
                Message.builder(RoutingSource.DEVICE_MESSAGES)
                        .systemProperties(
                                MessageProperties.of(
                                        "iothub-connection-device-id",
                                        "d1",
                                        "connectionModuleId",
                                        "m1"))
                        .build();

        assertThat(TwinKey.ofMessage(fromModule)).contains(TwinKey.ofModule("d1", "m1"));
        assertThat(TwinKey.ofMessage(Message.builder(RoutingSource.DEVICE_MESSAGES).build()))
                .isEmpty();
    }

    @Test
    void otherEventsLeaveTheStateAlone() {
        TwinState state = TwinState.parse("{\"tags\": {\"a\": \"1\"}}");
        Message telemetry =
                Message.builder(RoutingSource.DEVICE_MESSAGES)
                        .appProperties(MessageProperties.of("opType", "updateTwin"))
                        .body("{\"tags\": {}}")
                        .build();

        assertThat(TwinEvents.changesTwin(telemetry)).isFalse();
        assertThat(TwinEvents.apply(state, telemetry)).isEqualTo(Optional.of(state));
    }

    @Test
    void aBodyThatIsNotJsonIsReported() {
        Message broken = event(RoutingSource.TWIN_CHANGE_EVENTS, "updateTwin", "d1", "m1", "{oops");

        assertThatThrownBy(() -> TwinEvents.apply(TwinState.empty(), broken))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("updateTwin event for d1/m1 has a body that is not JSON: ");
    }
}
