package io.hubroute.replay;

import static io.hubroute.replay.ReplayFixtures.BUILDING_12;
import static io.hubroute.replay.ReplayFixtures.BUILDING_43;
import static io.hubroute.replay.ReplayFixtures.telemetry;
import static io.hubroute.replay.ReplayFixtures.twinChange;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.hubroute.query.RouteResult;
import io.hubroute.replay.ReplayFixtures.Input;
import io.hubroute.replay.ReplayFixtures.Replayer;
import io.hubroute.replay.ReplayReport.EndpointCounts;
import io.hubroute.replay.ReplayReport.EndpointRow;
import io.hubroute.replay.ReplayReport.HourRow;
import io.hubroute.replay.ReplayReport.RouteChange;
import io.hubroute.replay.ReplayReport.RouteCounts;
import io.hubroute.replay.ReplayReport.RouteRow;
import io.hubroute.replay.ReplayReport.Sample;
import io.hubroute.replay.ReplayReport.SampleSide;
import io.hubroute.replay.ReplayReport.Side;
import io.hubroute.replay.ReplayReport.Totals;
import io.hubroute.replay.ReplayReport.Undecodable;
import io.hubroute.replay.ReplayReport.UndefinedReason;
import io.hubroute.replay.ReplayReport.UnreadableBlob;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplayTallyTest {
    private static final Instant TEN = Instant.parse("2024-05-01T10:00:00Z");
    private static final Instant ELEVEN = Instant.parse("2024-05-01T11:00:00Z");
    private static final Instant TWELVE = Instant.parse("2024-05-01T12:00:00Z");

    /**
     * Six messages whose outcomes are worked out by hand in the comments; the twin change event
     * carries no enqueued time, so the record timestamp (12:00) stands in.
     */
    static List<Input> sixMessages() {
        long recordTimestamp = 0; // the device messages carry their own enqueued time
        return List.of(
                // baseline: Critical true -> A; candidate: Critical, Building true -> A
                new Input(
                        telemetry("dev-1", "m-1", min(TEN, 5), "critical", "{\"temperature\": 20}"),
                        BUILDING_43,
                        recordTimestamp),
                // baseline: Removed true -> B; candidate: Building undefined (no twin) -> fallback
                new Input(
                        telemetry("dev-2", "m-2", min(TEN, 30), "normal", "{\"temperature\": 35}"),
                        null,
                        recordTimestamp),
                // baseline: Removed true -> B; candidate: Hot true -> C
                new Input(
                        telemetry(
                                "dev-3", "m-3", min(ELEVEN, 10), "normal", "{\"temperature\": 45}"),
                        BUILDING_12,
                        recordTimestamp),
                // nothing matches either file -> fallback on both
                new Input(
                        telemetry(
                                "dev-4", "m-4", min(ELEVEN, 20), "normal", "{\"temperature\": 10}"),
                        BUILDING_12,
                        recordTimestamp),
                // no level, a body that is not JSON, no twin: every route undefined -> fallback
                new Input(
                        telemetry("dev-5", null, TWELVE.minusMillis(1), null, "not json"),
                        null,
                        recordTimestamp),
                // a twin change: baseline has no route for it (orphaned), candidate TwinChanges ->
                // C
                new Input(twinChange("dev-6"), null, TWELVE.toEpochMilli()));
    }

    private static Instant min(Instant hour, int minutes) {
        return hour.plusSeconds(60L * minutes);
    }

    private static ReplayReport sixMessagesReport(int maxSamples) {
        ReplayTally tally =
                ReplayTally.create(
                        ReplayFixtures.baseline(), ReplayFixtures.candidate(), maxSamples);
        new Replayer(ReplayFixtures.baseline(), ReplayFixtures.candidate())
                .replay(tally, sixMessages());
        return tally.report("six messages");
    }

    @Test
    void countsEachRouteByNameUnderBothFiles() {
        ReplayReport report = sixMessagesReport(10);

        assertThat(report.source()).isEqualTo("six messages");
        assertThat(report.messages()).isEqualTo(6);
        assertThat(report.routes())
                .containsExactly(
                        new RouteRow(
                                "Critical", new RouteCounts(1, 3, 1), new RouteCounts(1, 3, 1)),
                        new RouteRow("Hot", null, new RouteCounts(1, 3, 1)),
                        new RouteRow("Building", null, new RouteCounts(1, 2, 2)),
                        new RouteRow("TwinChanges", null, new RouteCounts(1, 0, 0)),
                        new RouteRow("Removed", new RouteCounts(2, 2, 1), null));
        assertThat(report.routes().get(0).differs()).isFalse();
        assertThat(report.routes().get(1).differs()).isTrue();
    }

    @Test
    void countsEachEndpointByNameFallbackAndOrphanedUnderBothFiles() {
        ReplayReport report = sixMessagesReport(10);

        assertThat(report.endpoints())
                .containsExactly(
                        new EndpointRow(
                                "events", new EndpointCounts(2, 0), new EndpointCounts(3, 0)),
                        new EndpointRow("A", new EndpointCounts(1, 0), new EndpointCounts(1, 0)),
                        new EndpointRow("C", null, new EndpointCounts(2, 0)),
                        new EndpointRow("B", new EndpointCounts(2, 0), null));
        assertThat(report.endpoints().get(0).delta()).isEqualTo(1);
        assertThat(report.endpoints().get(3).delta()).isEqualTo(-2);
        assertThat(report.baseline()).isEqualTo(new Totals(5, 0, 2, 1));
        assertThat(report.candidate()).isEqualTo(new Totals(6, 0, 3, 0));
    }

    @Test
    void aMessageChangedWhenItsSetOfEndpointsDiffers() {
        ReplayReport report = sixMessagesReport(10);

        assertThat(report.changedMessages()).isEqualTo(3);
        assertThat(report.samples())
                .containsExactly(
                        new Sample(
                                new ReplayedMessage(
                                        "m-2", "dev-2", null, min(TEN, 30).toEpochMilli()),
                                new SampleSide(List.of("B"), false),
                                new SampleSide(List.of("events"), true),
                                List.of(new RouteChange("Removed", RouteResult.TRUE, null)),
                                1),
                        new Sample(
                                new ReplayedMessage(
                                        "m-3", "dev-3", null, min(ELEVEN, 10).toEpochMilli()),
                                new SampleSide(List.of("B"), false),
                                new SampleSide(List.of("C"), false),
                                List.of(
                                        new RouteChange("Hot", null, RouteResult.TRUE),
                                        new RouteChange("Removed", RouteResult.TRUE, null)),
                                2),
                        new Sample(
                                new ReplayedMessage(null, "dev-6", null, TWELVE.toEpochMilli()),
                                new SampleSide(List.of(), false),
                                new SampleSide(List.of("C"), false),
                                List.of(new RouteChange("TwinChanges", null, RouteResult.TRUE)),
                                1));
    }

    @Test
    void samplesAreTheFirstChangedMessagesByEnqueuedTime() {
        ReplayReport report = sixMessagesReport(2);

        assertThat(report.changedMessages()).isEqualTo(3);
        assertThat(report.samples())
                .extracting(sample -> sample.message().deviceId())
                .containsExactly("dev-2", "dev-3");
        assertThat(sixMessagesReport(0).samples()).isEmpty();
    }

    @Test
    void countsUndefinedReasonsPerSide() {
        ReplayReport report = sixMessagesReport(10);

        // baseline: Critical (dev-5: no level), Removed (dev-5: not JSON); candidate: Critical,
        // Hot (not JSON), Building (dev-2 and dev-5: no twin)
        assertThat(sum(report.undefinedReasons(), Side.BASELINE)).isEqualTo(2);
        assertThat(sum(report.undefinedReasons(), Side.CANDIDATE)).isEqualTo(4);
        assertThat(report.undefinedReasons())
                .contains(
                        new UndefinedReason(Side.BASELINE, "condition evaluated to undefined", 1),
                        new UndefinedReason(Side.CANDIDATE, "condition evaluated to undefined", 1));
        assertThat(report.undefinedReasons())
                .filteredOn(reason -> reason.reason().contains("dev-2"))
                .singleElement()
                .satisfies(
                        reason -> {
                            assertThat(reason.side()).isEqualTo(Side.CANDIDATE);
                            assertThat(reason.reason()).contains("twin");
                        });
        // the body that is not JSON: Removed on the baseline, Hot on the candidate, one reason
        assertThat(report.undefinedReasons())
                .filteredOn(
                        reason ->
                                !reason.reason().contains("twin")
                                        && !reason.reason().startsWith("condition"))
                .hasSize(2)
                .extracting(UndefinedReason::side, UndefinedReason::count)
                .containsExactly(tuple(Side.BASELINE, 1L), tuple(Side.CANDIDATE, 1L));
        assertThat(report.undefinedReasons())
                .isSortedAccordingTo((a, b) -> Long.compare(b.count(), a.count()));
    }

    private static long sum(List<UndefinedReason> reasons, Side side) {
        long sum = 0;
        for (UndefinedReason reason : reasons) {
            sum += reason.side() == side ? reason.count() : 0;
        }
        return sum;
    }

    @Test
    void reasonsBeyondTheCapAreTheLongestAndCountTogether() {
        // no level: Critical is undefined for every message, for a generic reason; and every
        // device without a twin has its own reason, naming the device
        ReplayTally tally =
                ReplayTally.create(ReplayFixtures.baseline(), ReplayFixtures.candidate(), 0, 3);
        Replayer replayer = new Replayer(ReplayFixtures.baseline(), ReplayFixtures.candidate());
        for (int device = 6; device >= 1; device--) {
            for (int repeat = 0; repeat < device; repeat++) {
                replayer.replay(
                        tally,
                        new Input(
                                telemetry("dev-" + device, "m", TEN, null, "{\"temperature\": 1}"),
                                null,
                                0));
            }
        }

        List<UndefinedReason> reasons = tally.report("devices").undefinedReasons();

        String generic = "condition evaluated to undefined";
        assertThat(reasons)
                .extracting(UndefinedReason::side, UndefinedReason::count)
                .containsExactly(
                        tuple(Side.BASELINE, 21L),
                        tuple(Side.CANDIDATE, 21L),
                        tuple(Side.CANDIDATE, 2L),
                        tuple(Side.CANDIDATE, 1L),
                        tuple(Side.CANDIDATE, 3L + 4L + 5L + 6L));
        assertThat(reasons.get(0).reason()).isEqualTo(generic);
        assertThat(reasons.get(1).reason()).isEqualTo(generic);
        assertThat(reasons.get(2).reason()).contains("'dev-2'");
        assertThat(reasons.get(3).reason()).contains("'dev-1'");
        assertThat(reasons.get(4).reason()).isEqualTo(ReplayReport.OTHER_REASONS);
    }

    @Test
    void aDeliveryOver256KbIsInvalidOnTheSideThatWouldMakeIt() {
        String big = "{\"temperature\": 1, \"padding\": \"" + "x".repeat(300 * 1024) + "\"}";
        ReplayTally tally =
                ReplayTally.create(ReplayFixtures.baseline(), ReplayFixtures.candidate(), 5);
        new Replayer(ReplayFixtures.baseline(), ReplayFixtures.candidate())
                .replay(tally, new Input(telemetry("dev-1", "big", TEN, "critical", big), null, 0));

        ReplayReport report = tally.report("one big message");

        assertThat(report.endpoints())
                .contains(new EndpointRow("A", new EndpointCounts(0, 1), new EndpointCounts(0, 1)));
        assertThat(report.baseline()).isEqualTo(new Totals(0, 1, 0, 0));
        assertThat(report.candidate()).isEqualTo(new Totals(0, 1, 0, 0));
        // no delivery on either side: the set of endpoints did not change
        assertThat(report.changedMessages()).isZero();
    }

    @Test
    void deliveriesAreBucketedByUtcHourOfEnqueuedTime() {
        ReplayReport report = sixMessagesReport(10);

        assertThat(report.deliveriesByHour())
                .containsExactly(
                        new HourRow(
                                TEN, 2, Map.of("A", 1L, "B", 1L), Map.of("events", 1L, "A", 1L)),
                        new HourRow(
                                ELEVEN,
                                3,
                                Map.of("events", 2L, "B", 1L),
                                Map.of("events", 2L, "C", 1L)),
                        new HourRow(TWELVE, 1, Map.of(), Map.of("C", 1L)));
        assertThat(report.firstEnqueuedTime()).isEqualTo(min(TEN, 5));
        assertThat(report.lastEnqueuedTime()).isEqualTo(TWELVE);
        assertThat(report.deliveriesByHour().get(1).baseline().keySet())
                .as("endpoint order of the file")
                .containsExactly("events", "B");
    }

    @Test
    void withNoBaselineRoutesEverythingFallsBackBeforehand() {
        ReplayTally tally =
                ReplayTally.create(
                        ReplayFixtures.config(ReplayFixtures.NO_ROUTES_YAML),
                        ReplayFixtures.candidate(),
                        10);
        new Replayer(
                        ReplayFixtures.config(ReplayFixtures.NO_ROUTES_YAML),
                        ReplayFixtures.candidate())
                .replay(tally, sixMessages());

        ReplayReport report = tally.report("defaults");

        // five device messages fall back; the twin change is orphaned (other sources never do)
        assertThat(report.baseline()).isEqualTo(new Totals(5, 0, 5, 1));
        assertThat(report.routes()).allSatisfy(row -> assertThat(row.baseline()).isNull());
        assertThat(report.endpoints())
                .extracting(EndpointRow::name)
                .containsExactly("events", "A", "C");
        // dev-2, dev-4 and dev-5 fall back under both files
        assertThat(report.changedMessages()).isEqualTo(3);
    }

    @Test
    void anEmptyTallyReportsNoTimeRange() {
        ReplayReport report =
                ReplayTally.create(ReplayFixtures.baseline(), ReplayFixtures.candidate(), 3)
                        .report("nothing");

        assertThat(report.messages()).isZero();
        assertThat(report.firstEnqueuedTime()).isNull();
        assertThat(report.lastEnqueuedTime()).isNull();
        assertThat(report.deliveriesByHour()).isEmpty();
        assertThat(report.routes()).hasSize(5);
    }

    @Test
    void keepsTheFirstUndecodableRecordsByWhereWithNumbersInOrder() {
        ReplayTally tally =
                ReplayTally.create(ReplayFixtures.baseline(), ReplayFixtures.candidate(), 3);
        for (int offset = 30; offset >= 0; offset--) {
            tally.addUndecodable("no connectionDeviceId", "hub-events/0/" + offset);
        }
        tally.addUnreadableBlob("archive/2024/05/01/10.avro", "not an Avro container file");
        tally.addUnreadableBlob("archive/2024/05/01/9.avro", "truncated");

        ReplayReport report = tally.report("records");

        assertThat(report.undecodableRecords()).isEqualTo(31);
        assertThat(report.undecodableExamples()).hasSize(ReplayTally.MAX_UNDECODABLE_EXAMPLES);
        assertThat(report.undecodableExamples().get(0))
                .isEqualTo(new Undecodable("no connectionDeviceId", "hub-events/0/0"));
        assertThat(report.undecodableExamples().get(10).where()).isEqualTo("hub-events/0/10");
        assertThat(report.unreadableBlobs()).isEqualTo(2);
        assertThat(report.unreadableBlobExamples())
                .containsExactly(
                        new UnreadableBlob("archive/2024/05/01/9.avro", "truncated"),
                        new UnreadableBlob(
                                "archive/2024/05/01/10.avro", "not an Avro container file"));
    }

    @Test
    void refusesArgumentsThatCannotBeTallied() {
        assertThatThrownBy(
                        () ->
                                ReplayTally.create(
                                        ReplayFixtures.baseline(), ReplayFixtures.candidate(), -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxSamples must be >= 0, not -1");
        ReplayTally tally =
                ReplayTally.create(ReplayFixtures.baseline(), ReplayFixtures.candidate(), 3);
        assertThatThrownBy(() -> tally.merge(tally))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot be merged into itself");
        ReplayTally otherFiles =
                ReplayTally.create(ReplayFixtures.candidate(), ReplayFixtures.candidate(), 3);
        assertThatThrownBy(() -> tally.merge(otherFiles))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("same baseline and candidate files");
        ReplayTally otherSamples =
                ReplayTally.create(ReplayFixtures.baseline(), ReplayFixtures.candidate(), 4);
        assertThatThrownBy(() -> tally.merge(otherSamples))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("same maxSamples");
    }

    @Test
    void replayedMessageTakesTheEnqueuedTimeFromTheMessageWhenItHasOne() {
        ReplayedMessage withTime =
                ReplayedMessage.of(telemetry("dev-1", "m-1", TEN, null, "{}"), 42L);
        ReplayedMessage withoutTime = ReplayedMessage.of(twinChange("dev-6"), 42L);

        assertThat(withTime)
                .isEqualTo(new ReplayedMessage("m-1", "dev-1", null, TEN.toEpochMilli()));
        assertThat(withoutTime).isEqualTo(new ReplayedMessage(null, "dev-6", null, 42L));
    }
}
