package io.hubroute.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hubroute.query.RouteResult;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplayReportJsonTest {
    /** A report with one of everything, as docs/replay-report.md shows it. */
    static ReplayReport smallReport() {
        Map<String, Long> baselineHour = new LinkedHashMap<>();
        baselineHour.put("events", 7L);
        baselineHour.put("B", 3L);
        Map<String, Long> candidateHour = new LinkedHashMap<>();
        candidateHour.put("events", 5L);
        candidateHour.put("C", 5L);
        return new ReplayReport(
                "kafka hub-events 2024-05-01T10:00Z..2024-05-01T11:00Z",
                10,
                Instant.parse("2024-05-01T10:00:00.250Z"),
                Instant.parse("2024-05-01T10:59:59Z"),
                5,
                new Totals(10, 0, 7, 0),
                new Totals(10, 1, 5, 0),
                List.of(
                        new RouteRow("Hot", null, new RouteCounts(5, 4, 1)),
                        new RouteRow("Removed", new RouteCounts(3, 7, 0), null)),
                List.of(
                        new EndpointRow(
                                "events", new EndpointCounts(7, 0), new EndpointCounts(5, 0)),
                        new EndpointRow("C", null, new EndpointCounts(5, 1)),
                        new EndpointRow("B", new EndpointCounts(3, 0), null)),
                List.of(
                        new Sample(
                                new ReplayedMessage(
                                        "m-1",
                                        "sensor-7",
                                        null,
                                        Instant.parse("2024-05-01T10:00:00.250Z").toEpochMilli()),
                                new SampleSide(List.of("events"), true),
                                new SampleSide(List.of("C"), false),
                                List.of(new RouteChange("Hot", null, RouteResult.TRUE)),
                                1)),
                List.of(new UndefinedReason(Side.CANDIDATE, "condition evaluated to undefined", 1)),
                List.of(
                        new HourRow(
                                Instant.parse("2024-05-01T10:00:00Z"),
                                10,
                                baselineHour,
                                candidateHour)),
                1,
                List.of(new Undecodable("no connectionDeviceId", "hub-events/0/17")),
                1,
                List.of(new UnreadableBlob("archive/0/2024/05/01/10/00.avro", "truncated")));
    }

    private static final String SMALL_REPORT_JSON =
            """
            {
              "version" : 1,
              "source" : "kafka hub-events 2024-05-01T10:00Z..2024-05-01T11:00Z",
              "messages" : 10,
              "firstEnqueuedTime" : "2024-05-01T10:00:00.250Z",
              "lastEnqueuedTime" : "2024-05-01T10:59:59Z",
              "changedMessages" : 5,
              "baseline" : {
                "deliveries" : 10,
                "invalid" : 0,
                "fallback" : 7,
                "orphaned" : 0
              },
              "candidate" : {
                "deliveries" : 10,
                "invalid" : 1,
                "fallback" : 5,
                "orphaned" : 0
              },
              "routes" : [ {
                "name" : "Hot",
                "baseline" : null,
                "candidate" : {
                  "true" : 5,
                  "false" : 4,
                  "undefined" : 1
                }
              }, {
                "name" : "Removed",
                "baseline" : {
                  "true" : 3,
                  "false" : 7,
                  "undefined" : 0
                },
                "candidate" : null
              } ],
              "endpoints" : [ {
                "name" : "events",
                "baseline" : {
                  "deliveries" : 7,
                  "invalid" : 0
                },
                "candidate" : {
                  "deliveries" : 5,
                  "invalid" : 0
                }
              }, {
                "name" : "C",
                "baseline" : null,
                "candidate" : {
                  "deliveries" : 5,
                  "invalid" : 1
                }
              }, {
                "name" : "B",
                "baseline" : {
                  "deliveries" : 3,
                  "invalid" : 0
                },
                "candidate" : null
              } ],
              "samples" : [ {
                "messageId" : "m-1",
                "deviceId" : "sensor-7",
                "moduleId" : null,
                "enqueuedTime" : "2024-05-01T10:00:00.250Z",
                "baseline" : {
                  "endpoints" : [ "events" ],
                  "fallback" : true
                },
                "candidate" : {
                  "endpoints" : [ "C" ],
                  "fallback" : false
                },
                "changedRoutes" : [ {
                  "name" : "Hot",
                  "baseline" : null,
                  "candidate" : "true"
                } ],
                "changedRouteCount" : 1
              } ],
              "undefinedReasons" : [ {
                "side" : "candidate",
                "reason" : "condition evaluated to undefined",
                "count" : 1
              } ],
              "deliveriesByHour" : [ {
                "hour" : "2024-05-01T10:00:00Z",
                "messages" : 10,
                "baseline" : {
                  "events" : 7,
                  "B" : 3
                },
                "candidate" : {
                  "events" : 5,
                  "C" : 5
                }
              } ],
              "undecodable" : {
                "count" : 1,
                "examples" : [ {
                  "reason" : "no connectionDeviceId",
                  "where" : "hub-events/0/17"
                } ]
              },
              "unreadableBlobs" : {
                "count" : 1,
                "blobs" : [ {
                  "name" : "archive/0/2024/05/01/10/00.avro",
                  "reason" : "truncated"
                } ]
              }
            }
            """;

    @Test
    void writesTheDocumentedShape() {
        assertThat(smallReport().toJson()).isEqualTo(SMALL_REPORT_JSON);
    }

    @Test
    void theDocumentShowsTheShapeWritten() throws Exception {
        // docs/replay-report.md carries the same example; keep the two in step
        Path doc = Path.of(System.getProperty("basedir", "."), "../../docs/replay-report.md");
        String text = Files.readString(doc);
        int start = text.indexOf("```json\n") + "```json\n".length();
        int end = text.indexOf("```", start);

        assertThat(text.substring(start, end)).isEqualTo(SMALL_REPORT_JSON);
    }

    @Test
    void readsWhatItWrites() {
        ReplayReport report = smallReport();

        assertThat(ReplayReport.fromJson(report.toJson())).isEqualTo(report);
    }

    @Test
    void readsAReportOfRealDecisionsBack() {
        ReplayTally tally =
                ReplayTally.create(ReplayFixtures.baseline(), ReplayFixtures.candidate(), 10);
        new ReplayFixtures.Replayer(ReplayFixtures.baseline(), ReplayFixtures.candidate())
                .replay(tally, ReplayTallyTest.sixMessages());
        tally.addUndecodable("not \"JSON\"\n", "hub-events/1/2");
        ReplayReport report = tally.report("six messages");

        ReplayReport read = ReplayReport.fromJson(report.toJson());

        assertThat(read).isEqualTo(report);
        assertThat(read.toJson()).isEqualTo(report.toJson());
    }

    @Test
    void readsAnEmptyReportBack() {
        ReplayReport empty =
                ReplayTally.create(ReplayFixtures.baseline(), ReplayFixtures.candidate(), 3)
                        .report("");

        assertThat(empty.toJson()).contains("\"firstEnqueuedTime\" : null");
        assertThat(ReplayReport.fromJson(empty.toJson())).isEqualTo(empty);
    }

    @Test
    void refusesAnotherVersionAndNamesWhatIsMissing() {
        String json = smallReport().toJson();

        assertThatThrownBy(
                        () ->
                                ReplayReport.fromJson(
                                        json.replace("\"version\" : 1", "\"version\" : 2")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "replay report version 2 is not supported: this hubroute reads version 1;"
                                + " write the report again with this hubroute");
        assertThatThrownBy(
                        () ->
                                ReplayReport.fromJson(
                                        json.replace("\"changedMessages\"", "\"changed\"")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("a replay report misses \"changedMessages\" in {");
        assertThatThrownBy(
                        () ->
                                ReplayReport.fromJson(
                                        json.replace(
                                                "\"count\" : 1,\n    \"examples\"",
                                                "\"count\" : \"1\",\n    \"examples\"")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("in a replay report, \"count\" must be a whole number, not \"1\"");
        assertThatThrownBy(() -> ReplayReport.fromJson("{\"version\": 1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("a replay report is not JSON: ");
    }
}
