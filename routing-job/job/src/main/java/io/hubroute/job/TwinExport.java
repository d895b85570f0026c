package io.hubroute.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubroute.job.source.DecodedRecord;
import io.hubroute.message.Json;
import io.hubroute.twin.TwinState;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads an IoT Hub device export ({@code twins.exportFile} in job.yaml): JSON lines, one device or
 * module per line, as the hub's export devices job ({@code az iot hub device-identity export})
 * writes them: {@code "id"}, optional {@code "moduleId"}, {@code "tags"} and {@code "properties":
 * {"desired": ..., "reported": ...}}. Only those are kept; everything else on a line (status,
 * etags, and the {@code authentication} keys the export carries) is dropped while reading and never
 * appears in errors.
 *
 * <pre>{@code
 * Map<String, byte[]> twins = TwinExport.read(Path.of("devices.jsonl")); // twin key -> TwinState bytes
 * }</pre>
 */
public final class TwinExport {
    private static final ObjectMapper JSON = Json.MAPPER;

    private TwinExport() {}

    /**
     * The twins of the file by twin key (the device id, or {@code device/module}), as {@link
     * TwinState#toBytes()}; a later line for the same device or module replaces an earlier one.
     * Blank lines are skipped.
     *
     * @throws IllegalArgumentException naming the file and line when a line is not a JSON object or
     *     has no {@code id}
     */
    public static Map<String, byte[]> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(
                    "twins.exportFile "
                            + file.toAbsolutePath()
                            + ": no such file (write it with az iot hub device-identity export, or remove twins.exportFile)");
        }
        Map<String, byte[]> twins = new HashMap<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode device;
                try {
                    device = JSON.readTree(line);
                } catch (JsonProcessingException e) {
                    // the line may hold device keys: say where, not what
                    throw problem(
                            file,
                            number,
                            "not JSON (at column " + e.getLocation().getColumnNr() + ")");
                }
                if (device == null || !device.isObject()) {
                    throw problem(file, number, "not a JSON object");
                }
                JsonNode id = device.get("id");
                if (id == null || !id.isTextual() || id.asText().isEmpty()) {
                    throw problem(
                            file,
                            number,
                            "no \"id\" (every line of a device export names its device)");
                }
                JsonNode moduleId = device.get("moduleId");
                String module =
                        moduleId == null || moduleId.isNull() || moduleId.asText().isEmpty()
                                ? null
                                : moduleId.asText();
                ObjectNode twin = JsonNodeFactory.instance.objectNode();
                copyObject(device, twin, "tags", file, number);
                copyObject(device, twin, "properties", file, number);
                twins.put(DecodedRecord.twinKey(id.asText(), module), TwinState.of(twin).toBytes());
            }
        }
        return twins;
    }

    private static void copyObject(
            JsonNode device, ObjectNode twin, String name, Path file, int line) {
        JsonNode value = device.get(name);
        if (value == null || value.isNull()) {
            return;
        }
        if (!value.isObject()) {
            throw problem(file, line, "\"" + name + "\" is not an object");
        }
        twin.set(name, value);
    }

    private static IllegalArgumentException problem(Path file, int line, String what) {
        return new IllegalArgumentException("twins.exportFile " + file + ":" + line + ": " + what);
    }
}
