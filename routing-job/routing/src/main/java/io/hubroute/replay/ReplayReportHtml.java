package io.hubroute.replay;

import io.hubroute.query.RouteResult;
import io.hubroute.replay.ReplayReport.EndpointRow;
import io.hubroute.replay.ReplayReport.HourRow;
import io.hubroute.replay.ReplayReport.RouteChange;
import io.hubroute.replay.ReplayReport.RouteCounts;
import io.hubroute.replay.ReplayReport.RouteRow;
import io.hubroute.replay.ReplayReport.Sample;
import io.hubroute.replay.ReplayReport.SampleSide;
import io.hubroute.replay.ReplayReport.Side;
import io.hubroute.replay.ReplayReport.Undecodable;
import io.hubroute.replay.ReplayReport.UndefinedReason;
import io.hubroute.replay.ReplayReport.UnreadableBlob;
import java.util.List;

/**
 * A replay report as one self-contained HTML page a reviewer can attach to a route change: inline
 * CSS and inline SVG charts, no script, and nothing fetched from anywhere (the page names no URL at
 * all, so it renders the same offline and under any content security policy).
 *
 * <p>Charts: each route's true/false/undefined results under both files (stacked bars), each
 * endpoint's deliveries under both files (grouped bars), and each endpoint's deliveries per hour
 * under both files (lines). Every bar and point carries its number in {@code data-*} attributes
 * ({@code data-route}, {@code data-endpoint}, {@code data-side}, {@code data-result}, {@code
 * data-hour}, {@code data-value}) and in a {@code <title>} tooltip. The markup is well-formed XML,
 * and every name, reason and id is escaped.
 *
 * <pre>{@code
 * Files.writeString(Path.of("replay.html"), ReplayReportHtml.render(report));
 * }</pre>
 */
public final class ReplayReportHtml {
    private static final int CHART_WIDTH = 960;
    private static final int LABEL_WIDTH = 240;
    private static final int BAR_AREA = 560;
    private static final int BAR_HEIGHT = 12;
    private static final int ROW_HEIGHT = 34;
    private static final int LABEL_CHARACTERS = 34;
    private static final int TIMELINE_HEIGHT = 170;
    private static final int TIMELINE_TOP = 14;
    private static final int TIMELINE_BOTTOM = 28;
    private static final int TIMELINE_LEFT = 60;
    private static final int TIMELINE_RIGHT = 20;

    private static final String STYLE =
            String.join(
                    "\n",
                    "body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1100px}",
                    "h1{font-size:22px}h2{font-size:18px;margin-top:32px}",
                    "table{border-collapse:collapse;margin:8px 0}",
                    "th,td{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}",
                    "td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}",
                    "tr.differs td{background:#fff4e0}",
                    ".muted{color:#777}",
                    ".legend span{display:inline-block;margin-right:16px}",
                    ".swatch{display:inline-block;width:12px;height:12px;margin-right:4px;"
                            + "vertical-align:middle}",
                    "svg text{font-size:11px;fill:#333}",
                    "rect.true,.swatch.true{fill:#2e7d32;background:#2e7d32}",
                    "rect.false,.swatch.false{fill:#9e9e9e;background:#9e9e9e}",
                    "rect.undefined,.swatch.undefined{fill:#f9a825;background:#f9a825}",
                    "rect.baseline,.swatch.baseline{fill:#90a4ae;background:#90a4ae}",
                    "rect.candidate,.swatch.candidate{fill:#1565c0;background:#1565c0}",
                    "polyline.baseline{stroke:#90a4ae;stroke-dasharray:4 3;fill:none;"
                            + "stroke-width:1.5}",
                    "polyline.candidate{stroke:#1565c0;fill:none;stroke-width:1.5}",
                    "circle.baseline{fill:#90a4ae}circle.candidate{fill:#1565c0}",
                    "line.axis{stroke:#999}",
                    "code{font-size:12px}");

    private ReplayReportHtml() {}

    /** The page, as one UTF-8 HTML document. */
    public static String render(ReplayReport report) {
        StringBuilder html = new StringBuilder(16_384);
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n")
                .append("<title>hubroute replay: ")
                .append(escape(report.source()))
                .append("</title>\n<style>\n")
                .append(STYLE)
                .append("\n</style>\n</head>\n<body>\n");
        html.append("<h1>hubroute replay: what the candidate routes would have done</h1>\n");
        summary(report, html);
        routes(report, html);
        endpoints(report, html);
        timelines(report, html);
        samples(report, html);
        reasons(report, html);
        problems(report, html);
        html.append("</body>\n</html>\n");
        return html.toString();
    }

    private static void summary(ReplayReport report, StringBuilder html) {
        html.append("<table class=\"summary\">\n");
        summaryRow(html, "source", escape(report.source()));
        summaryRow(html, "messages read", Long.toString(report.messages()));
        if (report.firstEnqueuedTime() != null) {
            summaryRow(
                    html,
                    "enqueued",
                    report.firstEnqueuedTime() + " .. " + report.lastEnqueuedTime());
        }
        summaryRow(
                html,
                "changed messages",
                report.changedMessages()
                        + " <span class=\"muted\">(their endpoints differ)</span>");
        summaryRow(
                html,
                "deliveries",
                report.baseline().deliveries() + " → " + report.candidate().deliveries());
        summaryRow(
                html,
                "fallback",
                report.baseline().fallback() + " → " + report.candidate().fallback());
        summaryRow(
                html,
                "orphaned",
                report.baseline().orphaned() + " → " + report.candidate().orphaned());
        summaryRow(
                html,
                "invalid (over 256 KB)",
                report.baseline().invalid() + " → " + report.candidate().invalid());
        summaryRow(html, "undecodable records", Long.toString(report.undecodableRecords()));
        summaryRow(html, "unreadable blobs", Long.toString(report.unreadableBlobs()));
        html.append("</table>\n<p class=\"muted\">baseline → candidate</p>\n");
    }

    private static void summaryRow(StringBuilder html, String label, String valueHtml) {
        html.append("<tr><th>")
                .append(label)
                .append("</th><td>")
                .append(valueHtml)
                .append("</td></tr>\n");
    }

    private static void routes(ReplayReport report, StringBuilder html) {
        html.append("<h2>Routes</h2>\n<p class=\"legend\">")
                .append(swatch("true", "true"))
                .append(swatch("false", "false"))
                .append(swatch("undefined", "undefined"))
                .append("<span>upper bar baseline (paler), lower bar candidate</span></p>\n");
        List<RouteRow> rows = report.routes();
        long max = 1;
        for (RouteRow row : rows) {
            max = Math.max(max, total(row.baseline()));
            max = Math.max(max, total(row.candidate()));
        }
        int height = Math.max(ROW_HEIGHT, rows.size() * ROW_HEIGHT) + 8;
        openSvg(html, "routes-chart", "results per route, baseline and candidate", height);
        for (int i = 0; i < rows.size(); i++) {
            RouteRow row = rows.get(i);
            int top = 4 + i * ROW_HEIGHT;
            label(html, row.name(), top + BAR_HEIGHT + 2);
            stackedBar(html, row.name(), Side.BASELINE, row.baseline(), top, max);
            stackedBar(
                    html, row.name(), Side.CANDIDATE, row.candidate(), top + BAR_HEIGHT + 2, max);
        }
        html.append("</svg>\n");

        html.append("<table class=\"routes\">\n<tr><th rowspan=\"2\">route</th>")
                .append(
                        "<th colspan=\"3\">baseline</th><th colspan=\"3\">candidate</th></tr>\n<tr>")
                .append("<th class=\"n\">true</th><th class=\"n\">false</th>")
                .append("<th class=\"n\">undefined</th><th class=\"n\">true</th>")
                .append("<th class=\"n\">false</th><th class=\"n\">undefined</th></tr>\n");
        for (RouteRow row : rows) {
            html.append(row.differs() ? "<tr class=\"differs\">" : "<tr>")
                    .append("<td>")
                    .append(escape(row.name()))
                    .append("</td>");
            countCells(html, row.baseline());
            countCells(html, row.candidate());
            html.append("</tr>\n");
        }
        html.append("</table>\n");
    }

    private static long total(RouteCounts counts) {
        return counts == null
                ? 0
                : counts.trueCount() + counts.falseCount() + counts.undefinedCount();
    }

    private static void stackedBar(
            StringBuilder html, String route, Side side, RouteCounts counts, int top, long max) {
        if (counts == null) {
            text(html, LABEL_WIDTH + 4, top + BAR_HEIGHT - 2, "not in the " + side + " file");
            return;
        }
        double x = LABEL_WIDTH;
        for (RouteResult result : RouteResult.values()) {
            long value = counts.count(result);
            double width = BAR_AREA * (double) value / max;
            html.append("<rect class=\"")
                    .append(result.text())
                    .append("\" x=\"")
                    .append(number(x))
                    .append("\" y=\"")
                    .append(top)
                    .append("\" width=\"")
                    .append(number(width))
                    .append("\" height=\"")
                    .append(BAR_HEIGHT)
                    .append(side == Side.BASELINE ? "\" opacity=\"0.55" : "")
                    .append("\" data-route=\"")
                    .append(escape(route))
                    .append("\" data-side=\"")
                    .append(side.text())
                    .append("\" data-result=\"")
                    .append(result.text())
                    .append("\" data-value=\"")
                    .append(value)
                    .append("\"><title>")
                    .append(escape(route))
                    .append(", ")
                    .append(side.text())
                    .append(": ")
                    .append(result.text())
                    .append(' ')
                    .append(value)
                    .append("</title></rect>\n");
            x += width;
        }
        text(
                html,
                LABEL_WIDTH + BAR_AREA + 8,
                top + BAR_HEIGHT - 2,
                side.text()
                        + " "
                        + counts.trueCount()
                        + " / "
                        + counts.falseCount()
                        + " / "
                        + counts.undefinedCount());
    }

    private static void countCells(StringBuilder html, RouteCounts counts) {
        for (RouteResult result : RouteResult.values()) {
            html.append("<td class=\"n\">")
                    .append(counts == null ? "–" : Long.toString(counts.count(result)))
                    .append("</td>");
        }
    }

    private static void endpoints(ReplayReport report, StringBuilder html) {
        html.append("<h2>Endpoints</h2>\n<p class=\"legend\">")
                .append(swatch("baseline", "baseline"))
                .append(swatch("candidate", "candidate"))
                .append("<span>deliveries</span></p>\n");
        List<EndpointRow> rows = report.endpoints();
        long max = 1;
        for (EndpointRow row : rows) {
            max =
                    Math.max(
                            max,
                            Math.max(
                                    row.deliveries(Side.BASELINE), row.deliveries(Side.CANDIDATE)));
        }
        int height = Math.max(ROW_HEIGHT, rows.size() * ROW_HEIGHT) + 8;
        openSvg(html, "endpoints-chart", "deliveries per endpoint, baseline and candidate", height);
        for (int i = 0; i < rows.size(); i++) {
            EndpointRow row = rows.get(i);
            int top = 4 + i * ROW_HEIGHT;
            label(html, row.name(), top + BAR_HEIGHT + 2);
            endpointBar(
                    html,
                    row.name(),
                    Side.BASELINE,
                    row.baseline() != null,
                    row.deliveries(Side.BASELINE),
                    top,
                    max);
            endpointBar(
                    html,
                    row.name(),
                    Side.CANDIDATE,
                    row.candidate() != null,
                    row.deliveries(Side.CANDIDATE),
                    top + BAR_HEIGHT + 2,
                    max);
        }
        html.append("</svg>\n");

        html.append("<table class=\"endpoints\">\n<tr><th>endpoint</th>")
                .append("<th class=\"n\">baseline</th><th class=\"n\">candidate</th>")
                .append("<th class=\"n\">Δ</th><th class=\"n\">invalid baseline</th>")
                .append("<th class=\"n\">invalid candidate</th></tr>\n");
        for (EndpointRow row : rows) {
            html.append(row.differs() ? "<tr class=\"differs\">" : "<tr>")
                    .append("<td>")
                    .append(escape(row.name()))
                    .append("</td><td class=\"n\">")
                    .append(
                            row.baseline() == null
                                    ? "–"
                                    : Long.toString(row.baseline().deliveries()))
                    .append("</td><td class=\"n\">")
                    .append(
                            row.candidate() == null
                                    ? "–"
                                    : Long.toString(row.candidate().deliveries()))
                    .append("</td><td class=\"n\">")
                    .append(row.delta() > 0 ? "+" : "")
                    .append(row.delta())
                    .append("</td><td class=\"n\">")
                    .append(row.baseline() == null ? "–" : Long.toString(row.baseline().invalid()))
                    .append("</td><td class=\"n\">")
                    .append(
                            row.candidate() == null
                                    ? "–"
                                    : Long.toString(row.candidate().invalid()))
                    .append("</td></tr>\n");
        }
        html.append("</table>\n");
    }

    private static void endpointBar(
            StringBuilder html,
            String endpoint,
            Side side,
            boolean present,
            long value,
            int top,
            long max) {
        if (!present) {
            text(html, LABEL_WIDTH + 4, top + BAR_HEIGHT - 2, "not in the " + side + " file");
            return;
        }
        html.append("<rect class=\"")
                .append(side.text())
                .append("\" x=\"")
                .append(LABEL_WIDTH)
                .append("\" y=\"")
                .append(top)
                .append("\" width=\"")
                .append(number(BAR_AREA * (double) value / max))
                .append("\" height=\"")
                .append(BAR_HEIGHT)
                .append("\" data-endpoint=\"")
                .append(escape(endpoint))
                .append("\" data-side=\"")
                .append(side.text())
                .append("\" data-value=\"")
                .append(value)
                .append("\"><title>")
                .append(escape(endpoint))
                .append(", ")
                .append(side.text())
                .append(": ")
                .append(value)
                .append(" deliveries</title></rect>\n");
        text(html, LABEL_WIDTH + BAR_AREA + 8, top + BAR_HEIGHT - 2, side.text() + " " + value);
    }

    private static void timelines(ReplayReport report, StringBuilder html) {
        html.append("<h2>Deliveries per hour</h2>\n<p class=\"legend\">")
                .append(swatch("baseline", "baseline (dashed)"))
                .append(swatch("candidate", "candidate"))
                .append("<span>hours in UTC; only hours with messages</span></p>\n");
        List<HourRow> hours = report.deliveriesByHour();
        if (hours.isEmpty()) {
            html.append("<p>No messages.</p>\n");
            return;
        }
        long firstHour = hours.get(0).hour().getEpochSecond();
        long lastHour = hours.get(hours.size() - 1).hour().getEpochSecond();
        int plotWidth = CHART_WIDTH - TIMELINE_LEFT - TIMELINE_RIGHT;
        int plotHeight = TIMELINE_HEIGHT - TIMELINE_TOP - TIMELINE_BOTTOM;
        for (EndpointRow endpoint : report.endpoints()) {
            long max = 0;
            for (HourRow hour : hours) {
                max = Math.max(max, hour.deliveries(Side.BASELINE, endpoint.name()));
                max = Math.max(max, hour.deliveries(Side.CANDIDATE, endpoint.name()));
            }
            html.append("<h3>").append(escape(endpoint.name())).append("</h3>\n");
            if (max == 0) {
                html.append("<p class=\"muted\">No deliveries under either file.</p>\n");
                continue;
            }
            html.append("<svg class=\"timeline\" width=\"")
                    .append(CHART_WIDTH)
                    .append("\" height=\"")
                    .append(TIMELINE_HEIGHT)
                    .append("\" viewBox=\"0 0 ")
                    .append(CHART_WIDTH)
                    .append(' ')
                    .append(TIMELINE_HEIGHT)
                    .append("\" role=\"img\" aria-label=\"deliveries per hour to ")
                    .append(escape(endpoint.name()))
                    .append("\">\n");
            int axisY = TIMELINE_TOP + plotHeight;
            html.append("<line class=\"axis\" x1=\"")
                    .append(TIMELINE_LEFT)
                    .append("\" y1=\"")
                    .append(axisY)
                    .append("\" x2=\"")
                    .append(TIMELINE_LEFT + plotWidth)
                    .append("\" y2=\"")
                    .append(axisY)
                    .append("\"/>\n<line class=\"axis\" x1=\"")
                    .append(TIMELINE_LEFT)
                    .append("\" y1=\"")
                    .append(TIMELINE_TOP)
                    .append("\" x2=\"")
                    .append(TIMELINE_LEFT)
                    .append("\" y2=\"")
                    .append(axisY)
                    .append("\"/>\n");
            text(html, 4, TIMELINE_TOP + 8, Long.toString(max));
            text(html, 4, axisY, "0");
            text(html, TIMELINE_LEFT, axisY + 16, hours.get(0).hour().toString());
            text(
                    html,
                    TIMELINE_LEFT + plotWidth - 130,
                    axisY + 16,
                    hours.get(hours.size() - 1).hour().toString());
            for (Side side : Side.values()) {
                if (endpoint.side(side) == null) {
                    continue;
                }
                StringBuilder points = new StringBuilder();
                StringBuilder circles = new StringBuilder();
                for (HourRow hour : hours) {
                    long value = hour.deliveries(side, endpoint.name());
                    double x =
                            lastHour == firstHour
                                    ? TIMELINE_LEFT + plotWidth / 2.0
                                    : TIMELINE_LEFT
                                            + plotWidth
                                                    * (double)
                                                            (hour.hour().getEpochSecond()
                                                                    - firstHour)
                                                    / (lastHour - firstHour);
                    double y = axisY - plotHeight * (double) value / max;
                    points.append(points.length() == 0 ? "" : " ")
                            .append(number(x))
                            .append(',')
                            .append(number(y));
                    circles.append("<circle class=\"")
                            .append(side.text())
                            .append("\" cx=\"")
                            .append(number(x))
                            .append("\" cy=\"")
                            .append(number(y))
                            .append("\" r=\"2.5\" data-endpoint=\"")
                            .append(escape(endpoint.name()))
                            .append("\" data-side=\"")
                            .append(side.text())
                            .append("\" data-hour=\"")
                            .append(hour.hour())
                            .append("\" data-value=\"")
                            .append(value)
                            .append("\"><title>")
                            .append(escape(endpoint.name()))
                            .append(", ")
                            .append(side.text())
                            .append(", ")
                            .append(hour.hour())
                            .append(": ")
                            .append(value)
                            .append("</title></circle>\n");
                }
                html.append("<polyline class=\"")
                        .append(side.text())
                        .append("\" points=\"")
                        .append(points)
                        .append("\"/>\n")
                        .append(circles);
            }
            html.append("</svg>\n");
        }
    }

    private static void samples(ReplayReport report, StringBuilder html) {
        html.append("<h2>Changed messages</h2>\n<p>")
                .append(report.changedMessages())
                .append(" messages would go to other endpoints");
        if (report.samples().isEmpty()) {
            html.append(".</p>\n");
            return;
        }
        html.append("; the first ")
                .append(report.samples().size())
                .append(" by enqueued time:</p>\n<table class=\"samples\">\n")
                .append("<tr><th>enqueued</th><th>device</th><th>module</th><th>message id</th>")
                .append("<th>baseline endpoints</th><th>candidate endpoints</th>")
                .append("<th>routes true on one side only</th></tr>\n");
        for (Sample sample : report.samples()) {
            ReplayedMessage message = sample.message();
            html.append("<tr><td>")
                    .append(message.enqueuedTime())
                    .append("</td><td>")
                    .append(escape(message.deviceId()))
                    .append("</td><td>")
                    .append(message.moduleId() == null ? "" : escape(message.moduleId()))
                    .append("</td><td>")
                    .append(
                            message.messageId() == null
                                    ? "<span class=\"muted\">none</span>"
                                    : escape(message.messageId()))
                    .append("</td><td>")
                    .append(sampleEndpoints(sample.baseline()))
                    .append("</td><td>")
                    .append(sampleEndpoints(sample.candidate()))
                    .append("</td><td>");
            List<RouteChange> changes = sample.changedRoutes();
            for (int i = 0; i < changes.size(); i++) {
                RouteChange change = changes.get(i);
                html.append(i == 0 ? "" : "<br/>")
                        .append(escape(change.route()))
                        .append(": ")
                        .append(result(change.baseline()))
                        .append(" → ")
                        .append(result(change.candidate()));
            }
            int unlisted = sample.changedRouteCount() - changes.size();
            if (unlisted > 0) {
                html.append("<br/>and ").append(unlisted).append(" more");
            }
            html.append("</td></tr>\n");
        }
        html.append("</table>\n");
    }

    private static String sampleEndpoints(SampleSide side) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < side.endpoints().size(); i++) {
            text.append(i == 0 ? "" : ", ").append(escape(side.endpoints().get(i)));
        }
        if (side.endpoints().isEmpty()) {
            text.append("<span class=\"muted\">none</span>");
        }
        return side.fallback()
                ? text.append(" <span class=\"muted\">(fallback)</span>").toString()
                : text.toString();
    }

    private static String result(RouteResult result) {
        return result == null ? "not decided" : result.text();
    }

    private static void reasons(ReplayReport report, StringBuilder html) {
        html.append("<h2>Undefined results</h2>\n");
        if (report.undefinedReasons().isEmpty()) {
            html.append("<p>No route was undefined for any message.</p>\n");
            return;
        }
        html.append("<table class=\"reasons\">\n<tr><th>side</th><th class=\"n\">count</th>")
                .append("<th>reason</th></tr>\n");
        for (UndefinedReason reason : report.undefinedReasons()) {
            html.append("<tr><td>")
                    .append(reason.side().text())
                    .append("</td><td class=\"n\">")
                    .append(reason.count())
                    .append("</td><td>")
                    .append(escape(reason.reason()))
                    .append("</td></tr>\n");
        }
        html.append("</table>\n");
    }

    private static void problems(ReplayReport report, StringBuilder html) {
        html.append("<h2>Records and blobs not read</h2>\n<p>")
                .append(report.undecodableRecords())
                .append(" undecodable records, ")
                .append(report.unreadableBlobs())
                .append(" unreadable blobs.</p>\n");
        if (!report.undecodableExamples().isEmpty()) {
            html.append("<table class=\"undecodable\">\n<tr><th>where</th><th>reason</th></tr>\n");
            for (Undecodable record : report.undecodableExamples()) {
                html.append("<tr><td><code>")
                        .append(escape(record.where()))
                        .append("</code></td><td>")
                        .append(escape(record.reason()))
                        .append("</td></tr>\n");
            }
            html.append("</table>\n");
        }
        if (!report.unreadableBlobExamples().isEmpty()) {
            html.append("<table class=\"unreadable\">\n<tr><th>blob</th><th>reason</th></tr>\n");
            for (UnreadableBlob blob : report.unreadableBlobExamples()) {
                html.append("<tr><td><code>")
                        .append(escape(blob.name()))
                        .append("</code></td><td>")
                        .append(escape(blob.reason()))
                        .append("</td></tr>\n");
            }
            html.append("</table>\n");
        }
    }

    private static void openSvg(StringBuilder html, String id, String description, int height) {
        html.append("<svg id=\"")
                .append(id)
                .append("\" width=\"")
                .append(CHART_WIDTH)
                .append("\" height=\"")
                .append(height)
                .append("\" viewBox=\"0 0 ")
                .append(CHART_WIDTH)
                .append(' ')
                .append(height)
                .append("\" role=\"img\" aria-label=\"")
                .append(description)
                .append("\">\n");
    }

    /** A name left of its bars, shortened to fit, in full in its tooltip. */
    private static void label(StringBuilder html, String name, int baseline) {
        String shown = name;
        if (name.length() > LABEL_CHARACTERS) {
            int end = LABEL_CHARACTERS - 1;
            if (Character.isHighSurrogate(name.charAt(end - 1))) {
                end--;
            }
            shown = name.substring(0, end) + "…";
        }
        html.append("<text x=\"4\" y=\"")
                .append(baseline)
                .append("\">")
                .append(escape(shown))
                .append("<title>")
                .append(escape(name))
                .append("</title></text>\n");
    }

    private static void text(StringBuilder html, double x, double y, String text) {
        html.append("<text x=\"")
                .append(number(x))
                .append("\" y=\"")
                .append(number(y))
                .append("\">")
                .append(escape(text))
                .append("</text>\n");
    }

    private static String swatch(String cssClass, String label) {
        return "<span><span class=\"swatch " + cssClass + "\"></span>" + label + "</span>";
    }

    /** A coordinate with one decimal, whatever the default locale. */
    static String number(double value) {
        long tenths = Math.round(value * 10);
        return tenths % 10 == 0
                ? Long.toString(tenths / 10)
                : (tenths / 10) + "." + Math.abs(tenths % 10);
    }

    /**
     * Text for an element or a quoted attribute: markup characters as entities, characters XML
     * cannot carry as U+FFFD, and {@code ://} broken up so no text reads as a link to follow.
     */
    static String escape(String text) {
        StringBuilder escaped = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&':
                    escaped.append("&amp;");
                    break;
                case '<':
                    escaped.append("&lt;");
                    break;
                case '>':
                    escaped.append("&gt;");
                    break;
                case '"':
                    escaped.append("&quot;");
                    break;
                case '\'':
                    escaped.append("&#39;");
                    break;
                case ':':
                    escaped.append(text.startsWith("//", i + 1) ? "&#58;" : ":");
                    break;
                default:
                    if (Character.isHighSurrogate(c)
                            && i + 1 < text.length()
                            && Character.isLowSurrogate(text.charAt(i + 1))) {
                        escaped.append(c).append(text.charAt(++i));
                    } else if (isXmlCharacter(c)) {
                        escaped.append(c);
                    } else {
                        escaped.append('\uFFFD');
                    }
            }
        }
        return escaped.toString();
    }

    private static boolean isXmlCharacter(char c) {
        return c == '\t'
                || c == '\n'
                || c == '\r'
                || (c >= 0x20 && c <= 0xD7FF)
                || (c >= 0xE000 && c <= 0xFFFD);
    }
}
