package io.hubroute.replay;

import io.hubroute.config.RoutingConfig;
import io.hubroute.config.RoutingConfigLoader;
import io.hubroute.message.Message;
import io.hubroute.message.MessageProperties;
import io.hubroute.message.RoutingSource;
import io.hubroute.message.Twin;
import io.hubroute.query.Engine;
import io.hubroute.routing.Router;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Two routes files, messages and a replay loop with the real router, for the replay tests. */
final class ReplayFixtures {
    static final String BASELINE_YAML =
            String.join(
                    "\n",
                    "hubName: demo-hub",
                    "endpoints:",
                    "  serviceBusQueues:",
                    "    - {name: A, connectionString: \"${env:A_CONNECTION}\", entityPath: a}",
                    "    - {name: B, connectionString: \"${env:B_CONNECTION}\", entityPath: b}",
                    "routes:",
                    "  - {name: Critical, source: DeviceMessages, condition: 'level = \"critical\"',"
                            + " endpointNames: [A], isEnabled: true}",
                    "  - {name: Removed, source: DeviceMessages, condition: '$body.temperature > 30',"
                            + " endpointNames: [B], isEnabled: true}",
                    "fallbackRoute: {isEnabled: true, endpointNames: [events]}",
                    "");

    static final String CANDIDATE_YAML =
            String.join(
                    "\n",
                    "hubName: demo-hub",
                    "endpoints:",
                    "  serviceBusQueues:",
                    "    - {name: A, connectionString: \"${env:A_CONNECTION}\", entityPath: a}",
                    "    - {name: C, connectionString: \"${env:C_CONNECTION}\", entityPath: c}",
                    "routes:",
                    "  - {name: Critical, source: DeviceMessages, condition: 'level = \"critical\"',"
                            + " endpointNames: [A], isEnabled: true}",
                    "  - {name: Hot, source: DeviceMessages, condition: '$body.temperature > 40',"
                            + " endpointNames: [C], isEnabled: true}",
                    "  - {name: Building, source: DeviceMessages,"
                            + " condition: \"$twin.tags.building = '43'\", endpointNames: [A],"
                            + " isEnabled: true}",
                    "  - {name: TwinChanges, source: TwinChangeEvents, condition: '',"
                            + " endpointNames: [C], isEnabled: true}",
                    "fallbackRoute: {isEnabled: true, endpointNames: [events]}",
                    "");

    /** What replay uses when no baseline is given: no routes, only the fallback. */
    static final String NO_ROUTES_YAML = "hubName: demo-hub\n";

    static final Twin BUILDING_43 = Twin.parse("{\"tags\": {\"building\": \"43\"}}");
    static final Twin BUILDING_12 = Twin.parse("{\"tags\": {\"building\": \"12\"}}");

    private ReplayFixtures() {}

    static RoutingConfig config(String yaml) {
        return RoutingConfigLoader.withoutSecrets()
                .parse(yaml, "routes.yaml", Path.of("/cfg"))
                .orThrow();
    }

    static RoutingConfig baseline() {
        return config(BASELINE_YAML);
    }

    static RoutingConfig candidate() {
        return config(CANDIDATE_YAML);
    }

    /** A device message; {@code level} null leaves the property out. */
    static Message telemetry(
            String deviceId, String messageId, Instant enqueued, String level, String body) {
        List<String> system = new ArrayList<>(List.of("connectionDeviceId", deviceId));
        if (messageId != null) {
            system.add("messageId");
            system.add(messageId);
        }
        system.addAll(
                List.of(
                        "enqueuedTime",
                        enqueued.toString(),
                        "contentType",
                        "application/json",
                        "contentEncoding",
                        "utf-8"));
        return Message.builder(RoutingSource.DEVICE_MESSAGES)
                .systemProperties(MessageProperties.of(system.toArray(new String[0])))
                .appProperties(
                        level == null
                                ? MessageProperties.of()
                                : MessageProperties.of("level", level))
                .body(body)
                .build();
    }

    /** A twin change notification with no enqueued time of its own. */
    static Message twinChange(String deviceId) {
        return Message.builder(RoutingSource.TWIN_CHANGE_EVENTS)
                .systemProperties(
                        MessageProperties.of(
                                "connectionDeviceId",
                                deviceId,
                                "contentType",
                                "application/json",
                                "contentEncoding",
                                "utf-8"))
                .body("{\"properties\": {\"reported\": {\"firmware\": \"2.0\"}}}")
                .build();
    }

    /** One replayed message: the message, its twin (or null) and the record's timestamp. */
    record Input(Message message, Twin twin, long timestampMillis) {}

    /** Routes each input by both routers, as the replay job does, into the tally. */
    static final class Replayer {
        private final Router baseline;
        private final Router candidate;

        Replayer(RoutingConfig baseline, RoutingConfig candidate) {
            this.baseline = Router.create(baseline, Engine.COMPILED);
            this.candidate = Router.create(candidate, Engine.COMPILED);
        }

        void replay(ReplayTally tally, Input input) {
            tally.add(
                    ReplayedMessage.of(input.message(), input.timestampMillis()),
                    baseline.route(input.message(), input.twin()),
                    candidate.route(input.message(), input.twin()));
        }

        void replay(ReplayTally tally, List<Input> inputs) {
            for (Input input : inputs) {
                replay(tally, input);
            }
        }
    }
}
