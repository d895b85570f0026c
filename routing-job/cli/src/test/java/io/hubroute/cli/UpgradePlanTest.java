package io.hubroute.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hubroute.config.RoutingConfig;
import io.hubroute.config.RoutingConfigLoader;
import io.hubroute.job.RoutingJob;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which state an upgrade may leave behind, and the exact reasons it refuses. */
class UpgradePlanTest {
    private static final String HEADER =
            "hubName: hub\n"
                    + "builtInEndpoint: {connectionString: '${env:EVENTS}', entityPath: events}\n";

    private static final RoutingConfig HOT_AND_ARCHIVE =
            routes(
                    HEADER
                            + "endpoints:\n"
                            + "  eventHubs:\n"
                            + "    - {name: hot, connectionString: '${env:HOT}', entityPath: hot}\n"
                            + "  storageContainers:\n"
                            + "    - {name: archive, connectionString: '${env:STORAGE}', containerName: c}\n"
                            + "routes:\n"
                            + "  - {name: Hot, source: DeviceMessages, condition: 'true', endpointNames: [hot, archive]}\n");

    private static final RoutingConfig HOT_ONLY =
            routes(
                    HEADER
                            + "endpoints:\n"
                            + "  eventHubs:\n"
                            + "    - {name: hot, connectionString: '${env:HOT}', entityPath: hot}\n"
                            + "routes:\n"
                            + "  - {name: Hot, source: DeviceMessages, condition: 'true', endpointNames: [hot]}\n");

    private static final RoutingConfig EVENTS_ONLY =
            routes(
                    HEADER
                            + "routes: []\nfallbackRoute: {isEnabled: true, endpointNames: [events]}\n");

    @Test
    void statefulOperatorsAreTheJobsUids() {
        assertThat(UpgradePlan.statefulOperators(HOT_AND_ARCHIVE, true, false).keySet())
                .containsExactly(
                        RoutingJob.SOURCE_UID,
                        RoutingJob.DECODE_UID,
                        RoutingJob.ROUTE_UID,
                        RoutingJob.DIAGNOSTICS_UID,
                        "hubroute-endpoint-events",
                        "hubroute-endpoint-hot",
                        "hubroute-endpoint-archive");
        assertThat(UpgradePlan.statefulOperators(EVENTS_ONLY, false, false).keySet())
                .containsExactly(
                        "hubroute-source",
                        "hubroute-decode",
                        "hubroute-route",
                        "hubroute-endpoint-events");
    }

    @Test
    void addingAnEndpointRestoresEverything() {
        UpgradePlan plan = decide(HOT_ONLY, false, HOT_AND_ARCHIVE, false, List.of());

        assertThat(plan.refusals()).isEmpty();
        assertThat(plan.droppedEndpoints()).isEmpty();
        assertThat(plan.allowNonRestoredState()).isFalse();
    }

    @Test
    void removingAnEndpointIsRefusedWithoutAllowDropping() {
        UpgradePlan plan = decide(HOT_AND_ARCHIVE, false, HOT_ONLY, false, List.of());

        assertThat(plan.isRefused()).isTrue();
        assertThat(plan.allowNonRestoredState()).isFalse();
        assertThat(plan.refusals())
                .containsExactly(
                        "endpoint archive is in the running job but not in new.yaml: its sink state"
                                + " (pending blob commits) would be dropped; add --allow-dropping"
                                + " archive to drop it");
    }

    @Test
    void eachRemovedEndpointNeedsItsOwnAllowDropping() {
        UpgradePlan plan = decide(HOT_AND_ARCHIVE, false, EVENTS_ONLY, false, List.of("archive"));

        assertThat(plan.refusals())
                .containsExactly(
                        "endpoint hot is in the running job but not in new.yaml: its sink state"
                                + " (sends not yet committed) would be dropped; add"
                                + " --allow-dropping hot to drop it");
        assertThat(plan.allowNonRestoredState()).isFalse();
    }

    @Test
    void allowDroppingDropsExactlyTheNamedEndpoints() {
        UpgradePlan plan =
                decide(HOT_AND_ARCHIVE, true, EVENTS_ONLY, true, List.of("hot", "archive"));

        assertThat(plan.refusals()).isEmpty();
        assertThat(plan.droppedEndpoints()).containsExactly("hot", "archive");
        assertThat(plan.allowNonRestoredState()).isTrue();
    }

    @Test
    void allowDroppingAnEndpointThatIsKeptOrUnknownIsRefused() {
        UpgradePlan plan =
                decide(HOT_ONLY, false, HOT_AND_ARCHIVE, false, List.of("hot", "Hot", "hot"));

        assertThat(plan.refusals())
                .containsExactly(
                        "--allow-dropping hot: endpoint hot is in new.yaml, so its state is kept:"
                                + " remove the option",
                        "--allow-dropping Hot: the running job has no endpoint Hot (it has events,"
                                + " hot)");
        assertThat(plan.allowNonRestoredState()).isFalse();
    }

    @Test
    void droppingTheDiagnosticsSinkIsRefused() {
        UpgradePlan plan = decide(HOT_ONLY, true, HOT_ONLY, false, List.of());

        assertThat(plan.refusals())
                .containsExactly(
                        "the running job writes diagnostics but job.yaml has neither"
                                + " diagnostics.dir nor diagnostics.topic: the diagnostics sink's"
                                + " state would be dropped; keep the diagnostics section"
                                + " (--allow-dropping drops endpoints only)");
        assertThat(decide(HOT_ONLY, false, HOT_ONLY, true, List.of()).refusals()).isEmpty();
    }

    @Test
    void turningLiveRouteChangesOffIsRefusedOnce() {
        UpgradePlan plan =
                UpgradePlan.decide(
                        UpgradePlan.statefulOperators(HOT_ONLY, false, true),
                        UpgradePlan.statefulOperators(HOT_ONLY, false, false),
                        List.of(),
                        "new.yaml",
                        "job.yaml");

        assertThat(UpgradePlan.statefulOperators(HOT_ONLY, false, true))
                .containsKeys(RoutingJob.ROUTES_SOURCE_UID, RoutingJob.ROUTES_STATUS_UID);
        assertThat(plan.refusals())
                .containsExactly(
                        "the running job takes live route changes but job.yaml has no"
                                + " routes.controlTopic: the control topic's offsets would be"
                                + " dropped; keep routes.controlTopic");
        assertThat(
                        UpgradePlan.takesLiveRoutes(
                                "routes: {controlTopic: hubroute-routes}\n", "job.yaml"))
                .isTrue();
        assertThat(UpgradePlan.takesLiveRoutes("routes: {}\n", "job.yaml")).isFalse();
    }

    @Test
    void anyOtherUnclaimedStateIsRefused() {
        Map<String, String> running = UpgradePlan.statefulOperators(HOT_ONLY, false, false);
        Map<String, String> next = new java.util.LinkedHashMap<>(running);
        next.remove(RoutingJob.ROUTE_UID);

        UpgradePlan plan =
                UpgradePlan.decide(running, next, List.of("hot"), "new.yaml", "job.yaml");

        assertThat(plan.refusals())
                .containsExactly(
                        "operator hubroute-route of the running job is not in the new job: the"
                                + " twins would be dropped",
                        "--allow-dropping hot: endpoint hot is in new.yaml, so its state is kept:"
                                + " remove the option");
    }

    @Test
    void diagnosticsGoSomewhereWithADirOrATopic() {
        assertThat(UpgradePlan.writesDiagnostics("diagnostics: {dir: /var/d}\n", "job.yaml"))
                .isTrue();
        assertThat(UpgradePlan.writesDiagnostics("diagnostics:\n  topic: diag\n", "job.yaml"))
                .isTrue();
        assertThat(
                        UpgradePlan.writesDiagnostics(
                                "diagnostics: {invalidRatioWarning: 0.2}\n", "job.yaml"))
                .isFalse();
        assertThat(UpgradePlan.writesDiagnostics("diagnostics: {dir: null}\n", "job.yaml"))
                .isFalse();
        assertThat(UpgradePlan.writesDiagnostics("source: {topics: [d2c]}\n", "job.yaml"))
                .isFalse();
        assertThat(UpgradePlan.writesDiagnostics("", "job.yaml")).isFalse();
    }

    private static UpgradePlan decide(
            RoutingConfig running,
            boolean runningDiagnostics,
            RoutingConfig next,
            boolean nextDiagnostics,
            List<String> allowDropping) {
        return UpgradePlan.decide(
                UpgradePlan.statefulOperators(running, runningDiagnostics, false),
                UpgradePlan.statefulOperators(next, nextDiagnostics, false),
                allowDropping,
                "new.yaml",
                "job.yaml");
    }

    private static RoutingConfig routes(String yaml) {
        return RoutingConfigLoader.withoutSecrets()
                .parse(yaml, "routes.yaml", Path.of("."))
                .orThrow();
    }
}
