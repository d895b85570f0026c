package io.hubroute.checkpoints;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubroute.message.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@link SavepointReport} for people (a table) and for programs (JSON), as {@code hubroute
 * savepoint inspect} and {@code inspect --json} print it.
 */
public final class SavepointReportText {
    private SavepointReportText() {}

    /** The report as aligned text, ending with a newline. */
    public static String table(SavepointReport report) {
        StringBuilder text = new StringBuilder();
        text.append("savepoint     ")
                .append(report.path())
                .append(" (checkpoint ")
                .append(report.checkpointId())
                .append(")\n");
        text.append("twins         ")
                .append(report.deviceTwins())
                .append(report.deviceTwins() == 1 ? " device, " : " devices, ")
                .append(report.moduleTwins())
                .append(report.moduleTwins() == 1 ? " module\n" : " modules\n");
        SavepointReport.RoutesVersion routes = report.routesVersion();
        text.append("routes        ")
                .append(
                        routes == null
                                ? "no routes version (a job from before live route changes)"
                                : "version "
                                        + routes.version()
                                        + " ("
                                        + routes.fileName()
                                        + ", published "
                                        + routes.publishedAt()
                                        + ")")
                .append("\n\noperators\n");
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"uid", "parallelism", "state size", "state"});
        for (SavepointReport.Operator operator : report.operators()) {
            rows.add(
                    new String[] {
                        operator.uid(),
                        operator.parallelism() + "/" + operator.maxParallelism(),
                        size(operator.stateSizeBytes()),
                        operator.stateNames().isEmpty()
                                ? "-"
                                : String.join(", ", operator.stateNames())
                    });
        }
        appendRows(text, rows, new boolean[] {false, true, true, false});
        text.append("\npending blob commits");
        if (report.blobEndpoints().isEmpty()) {
            text.append("  none (no Blob Storage endpoint has state)\n");
            return text.toString();
        }
        text.append('\n');
        rows.clear();
        rows.add(
                new String[] {
                    "endpoint", "to commit", "records", "bytes", "open batches", "records", "bytes"
                });
        for (SavepointReport.BlobEndpoint endpoint : report.blobEndpoints()) {
            rows.add(
                    new String[] {
                        endpoint.endpoint(),
                        blobs(endpoint.pendingCommits().size()),
                        Long.toString(records(endpoint.pendingCommits())),
                        size(bytes(endpoint.pendingCommits())),
                        Integer.toString(endpoint.openBatches().size()),
                        Long.toString(records(endpoint.openBatches())),
                        size(bytes(endpoint.openBatches()))
                    });
        }
        appendRows(text, rows, new boolean[] {false, true, true, true, true, true, true});
        for (SavepointReport.BlobEndpoint endpoint : report.blobEndpoints()) {
            for (SavepointReport.Blob blob : endpoint.pendingCommits()) {
                text.append("  ")
                        .append(endpoint.endpoint())
                        .append(" to commit: ")
                        .append(blob.blobName())
                        .append(" (")
                        .append(blob.blocks())
                        .append(blob.blocks() == 1 ? " block, " : " blocks, ")
                        .append(blob.records())
                        .append(" records)\n");
            }
        }
        return text.toString();
    }

    /** The report as one JSON object. */
    public static String json(SavepointReport report) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("path", report.path());
        root.put("checkpointId", report.checkpointId());
        ObjectNode twins = root.putObject("twins");
        twins.put("devices", report.deviceTwins());
        twins.put("modules", report.moduleTwins());
        SavepointReport.RoutesVersion routes = report.routesVersion();
        if (routes == null) {
            root.putNull("routesVersion");
        } else {
            ObjectNode version = root.putObject("routesVersion");
            version.put("version", routes.version());
            version.put("fileName", routes.fileName());
            version.put("publishedAt", routes.publishedAt().toString());
        }
        ArrayNode operators = root.putArray("operators");
        for (SavepointReport.Operator operator : report.operators()) {
            ObjectNode node = operators.addObject();
            node.put("uid", operator.uid());
            node.put("parallelism", operator.parallelism());
            node.put("maxParallelism", operator.maxParallelism());
            node.put("stateSizeBytes", operator.stateSizeBytes());
            ArrayNode names = node.putArray("stateNames");
            operator.stateNames().forEach(names::add);
        }
        ArrayNode endpoints = root.putArray("blobEndpoints");
        for (SavepointReport.BlobEndpoint endpoint : report.blobEndpoints()) {
            ObjectNode node = endpoints.addObject();
            node.put("endpoint", endpoint.endpoint());
            blobs(node.putArray("pendingCommits"), endpoint.pendingCommits());
            blobs(node.putArray("openBatches"), endpoint.openBatches());
        }
        return root.toPrettyString();
    }

    private static void blobs(ArrayNode array, List<SavepointReport.Blob> blobs) {
        for (SavepointReport.Blob blob : blobs) {
            ObjectNode node = array.addObject();
            node.put("blobName", blob.blobName());
            node.put("blocks", blob.blocks());
            node.put("records", blob.records());
            node.put("bytes", blob.bytes());
        }
    }

    private static void appendRows(StringBuilder text, List<String[]> rows, boolean[] right) {
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder("  ");
            for (int i = 0; i < row.length; i++) {
                String padding = " ".repeat(widths[i] - row[i].length());
                line.append(right[i] ? padding + row[i] : row[i] + padding);
                if (i < row.length - 1) {
                    line.append("  ");
                }
            }
            text.append(line.toString().stripTrailing()).append('\n');
        }
    }

    private static String blobs(int count) {
        return count + (count == 1 ? " blob" : " blobs");
    }

    private static long records(List<SavepointReport.Blob> blobs) {
        long records = 0;
        for (SavepointReport.Blob blob : blobs) {
            records += blob.records();
        }
        return records;
    }

    private static long bytes(List<SavepointReport.Blob> blobs) {
        long bytes = 0;
        for (SavepointReport.Blob blob : blobs) {
            bytes += blob.bytes();
        }
        return bytes;
    }

    /** Bytes for people: 512 B, 4.2 KB, 1.3 MB, 2.0 GB. */
    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KB", "MB", "GB", "TB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
