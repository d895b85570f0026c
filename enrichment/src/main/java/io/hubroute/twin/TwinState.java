package io.hubroute.twin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubroute.message.Json;
import io.hubroute.message.Twin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;

/**
 * The queryable part of one device or module twin, kept compact because it lives in keyed state for
 * millions of devices: just {@code tags} and {@code properties.desired} / {@code
 * properties.reported}, without {@code $metadata} and {@code $version} members (which queries never
 * see), stored as UTF-8 JSON. Immutable: every change returns a new state.
 *
 * <pre>{@code
 * TwinState state = TwinState.of(fullTwinJson);
 * state = state.update(patch);              // updateTwin: objects merge, null deletes
 * Twin twin = state.asTwin();               // for MessageContext.of(message, twin, ...)
 * }</pre>
 */
public final class TwinState {
    private static final ObjectMapper MAPPER = Json.MAPPER;
    private static final String TAGS = "tags";
    private static final String PROPERTIES = "properties";
    private static final String DESIRED = "desired";
    private static final String REPORTED = "reported";

    private final byte[] json;

    private TwinState(byte[] json) {
        this.json = json;
    }

    /** An empty twin: no tags, no properties. */
    public static TwinState empty() {
        return of(JsonNodeFactory.instance.objectNode());
    }

    /**
     * The state of a full twin document, as {@code az iot hub device-twin show} or a
     * createDeviceIdentity event gives it; everything but the queryable sections is dropped.
     */
    public static TwinState of(JsonNode twinDocument) {
        return new TwinState(write(compact(requireObject(twinDocument, "a twin document"))));
    }

    /** A state from its JSON text (as written by {@link #toBytes}, or any twin document). */
    public static TwinState parse(String json) {
        return of(read(json.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    /** A state from {@link #toBytes} output, for state serializers; the array is kept. */
    public static TwinState fromBytes(byte[] bytes) {
        return new TwinState(Objects.requireNonNull(bytes, "bytes"));
    }

    /** The compact UTF-8 JSON form; shared, do not modify. */
    public byte[] toBytes() {
        return json;
    }

    public int sizeInBytes() {
        return json.length;
    }

    /**
     * Applies a twin patch (a TwinChangeEvents {@code updateTwin} body): objects merge member by
     * member, a null value deletes the member, any other value replaces it. Only {@code tags} and
     * {@code properties.desired} / {@code properties.reported} of the patch are read.
     */
    public TwinState update(JsonNode patch) {
        ObjectNode document = document();
        merge(document, compact(requireObject(patch, "a twin patch")));
        return new TwinState(write(document));
    }

    /**
     * Replaces the twin with a TwinChangeEvents {@code replaceTwin} body: its tags and desired
     * properties replace the current ones wholesale. Reported properties belong to the device and a
     * replace cannot write them: they are replaced only when the body carries them.
     */
    public TwinState replace(JsonNode twinDocument) {
        ObjectNode replacement = compact(requireObject(twinDocument, "a twin document"));
        JsonNode currentReported = document().path(PROPERTIES).get(REPORTED);
        if (currentReported != null && replacement.path(PROPERTIES).get(REPORTED) == null) {
            replacement.withObjectProperty(PROPERTIES).set(REPORTED, currentReported);
        }
        return new TwinState(write(replacement));
    }

    /** A fresh {@link Twin} view for queries and enrichments. */
    public Twin asTwin() {
        return Twin.of(document());
    }

    private ObjectNode document() {
        return (ObjectNode) read(json);
    }

    /** Keeps the queryable sections, without $metadata / $version members at any depth. */
    private static ObjectNode compact(ObjectNode document) {
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        JsonNode tags = document.get(TAGS);
        if (tags != null) {
            result.set(TAGS, tags.isObject() ? withoutHidden(tags) : tags);
        }
        JsonNode properties = document.get(PROPERTIES);
        if (properties != null && properties.isObject()) {
            ObjectNode kept = JsonNodeFactory.instance.objectNode();
            for (String section : new String[] {DESIRED, REPORTED}) {
                JsonNode value = properties.get(section);
                if (value != null) {
                    kept.set(section, value.isObject() ? withoutHidden(value) : value);
                }
            }
            if (!kept.isEmpty()) {
                result.set(PROPERTIES, kept);
            }
        }
        return result;
    }

    private static JsonNode withoutHidden(JsonNode node) {
        if (node.isObject()) {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (!field.getKey().equals("$metadata") && !field.getKey().equals("$version")) {
                    copy.set(field.getKey(), withoutHidden(field.getValue()));
                }
            }
            return copy;
        }
        return node;
    }

    private static void merge(ObjectNode target, ObjectNode patch) {
        Iterator<Map.Entry<String, JsonNode>> fields = patch.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode value = field.getValue();
            JsonNode current = target.get(field.getKey());
            if (value.isNull()) {
                target.remove(field.getKey());
            } else if (value.isObject() && current != null && current.isObject()) {
                merge((ObjectNode) current, (ObjectNode) value);
            } else if (value.isObject()) {
                ObjectNode fresh = JsonNodeFactory.instance.objectNode();
                merge(fresh, (ObjectNode) value);
                target.set(field.getKey(), fresh);
            } else {
                target.set(field.getKey(), value);
            }
        }
    }

    private static ObjectNode requireObject(JsonNode node, String what) {
        Objects.requireNonNull(node, what);
        if (!node.isObject()) {
            throw new IllegalArgumentException(
                    what + " must be a JSON object, got " + node.getNodeType());
        }
        return (ObjectNode) node;
    }

    private static JsonNode read(byte[] bytes) {
        try {
            return MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("twin state is not valid JSON: " + e.getMessage(), e);
        }
    }

    private static byte[] write(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TwinState && Arrays.equals(((TwinState) other).json, json);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(json);
    }

    @Override
    public String toString() {
        return new String(json, java.nio.charset.StandardCharsets.UTF_8);
    }
}
