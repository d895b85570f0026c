package io.hubroute.checkpoints;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.hubroute.job.RoutingJob;
import io.hubroute.job.TwinExport;
import io.hubroute.message.Json;
import java.io.IOException;
import java.io.Writer;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code hubroute savepoint export-twins}: the twins a savepoint of the routing job holds, as an
 * IoT Hub device export (JSON lines, one device or module per line: {@code id}, {@code moduleId}
 * for a module, {@code tags}, {@code properties.desired} and {@code .reported}), the format {@link
 * TwinExport} reads for {@code twins.exportFile} and {@code replay --twins}.
 *
 * <pre>{@code
 * try (Writer out = Files.newBufferedWriter(Path.of("twins.jsonl"))) {
 *     int twins = TwinExporter.export("/savepoints/savepoint-3f2c1a-5d8e0b7c9a11", out);
 * }
 * Map<String, byte[]> byKey = TwinExporter.read(savepoint); // as TwinExport.read gives them
 * }</pre>
 */
public final class TwinExporter {
    private TwinExporter() {}

    /**
     * The savepoint's twins by twin key (the device id, or {@code device/module}), as {@code
     * TwinState.toBytes()}: what {@link TwinExport#read} gives for the exported file.
     *
     * @throws InvalidSavepointException when it is not a savepoint of the routing job this version
     *     can read
     */
    public static Map<String, byte[]> read(String savepoint) throws IOException {
        SavepointMetadata metadata = SavepointMetadata.load(savepoint);
        Map<String, byte[]> twins = new TreeMap<>();
        try {
            SavepointStateJob.read(
                    metadata,
                    new SavepointStateJob.Selection(true, true, false),
                    Map.of(),
                    entry -> twins.put(entry.f1, entry.f2));
        } catch (Exception e) {
            throw unreadable(savepoint, e);
        }
        return twins;
    }

    /**
     * Writes the savepoint's twins to {@code out}, one line each, sorted by device and module id.
     *
     * @return the number of twins written
     */
    public static int export(String savepoint, Writer out) throws IOException {
        Map<String, byte[]> twins = read(savepoint);
        write(twins, out);
        return twins.size();
    }

    /**
     * Writes twins as {@link #read} gives them (by twin key, as {@code TwinState.toBytes()}) to
     * {@code out} as a device export, in key order.
     */
    public static void write(Map<String, byte[]> twins, Writer out) throws IOException {
        for (Map.Entry<String, byte[]> twin : new TreeMap<>(twins).entrySet()) {
            out.write(exportLine(twin.getKey(), twin.getValue()));
            out.write('\n');
        }
        out.flush();
    }

    /** One device export line for a twin key and its {@code TwinState} bytes. */
    static String exportLine(String twinKey, byte[] twinState) throws IOException {
        int slash = twinKey.indexOf('/');
        String deviceId = slash < 0 ? twinKey : twinKey.substring(0, slash);
        String moduleId = slash < 0 ? null : twinKey.substring(slash + 1);
        JsonNode twin = Json.MAPPER.readTree(twinState);
        java.io.StringWriter line = new java.io.StringWriter();
        try (JsonGenerator json = Json.MAPPER.getFactory().createGenerator(line)) {
            json.writeStartObject();
            json.writeStringField("id", deviceId);
            if (moduleId != null) {
                json.writeStringField("moduleId", moduleId);
            }
            for (String section : new String[] {"tags", "properties"}) {
                JsonNode value = twin.get(section);
                if (value != null) {
                    json.writeFieldName(section);
                    json.writeTree(value);
                }
            }
            json.writeEndObject();
        }
        return line.toString();
    }

    /** A failure of the state job, as the error a user sees. */
    static RuntimeException unreadable(String path, Exception e) {
        if (e instanceof InvalidSavepointException) {
            return (InvalidSavepointException) e;
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return new InvalidSavepointException(
                path
                        + ": the state of "
                        + RoutingJob.ROUTE_UID
                        + " cannot be read as this version's routing job keeps it (twins as"
                        + " ValueState<byte[]> \"twin\" keyed by device or device/module): "
                        + root,
                e);
    }
}
