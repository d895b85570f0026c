package io.hubroute.sqlbaseline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubroute.message.Json;
import io.hubroute.message.Twin;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads an IoT Hub device export (JSON lines: {@code "id"}, optional {@code "moduleId"}, {@code
 * "tags"}, {@code "properties"}), the file the routing job reads as {@code twins.exportFile}, into
 * twins by twin key: the device id, or {@code device/module}. A later line for the same key
 * replaces an earlier one; blank lines are skipped. Everything else on a line (the authentication
 * keys an export carries) is dropped and never shows in errors.
 *
 * <pre>{@code
 * Map<String, Twin> twins = TwinExportFile.read(Path.of("devices.jsonl"));
 * }</pre>
 */
public final class TwinExportFile {
    private TwinExportFile() {}

    /**
     * @throws IllegalArgumentException naming the file and line when a line is not a JSON object,
     *     has no {@code id}, or a {@code tags}/{@code properties} that is not an object
     */
    public static Map<String, Twin> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(
                    "twin export " + file.toAbsolutePath() + ": no such file");
        }
        Map<String, Twin> twins = new LinkedHashMap<>();
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
                    device = Json.MAPPER.readTree(line);
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
                    throw problem(file, number, "no \"id\" (every line names its device)");
                }
                JsonNode moduleId = device.get("moduleId");
                String module =
                        moduleId == null || moduleId.isNull() || moduleId.asText().isEmpty()
                                ? null
                                : moduleId.asText();
                ObjectNode twin = JsonNodeFactory.instance.objectNode();
                copyObject(device, twin, "tags", file, number);
                copyObject(device, twin, "properties", file, number);
                twins.put(twinKey(id.asText(), module), Twin.of(twin));
            }
        }
        return twins;
    }

    /**
     * The key twins are kept under, as the routing job keys them: the device id or device/module.
     */
    public static String twinKey(String deviceId, String moduleId) {
        return moduleId == null ? deviceId : deviceId + '/' + moduleId;
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
        return new IllegalArgumentException("twin export " + file + ":" + line + ": " + what);
    }
}
