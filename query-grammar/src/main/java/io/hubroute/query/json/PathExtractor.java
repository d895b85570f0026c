package io.hubroute.query.json;

import com.fasterxml.jackson.core.exc.StreamReadException;
import io.hubroute.message.JsonPath;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a body once and keeps only the values at a fixed set of paths, without building a tree
 * ({@link JsonScanner}): subtrees no path enters are checked for strict JSON and skipped. A
 * duplicate key takes its last value. Immutable and thread-safe; built once per set of conditions.
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

    /**
     * The slot of a path in {@link Extraction#values}, or -1 when the extractor does not read it.
     */
    public int slotOf(JsonPath path) {
        Integer slot = slots.get(path);
        return slot == null ? -1 : slot;
    }

    /** The values at every path, or the reason the body is not a strict JSON object. */
    public record Extraction(Object[] values, String failure) {}

    public Extraction extract(BodySource body) {
        Object[] values = new Object[slotCount];
        Arrays.fill(values, JsonValues.ABSENT);
        try {
            if (!new JsonScanner(body.utf8(), body.utf8Offset()).scanDocument(root, values)) {
                return new Extraction(null, NOT_AN_OBJECT);
            }
        } catch (JsonScanner.InvalidJsonException e) {
            return new Extraction(
                    null,
                    "$body is not queryable: the body is not valid JSON (" + e.getMessage() + ")");
        }
        return new Extraction(values, null);
    }

    /** The failure reason for a body the JSON parser rejected. */
    public static String invalidJson(Exception e) {
        String detail =
                e instanceof StreamReadException
                        ? ((StreamReadException) e).getOriginalMessage()
                        : e.getMessage();
        return "$body is not queryable: the body is not valid JSON (" + detail + ")";
    }

    /** The failure reason for a body whose top level is not an object. */
    public static final String NOT_AN_OBJECT =
            "$body is not queryable: the body is not a JSON object";

    static final class Node {
        Map<String, Node> members;
        Map<Integer, Node> indexes;
        int slot = -1;
        int[] subtreeSlots = new int[0];

        Node child(JsonPath.Step step) {
            if (step.isIndex()) {
                if (indexes == null) {
                    indexes = new HashMap<>();
                }
                int index =
                        step.index() > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) step.index();
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
