package io.hubroute.replay;

import io.hubroute.query.RouteResult;
import io.hubroute.replay.ReplayReport.EndpointRow;
import io.hubroute.replay.ReplayReport.RouteChange;
import io.hubroute.replay.ReplayReport.RouteCounts;
import io.hubroute.replay.ReplayReport.RouteRow;
import io.hubroute.replay.ReplayReport.Sample;
import io.hubroute.replay.ReplayReport.SampleSide;
import io.hubroute.replay.ReplayReport.Undecodable;
import io.hubroute.replay.ReplayReport.UndefinedReason;
import io.hubroute.replay.ReplayReport.UnreadableBlob;
import java.util.ArrayList;
import java.util.List;

/**
 * A replay report as plain text for a terminal: the summary, the routes and endpoints side by side
 * with a {@code *} on the rows that differ, the samples, the most frequent undefined reasons and
 * what could not be read. Columns are aligned; control characters in names and reasons are shown as
 * {@code ?} so a message cannot drive the terminal.
 *
 * <pre>{@code
 * System.out.print(ReplayReportTable.render(report));
 * }</pre>
 */
public final class ReplayReportTable {
    /** Undefined reasons listed; the JSON report has all of them. */
    static final int REASONS_SHOWN = 10;

    /** Undecodable records and unreadable blobs listed; the JSON report has more. */
    static final int PROBLEMS_SHOWN = 5;

    private static final String ABSENT = "-";

    private ReplayReportTable() {}

    /** The report as lines of text, each ending with a newline. */
    public static String render(ReplayReport report) {
        StringBuilder out = new StringBuilder();
        out.append("hubroute replay: ").append(printable(report.source())).append('\n');
        TextTable summary = new TextTable(false, false);
        summary.row(
                "messages read",
                report.messages()
                        + (report.firstEnqueuedTime() == null
                                ? ""
                                : ", enqueued "
                                        + report.firstEnqueuedTime()
                                        + " .. "
                                        + report.lastEnqueuedTime()));
        summary.row("changed messages", report.changedMessages() + " (their endpoints differ)");
        summary.row("", "baseline -> candidate");
        summary.row(
                "deliveries",
                report.baseline().deliveries() + " -> " + report.candidate().deliveries());
        summary.row(
                "fallback", report.baseline().fallback() + " -> " + report.candidate().fallback());
        summary.row(
                "orphaned", report.baseline().orphaned() + " -> " + report.candidate().orphaned());
        summary.row(
                "invalid (over 256 KB)",
                report.baseline().invalid() + " -> " + report.candidate().invalid());
        summary.row("undecodable records", Long.toString(report.undecodableRecords()));
        summary.row("unreadable blobs", Long.toString(report.unreadableBlobs()));
        summary.render(out);

        out.append("\nroutes (* the results differ; - not in that file)\n");
        TextTable routes = new TextTable(true, true);
        routes.group(2, "baseline");
        routes.group(5, "candidate");
        routes.header("", "route", "true", "false", "undefined", "true", "false", "undefined");
        for (RouteRow row : report.routes()) {
            List<String> cells = new ArrayList<>();
            cells.add(row.differs() ? "*" : "");
            cells.add(printable(row.name()));
            addCounts(cells, row.baseline());
            addCounts(cells, row.candidate());
            routes.row(cells.toArray(new String[0]));
        }
        routes.render(out);

        out.append("\nendpoints (* the counts differ; - not in that file)\n");
        boolean anyInvalid = report.baseline().invalid() + report.candidate().invalid() > 0;
        TextTable endpoints = new TextTable(true, true);
        if (anyInvalid) {
            endpoints.group(5, "invalid (over 256 KB)");
            endpoints.header(
                    "", "endpoint", "baseline", "candidate", "delta", "baseline", "candidate");
        } else {
            endpoints.header("", "endpoint", "baseline", "candidate", "delta");
        }
        for (EndpointRow row : report.endpoints()) {
            List<String> cells = new ArrayList<>();
            cells.add(row.differs() ? "*" : "");
            cells.add(printable(row.name()));
            cells.add(row.baseline() == null ? ABSENT : Long.toString(row.baseline().deliveries()));
            cells.add(
                    row.candidate() == null ? ABSENT : Long.toString(row.candidate().deliveries()));
            cells.add(signed(row.delta()));
            if (anyInvalid) {
                cells.add(
                        row.baseline() == null ? ABSENT : Long.toString(row.baseline().invalid()));
                cells.add(
                        row.candidate() == null
                                ? ABSENT
                                : Long.toString(row.candidate().invalid()));
            }
            endpoints.row(cells.toArray(new String[0]));
        }
        endpoints.render(out);

        renderSamples(report, out);
        renderReasons(report, out);
        renderProblems(report, out);
        return out.toString();
    }

    private static void addCounts(List<String> cells, RouteCounts counts) {
        for (RouteResult result : RouteResult.values()) {
            cells.add(counts == null ? ABSENT : Long.toString(counts.count(result)));
        }
    }

    private static void renderSamples(ReplayReport report, StringBuilder out) {
        out.append("\nchanged messages: ").append(report.changedMessages());
        if (report.samples().isEmpty()) {
            out.append('\n');
            return;
        }
        out.append(", the first ").append(report.samples().size()).append(":\n");
        for (Sample sample : report.samples()) {
            ReplayedMessage message = sample.message();
            out.append("  ")
                    .append(message.enqueuedTime())
                    .append("  device ")
                    .append(printable(message.deviceId()));
            if (message.moduleId() != null) {
                out.append("  module ").append(printable(message.moduleId()));
            }
            out.append("  message id ")
                    .append(message.messageId() == null ? "(none)" : printable(message.messageId()))
                    .append('\n');
            out.append("      endpoints: ")
                    .append(endpoints(sample.baseline()))
                    .append(" -> ")
                    .append(endpoints(sample.candidate()))
                    .append('\n');
            if (sample.changedRouteCount() > 0) {
                out.append("      routes:    ");
                List<RouteChange> changes = sample.changedRoutes();
                for (int i = 0; i < changes.size(); i++) {
                    RouteChange change = changes.get(i);
                    out.append(i == 0 ? "" : ", ")
                            .append(printable(change.route()))
                            .append(' ')
                            .append(result(change.baseline()))
                            .append(" -> ")
                            .append(result(change.candidate()));
                }
                int unlisted = sample.changedRouteCount() - changes.size();
                if (unlisted > 0) {
                    out.append(" and ").append(unlisted).append(" more");
                }
                out.append('\n');
            }
        }
    }

    private static String endpoints(SampleSide side) {
        StringBuilder text = new StringBuilder();
        if (side.endpoints().isEmpty()) {
            text.append("(none)");
        }
        for (int i = 0; i < side.endpoints().size(); i++) {
            text.append(i == 0 ? "" : ", ").append(printable(side.endpoints().get(i)));
        }
        return side.fallback() ? text.append(" (fallback)").toString() : text.toString();
    }

    private static String result(RouteResult result) {
        return result == null ? "(not decided)" : result.text();
    }

    private static void renderReasons(ReplayReport report, StringBuilder out) {
        List<UndefinedReason> reasons = report.undefinedReasons();
        if (reasons.isEmpty()) {
            out.append("\nundefined results: none\n");
            return;
        }
        out.append("\nmost frequent undefined reasons\n");
        TextTable table = new TextTable(true, true);
        table.header("side", "count", "reason");
        int shown = 0;
        for (UndefinedReason reason : reasons) {
            if (shown == REASONS_SHOWN && !reason.reason().equals(ReplayReport.OTHER_REASONS)) {
                continue;
            }
            shown++;
            table.row(
                    reason.side().text(),
                    Long.toString(reason.count()),
                    printable(reason.reason()));
        }
        table.render(out);
        if (shown < reasons.size()) {
            out.append("  (")
                    .append(reasons.size() - shown)
                    .append(" less frequent reasons are in the JSON report)\n");
        }
    }

    private static void renderProblems(ReplayReport report, StringBuilder out) {
        if (report.undecodableRecords() > 0) {
            out.append("\nundecodable records: ").append(report.undecodableRecords()).append('\n');
            List<Undecodable> examples = report.undecodableExamples();
            for (int i = 0; i < examples.size() && i < PROBLEMS_SHOWN; i++) {
                out.append("  ")
                        .append(printable(examples.get(i).where()))
                        .append(": ")
                        .append(printable(examples.get(i).reason()))
                        .append('\n');
            }
        }
        if (report.unreadableBlobs() > 0) {
            out.append("\nunreadable blobs: ").append(report.unreadableBlobs()).append('\n');
            List<UnreadableBlob> blobs = report.unreadableBlobExamples();
            for (int i = 0; i < blobs.size() && i < PROBLEMS_SHOWN; i++) {
                out.append("  ")
                        .append(printable(blobs.get(i).name()))
                        .append(": ")
                        .append(printable(blobs.get(i).reason()))
                        .append('\n');
            }
        }
    }

    private static String signed(long value) {
        return value > 0 ? "+" + value : Long.toString(value);
    }

    /** Text safe for a terminal: control characters (escape sequences, newlines) become '?'. */
    static String printable(String text) {
        StringBuilder safe = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c)) {
                if (safe == null) {
                    safe = new StringBuilder(text.substring(0, i));
                }
                safe.append('?');
            } else if (safe != null) {
                safe.append(c);
            }
        }
        return safe == null ? text : safe.toString();
    }

    /** Columns padded to their widest cell, two spaces apart; numbers right-aligned. */
    private static final class TextTable {
        private final boolean indent;
        private final boolean alignNumbers;
        private final List<String[]> rows = new ArrayList<>();
        private final List<Integer> groupColumns = new ArrayList<>();
        private final List<String> groupLabels = new ArrayList<>();
        private String[] header;

        TextTable(boolean indent, boolean alignNumbers) {
            this.indent = indent;
            this.alignNumbers = alignNumbers;
        }

        /** A label over the header, starting at a column. */
        void group(int column, String label) {
            groupColumns.add(column);
            groupLabels.add(label);
        }

        void header(String... cells) {
            header = cells;
        }

        void row(String... cells) {
            rows.add(cells);
        }

        void render(StringBuilder out) {
            int columns = header != null ? header.length : rows.isEmpty() ? 0 : rows.get(0).length;
            int[] widths = new int[columns];
            boolean[] numeric = new boolean[columns];
            for (int column = 0; column < columns; column++) {
                numeric[column] = alignNumbers && !rows.isEmpty();
            }
            List<String[]> all = new ArrayList<>(rows);
            if (header != null) {
                all.add(header);
            }
            for (String[] row : all) {
                for (int column = 0; column < columns; column++) {
                    widths[column] = Math.max(widths[column], row[column].length());
                }
            }
            for (String[] row : rows) {
                for (int column = 0; column < columns; column++) {
                    numeric[column] &= isNumber(row[column]);
                }
            }
            String prefix = indent ? "  " : "";
            if (!groupColumns.isEmpty()) {
                StringBuilder line = new StringBuilder(prefix);
                for (int g = 0; g < groupColumns.size(); g++) {
                    int offset = prefix.length();
                    for (int column = 0; column < groupColumns.get(g); column++) {
                        offset += widths[column] + 2;
                    }
                    while (line.length() < offset) {
                        line.append(' ');
                    }
                    line.append(groupLabels.get(g)).append(' ');
                }
                out.append(stripTrailing(line)).append('\n');
            }
            if (header != null) {
                appendRow(out, prefix, header, widths, numeric);
            }
            for (String[] row : rows) {
                appendRow(out, prefix, row, widths, numeric);
            }
        }

        private static void appendRow(
                StringBuilder out, String prefix, String[] cells, int[] widths, boolean[] numeric) {
            StringBuilder line = new StringBuilder(prefix);
            for (int column = 0; column < cells.length; column++) {
                String cell = cells[column];
                int padding = widths[column] - cell.length();
                if (numeric[column]) {
                    line.append(" ".repeat(padding)).append(cell);
                } else {
                    line.append(cell).append(" ".repeat(padding));
                }
                if (column < cells.length - 1) {
                    line.append("  ");
                }
            }
            out.append(stripTrailing(line)).append('\n');
        }

        private static String stripTrailing(StringBuilder line) {
            int end = line.length();
            while (end > 0 && line.charAt(end - 1) == ' ') {
                end--;
            }
            return line.substring(0, end);
        }

        /** A count, a signed delta, or the mark of an absent side. */
        private static boolean isNumber(String cell) {
            if (cell.equals(ABSENT)) {
                return true;
            }
            int start = cell.startsWith("+") || cell.startsWith("-") ? 1 : 0;
            if (start == cell.length()) {
                return false;
            }
            for (int i = start; i < cell.length(); i++) {
                if (cell.charAt(i) < '0' || cell.charAt(i) > '9') {
                    return false;
                }
            }
            return true;
        }
    }
}
