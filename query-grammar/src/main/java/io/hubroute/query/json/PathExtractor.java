package io.hubroute.query.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import io.hubroute.message.JsonPath;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a body once and keeps only the values at a fixed set of paths, without building a tree:
 * subtrees no path enters are skipped token by token (still checked for strict JSON). A duplicate
 * key takes its last value. Immutable and thread-safe; built once per set of conditions.
 */
public final class PathExtractor {
    private final Node root = new Node();
    private final Map<JsonPath, Integer> slots = new HashMap<>();
    private final int slotCount;

    public PathExtractor(Set<JsonPath> paths) {
        int slot = 0;
        for (JsonPath path : paths) {
            Node node = root;
            for (JsonPath.Step step : path.steps()) {
                node = node.child(step);
            }
            if (node.slot < 0) {
                node.slot = slot++;
            }
            slots.put(path, node.slot);
        }
        this.slotCount = slot;
        root.collectSlots();
    }

    /** The slot of a path in {@link Extraction#values}, or -1 when the extractor does not read it. */
    public int slotOf(JsonPath path) {
        Integer slot = slots.get(path);
        return slot == null ? -1 : slot;
    }

    /** The values at every path, or the reason the body is not a strict JSON object. */
    public record Extraction(Object[] values, String failure) {}

    public Extraction extract(BodySource body) {
        try (JsonParser parser = body.open()) {
            return extract(parser);
        } catch (IOException | RuntimeException first) {
            try (JsonParser replacing = body.openReplacingMalformed()) {
                if (replacing != null) {
                    return extract(replacing);
                }
            } catch (IOException | RuntimeException second) {
                return new Extraction(null, invalidJson(second));
            }
            return new Extraction(null, invalidJson(first));
        }
    }

    /** The failure reason for a body the JSON parser rejected. */
    public static String invalidJson(Exception e) {
        String detail = e instanceof StreamReadException
                ? ((StreamReadException) e).getOriginalMessage()
                : e.getMessage();
        return "$body is not queryable: the body is not valid JSON (" + detail + ")";
    }

    /** The failure reason for a body whose top level is not an object. */
    public static final String NOT_AN_OBJECT = "$body is not queryable: the body is not a JSON object";

    private Extraction extract(JsonParser parser) throws IOException {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            parser.skipChildren();
            return new Extraction(null, NOT_AN_OBJECT);
        }
        Object[] values = new Object[slotCount];
        Arrays.fill(values, JsonValues.ABSENT);
        readValue(parser, root, values);
        if (parser.nextToken() != null) {
            throw new com.fasterxml.jackson.core.JsonParseException(parser, "unexpected content after the top-level object");
        }
        return new Extraction(values, null);
    }

    private static void readValue(JsonParser parser, Node node, Object[] values) throws IOException {
        JsonToken token = parser.currentToken();
        switch (token) {
            case START_OBJECT:
                if (node.slot >= 0) {
                    values[node.slot] = JsonValues.UNDEFINED;
                }
                if (node.members == null) {
                    parser.skipChildren();
                    return;
                }
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    Node child = node.members.get(parser.currentName());
                    parser.nextToken();
                    if (child == null) {
                        parser.skipChildren();
                    } else {
                        child.reset(values);
                        readValue(parser, child, values);
                    }
                }
                return;
            case START_ARRAY:
                if (node.slot >= 0) {
                    values[node.slot] = JsonValues.UNDEFINED;
                }
                if (node.indexes == null) {
                    parser.skipChildren();
                    return;
                }
                long index = 0;
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    Node child = index < Integer.MAX_VALUE ? node.indexes.get((int) index) : null;
                    index++;
                    if (child == null) {
                        parser.skipChildren();
                    } else {
                        readValue(parser, child, values);
                    }
                }
                return;
            default:
                if (node.slot >= 0) {
                    values[node.slot] = scalar(parser, token);
                }
        }
    }

    private static Object scalar(JsonParser parser, JsonToken token) throws IOException {
        switch (token) {
            case VALUE_STRING:
                return JsonValues.fromString(parser.getText());
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return parser.getDoubleValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            default:
                return JsonValues.NULL;
        }
    }

    private static final class Node {
        Map<String, Node> members;
        Map<Integer, Node> indexes;
        int slot = -1;
        int[] subtreeSlots = new int[0];

        Node child(JsonPath.Step step) {
            if (step.isIndex()) {
                if (indexes == null) {
                    indexes = new HashMap<>();
                }
                int index = step.index() > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) step.index();
                return indexes.computeIfAbsent(index, i -> new Node());
            }
            if (members == null) {
                members = new HashMap<>();
            }
            return members.computeIfAbsent(step.name(), n -> new Node());
        }

        List<Integer> collectSlots() {
            List<Integer> all = new ArrayList<>();
            if (slot >= 0) {
                all.add(slot);
            }
            if (members != null) {
                members.values().forEach(child -> all.addAll(child.collectSlots()));
            }
            if (indexes != null) {
                indexes.values().forEach(child -> all.addAll(child.collectSlots()));
            }
            subtreeSlots = all.stream().mapToInt(Integer::intValue).toArray();
            return all;
        }

        /** A repeated key: what an earlier occurrence set no longer counts. */
        void reset(Object[] values) {
            for (int s : subtreeSlots) {
                values[s] = JsonValues.ABSENT;
            }
        }
    }
}
