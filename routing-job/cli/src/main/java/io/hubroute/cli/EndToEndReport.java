package io.hubroute.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubroute.cli.EndToEndBenchmark.Run;
import io.hubroute.message.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * {@code hubroute bench-e2e}'s figures: a Markdown table (median and range of the rounds per job,
 * routes file and parallelism, with hubroute's ratios to the others), an SVG bar chart of the same,
 * and every run as JSON.
 */
final class EndToEndReport {
    private EndToEndReport() {}

    /** The runs of one job on one routes file at one parallelism. */
    record Group(String job, String routes, int parallelism, List<Run> runs) {
        double median(ToDoubleFunction<Run> figure) {
            List<Double> values = new ArrayList<>();
            runs.forEach(run -> values.add(figure.applyAsDouble(run)));
            values.sort(null);
            return RoutesBenchmark.median(values);
        }

        double min(ToDoubleFunction<Run> figure) {
            return runs.stream().mapToDouble(figure).min().orElse(0);
        }

        double max(ToDoubleFunction<Run> figure) {
            return runs.stream().mapToDouble(figure).max().orElse(0);
        }

        String setting() {
            return routes + " p" + parallelism;
        }
    }

    static List<Group> groups(List<Run> runs) {
        Map<String, Group> groups = new LinkedHashMap<>();
        for (Run run : runs) {
            groups.computeIfAbsent(
                            run.routes() + "\u0000" + run.parallelism() + "\u0000" + run.job(),
                            key ->
                                    new Group(
                                            run.job(),
                                            run.routes(),
                                            run.parallelism(),
                                            new ArrayList<>()))
                    .runs()
                    .add(run);
        }
        return new ArrayList<>(groups.values());
    }

    static String latencyLine(EndToEndBenchmark.Latency latency) {
        return String.format(
                Locale.ROOT,
                "latency, %s p%d at %,.0f messages/s: %,d output records of the second half of"
                        + " %,d messages: p50 %.0f ms, p99 %.0f ms, max %.0f ms (input append to"
                        + " output append)",
                latency.routes(),
                latency.parallelism(),
                latency.inputRate(),
                latency.measured(),
                latency.messages(),
                latency.p50Millis(),
                latency.p99Millis(),
                latency.maxMillis());
    }

    static String markdown(
            List<Run> runs, EndToEndBenchmark.Latency latency, BenchE2eCommand options) {
        StringBuilder table = new StringBuilder();
        table.append(
                String.format(
                        Locale.ROOT,
                        "%,d messages of %,d-byte bodies, %d devices; checkpoints every %d s,"
                                + " at-least-once; %s%n%n",
                        options.messages,
                        options.bodyBytes,
                        ReplayBenchmarkData.DEVICES,
                        options.checkpointSeconds,
                        RoutesBenchmark.machine()));
        table.append(
                "| routes | p | job | rounds | input records/s, median (min–max) | job CPU µs"
                        + " / record | broker cores | outputs / input | load avg |"
                        + " hubroute × |\n");
        table.append("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|\n");
        List<Group> groups = groups(runs);
        for (Group group : groups) {
            Group hubroute =
                    find(groups, group.routes(), group.parallelism(), EndToEndBenchmark.HUBROUTE);
            String ratio =
                    hubroute == null || group == hubroute
                            ? ""
                            : String.format(
                                    Locale.ROOT,
                                    "%.2f×",
                                    hubroute.median(Run::recordsPerSecond)
                                            / group.median(Run::recordsPerSecond));
            table.append(
                    String.format(
                            Locale.ROOT,
                            "| %s | %d | %s | %d | %,.0f (%,.0f–%,.0f) | %.0f | %.2f | %.2f | %.1f–%.1f | %s |%n",
                            group.routes(),
                            group.parallelism(),
                            group.job(),
                            group.runs().size(),
                            group.median(Run::recordsPerSecond),
                            group.min(Run::recordsPerSecond),
                            group.max(Run::recordsPerSecond),
                            group.median(Run::jobMicrosPerRecord),
                            group.median(Run::brokerCores),
                            group.median(run -> run.outputRecords() / (double) run.inputRecords()),
                            group.min(Run::loadAverage),
                            group.max(Run::loadAverage),
                            ratio));
        }
        if (latency != null) {
            table.append("\n").append(latencyLine(latency)).append("\n");
        }
        table.append(
                "\n\"hubroute ×\": hubroute's median input records/s over this job's, same routes"
                        + " and parallelism. Throughput is input records over the first to the last"
                        + " output append (LogAppendTime); CPU is the job's process in that"
                        + " window; broker cores: the broker's average CPU use in it (it shares its"
                        + " JVM with the harness).\n");
        return table.toString();
    }

    private static Group find(List<Group> groups, String routes, int parallelism, String job) {
        for (Group group : groups) {
            if (group.routes().equals(routes)
                    && group.parallelism() == parallelism
                    && group.job().equals(job)) {
                return group;
            }
        }
        return null;
    }

    /** Horizontal bars: median records/s per job, setting by setting, with the min–max range. */
    static String svg(List<Run> runs) {
        List<Group> groups = groups(runs);
        double top = 1;
        for (Group group : groups) {
            top = Math.max(top, group.max(Run::recordsPerSecond));
        }
        int left = 260;
        int width = 520;
        int bar = 18;
        int height = 40 + groups.size() * (bar + 8) + 30;
        StringBuilder svg = new StringBuilder();
        svg.append(
                String.format(
                        Locale.ROOT,
                        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                                + " font-family=\"sans-serif\" font-size=\"12\">%n",
                        left + width + 120,
                        height));
        svg.append(
                "<text x=\"10\" y=\"20\" font-size=\"14\">input records/s, median of rounds"
                        + " (line: min–max)</text>\n");
        int y = 40;
        for (Group group : groups) {
            double median = group.median(Run::recordsPerSecond);
            String color =
                    switch (group.job()) {
                        case EndToEndBenchmark.HUBROUTE -> "#2b6cb0";
                        case EndToEndBenchmark.HUBROUTE_BEFORE -> "#90cdf4";
                        case EndToEndBenchmark.PASS_THROUGH -> "#a0aec0";
                        default -> "#dd6b20";
                    };
            svg.append(
                    String.format(
                            Locale.ROOT,
                            "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s · %s</text>%n",
                            left - 8,
                            y + 13,
                            group.setting(),
                            group.job()));
            svg.append(
                    String.format(
                            Locale.ROOT,
                            "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\""
                                    + " data-job=\"%s\" data-routes=\"%s\" data-parallelism=\"%d\""
                                    + " data-median=\"%.0f\"/>%n",
                            left,
                            y,
                            width * median / top,
                            bar,
                            color,
                            group.job(),
                            group.routes(),
                            group.parallelism(),
                            median));
            svg.append(
                    String.format(
                            Locale.ROOT,
                            "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#1a202c\"/>%n",
                            left + width * group.min(Run::recordsPerSecond) / top,
                            left + width * group.max(Run::recordsPerSecond) / top,
                            y + bar / 2,
                            y + bar / 2));
            svg.append(
                    String.format(
                            Locale.ROOT,
                            "<text x=\"%.1f\" y=\"%d\">%,.0f</text>%n",
                            left + width * group.max(Run::recordsPerSecond) / top + 6,
                            y + 13,
                            median));
            y += bar + 8;
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    static String json(List<Run> runs) {
        ArrayNode array = Json.MAPPER.createArrayNode();
        for (Run run : runs) {
            ObjectNode node = array.addObject();
            node.put("job", run.job());
            node.put("routes", run.routes());
            node.put("parallelism", run.parallelism());
            node.put("round", run.round());
            node.put("inputRecords", run.inputRecords());
            node.put("outputRecords", run.outputRecords());
            node.put("expectedOutputs", run.expectedOutputs());
            node.put("seconds", run.seconds());
            node.put("recordsPerSecond", run.recordsPerSecond());
            node.put("jobCpuMicrosPerRecord", run.jobMicrosPerRecord());
            node.put("brokerCpuSeconds", run.brokerCpuSeconds());
            node.put("loadAverage", run.loadAverage());
        }
        return array.toPrettyString() + "\n";
    }
}
