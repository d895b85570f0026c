package io.hubroute.message;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Objects;

/**
 * A read-only view of a device or module twin, {@code {"tags": {...}, "properties": {"desired":
 * {...}, "reported": {...}}}}, as {@code $twin} queries and enrichments see it: {@code $metadata}
 * and {@code $version} members never show.
 */
public final class Twin {
    private static final ObjectMapper MAPPER = Json.MAPPER;

    /** The three queryable sections of a twin. */
    public enum Section {
        TAGS,
        DESIRED,
        REPORTED;

        /**
         * The section a twin path starts with ({@code tags.}, {@code properties.desired.}, {@code
         * properties.reported.}, in any case) and how many steps that prefix takes, or null.
         */
        public static Section ofPath(JsonPath path) {
            var steps = path.steps();
            if (steps.isEmpty() || steps.get(0).isIndex()) {
                return null;
            }
            String first = steps.get(0).name().toLowerCase(Locale.ROOT);
            if (first.equals("tags")) {
                return TAGS;
            }
            if (first.equals("properties") && steps.size() > 1 && !steps.get(1).isIndex()) {
                String second = steps.get(1).name().toLowerCase(Locale.ROOT);
                if (second.equals("desired")) {
                    return DESIRED;
                }
                if (second.equals("reported")) {
                    return REPORTED;
                }
            }
            return null;
        }

        /** The number of path steps the section prefix takes. */
        public int prefixLength() {
            return this == TAGS ? 1 : 2;
        }
    }

    private final ObjectNode document;

    private Twin(ObjectNode document) {
        this.document = document;
    }

    /** A twin over {@code document}, which must be a JSON object; it is used as is, not copied. */
    public static Twin of(JsonNode document) {
        Objects.requireNonNull(document, "document");
        if (!document.isObject()) {
            throw new IllegalArgumentException(
                    "a twin must be a JSON object, got " + document.getNodeType());
        }
        return new Twin((ObjectNode) document);
    }

    /** A twin from its JSON text. */
    public static Twin parse(String json) {
        try {
            return of(MAPPER.readTree(json));
        } catch (IOException e) {
            throw new UncheckedIOException("twin is not valid JSON: " + e.getMessage(), e);
        }
    }

    /** The whole document (do not modify). */
    public ObjectNode document() {
        return document;
    }

    /** The section's object, or null when the twin has none. */
    public JsonNode section(Section section) {
        JsonNode node;
        switch (section) {
            case TAGS:
                node = document.get("tags");
                break;
            case DESIRED:
                node = document.path("properties").get("desired");
                break;
            default:
                node = document.path("properties").get("reported");
                break;
        }
        return node != null && node.isObject() ? node : null;
    }

    /**
     * The node at {@code path} below {@code section} (the path excludes the section prefix), or
     * null when nothing matches. {@code $metadata} and {@code $version} members are never matched.
     */
    public JsonNode find(Section section, JsonPath path) {
        JsonNode node = section(section);
        for (JsonPath.Step step : path.steps()) {
            if (node == null) {
                return null;
            }
            if (step.isIndex()) {
                node =
                        node.isArray() && step.index() < node.size()
                                ? node.get((int) step.index())
                                : null;
            } else {
                String name = step.name();
                node = node.isObject() && !isHidden(name) ? node.get(name) : null;
            }
        }
        return node;
    }

    private static boolean isHidden(String name) {
        return !name.isEmpty()
                && name.charAt(0) == '$'
                && (name.equals("$metadata") || name.equals("$version"));
    }

    @Override
    public String toString() {
        return document.toString();
    }
}
