package io.hubroute.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.hubroute.replay.ReplayReport.EndpointCounts;
import io.hubroute.replay.ReplayReport.EndpointRow;
import io.hubroute.replay.ReplayReport.RouteCounts;
import io.hubroute.replay.ReplayReport.RouteRow;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ReplayReportTableTest {
    private static ReplayReport sixMessages() {
        ReplayTally tally =
                ReplayTally.create(ReplayFixtures.baseline(), ReplayFixtures.candidate(), 10);
        new ReplayFixtures.Replayer(ReplayFixtures.baseline(), ReplayFixtures.candidate())
                .replay(tally, ReplayTallyTest.sixMessages());
        tally.addUndecodable("no connectionDeviceId", "hub-events/0/17");
        tally.addUnreadableBlob("archive/0/10.avro", "truncated");
        return tally.report("six messages");
    }

    private static List<String> lines(String text) {
        return List.of(text.split("\n"));
    }

    /** The line that starts (after indentation) with these cells, two spaces or more apart. */
    private static String row(String text, String... cells) {
        String pattern = "\\s*" + String.join("\\s{2,}", quoted(cells)) + "\\s*";
        return lines(text).stream()
                .filter(line -> line.matches(pattern))
                .findFirst()
                .orElseThrow(
                        () -> new AssertionError("no line " + List.of(cells) + " in\n" + text));
    }

    private static String[] quoted(String[] cells) {
        String[] quoted = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            quoted[i] = Pattern.quote(cells[i]);
        }
        return quoted;
    }

    @Test
    void showsTheSummary() {
        String text = ReplayReportTable.render(sixMessages());

        assertThat(text).startsWith("hubroute replay: six messages\n");
        assertThat(
                        row(
                                text,
                                "messages read",
                                "6, enqueued 2024-05-01T10:05:00Z .. 2024-05-01T12:00:00Z"))
                .isNotNull();
        assertThat(row(text, "changed messages", "3 (their endpoints differ)")).isNotNull();
        assertThat(row(text, "fallback", "2 -> 3")).isNotNull();
        assertThat(row(text, "orphaned", "1 -> 0")).isNotNull();
        assertThat(row(text, "deliveries", "5 -> 6")).isNotNull();
        assertThat(row(text, "undecodable records", "1")).isNotNull();
        assertThat(row(text, "unreadable blobs", "1")).isNotNull();
    }

    @Test
    void showsEachRouteUnderBothFilesWithAMarkWhereTheyDiffer() {
        String text = ReplayReportTable.render(sixMessages());

        row(text, "route", "true", "false", "undefined", "true", "false", "undefined");
        row(text, "Critical", "1", "3", "1", "1", "3", "1");
        row(text, "*", "Building", "-", "-", "-", "1", "2", "2");
        row(text, "*", "Removed", "2", "2", "1", "-", "-", "-");
    }

    @Test
    void alignsNumbersUnderTheirHeaders() {
        ReplayReport report =
                new ReplayReport(
                        "aligned",
                        123456,
                        null,
                        null,
                        0,
                        new ReplayReport.Totals(0, 0, 0, 0),
                        new ReplayReport.Totals(0, 0, 0, 0),
                        List.of(
                                new RouteRow(
                                        "a-rather-long-route-name",
                                        new RouteCounts(123456, 7, 0),
                                        new RouteCounts(5, 123456, 0)),
                                new RouteRow("r", null, new RouteCounts(1, 22, 333))),
                        List.of(
                                new EndpointRow(
                                        "events",
                                        new EndpointCounts(123456, 0),
                                        new EndpointCounts(7, 0))),
                        List.of(),
                        List.of(),
                        List.of(),
                        0,
                        List.of(),
                        0,
                        List.of());

        String text = ReplayReportTable.render(report);
        String header =
                row(text, "route", "true", "false", "undefined", "true", "false", "undefined");
        String first =
                row(text, "*", "a-rather-long-route-name", "123456", "7", "0", "5", "123456", "0");
        String second = row(text, "*", "r", "-", "-", "-", "1", "22", "333");

        // every column ends where its header ends; the baseline/candidate labels start over theirs
        assertThat(first).hasSameSizeAs(header);
        assertThat(second).hasSameSizeAs(header);
        for (String cell : List.of("7", "123456")) {
            int end = first.indexOf("  " + cell + " ") + 2 + cell.length();
            assertThat(header.charAt(end - 1)).as("header above %s", cell).isNotEqualTo(' ');
            assertThat(end == header.length() || header.charAt(end) == ' ').isTrue();
        }
        String groups = lines(text).get(lines(text).indexOf(header) - 1);
        int baselineTrueEnd = header.indexOf("true") + "true".length();
        int candidateTrueEnd = header.indexOf("true", baselineTrueEnd) + "true".length();
        assertThat(groups.indexOf("baseline")).isEqualTo(baselineTrueEnd - "123456".length());
        assertThat(groups.indexOf("candidate")).isEqualTo(candidateTrueEnd - "true".length());
        assertThat(row(text, "*", "events", "123456", "7", "-123449")).isNotNull();
    }

    @Test
    void showsEndpointsWithTheirDelta() {
        String text = ReplayReportTable.render(sixMessages());

        row(text, "endpoint", "baseline", "candidate", "delta");
        row(text, "*", "events", "2", "3", "+1");
        row(text, "A", "1", "1", "0");
        row(text, "*", "C", "-", "2", "+2");
        row(text, "*", "B", "2", "-", "-2");
    }

    @Test
    void showsSamplesReasonsAndWhatCouldNotBeRead() {
        String text = ReplayReportTable.render(sixMessages());

        assertThat(text)
                .contains("changed messages: 3, the first 3:\n")
                .contains(
                        "  2024-05-01T10:30:00Z  device dev-2  message id m-2\n"
                                + "      endpoints: B -> events (fallback)\n"
                                + "      routes:    Removed true -> (not decided)\n")
                .contains(
                        "      routes:    Hot (not decided) -> true, Removed true -> (not decided)\n")
                .contains("device dev-6  message id (none)\n      endpoints: (none) -> C\n")
                .contains("most frequent undefined reasons\n")
                .contains("undecodable records: 1\n  hub-events/0/17: no connectionDeviceId\n")
                .contains("unreadable blobs: 1\n  archive/0/10.avro: truncated\n");
        row(text, "candidate", "1", "condition evaluated to undefined");
    }

    @Test
    void controlCharactersCannotDriveTheTerminal() {
        ReplayTally tally =
                ReplayTally.create(ReplayFixtures.baseline(), ReplayFixtures.candidate(), 1);
        tally.addUndecodable("bad\u001b[2Jreason", "where\nnext");

        String text = ReplayReportTable.render(tally.report("source\u001b]0;title\u0007"));

        assertThat(text).doesNotContain("\u001b").doesNotContain("\u0007");
        assertThat(text).contains("hubroute replay: source?]0;title?\n");
        assertThat(text).contains("  where?next: bad?[2Jreason\n");
    }
}
