package io.hubroute.enrichment;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubroute.message.JsonPath;
import io.hubroute.message.Twin;
import java.util.Objects;

/**
 * The value of a message enrichment, as IoT Hub defines it: a static string, {@code $iothubname}
 * (the hub's name), or a twin path {@code $twin.tags.*}, {@code $twin.properties.desired.*} or
 * {@code $twin.properties.reported.*}. A twin path resolves to the primitive value's text; when the
 * path is missing, names an object or array, or no twin is known, the value is the path text
 * itself, as IoT Hub does.
 *
 * <pre>{@code
 * EnrichmentValue value = EnrichmentValue.parse("$twin.tags.deploymentLocation.building");
 * String text = value.resolve("demo-hub", twin); // "43", or the path text when missing
 * }</pre>
 */
public final class EnrichmentValue {
    /** What an enrichment value reads. */
    public enum Kind {
        STATIC,
        HUB_NAME,
        TWIN
    }

    private static final String HUB_NAME = "$iothubname";
    private static final String TWIN_PREFIX = "$twin.";

    private final String text;
    private final Kind kind;
    private final Twin.Section section;
    private final JsonPath pathInSection;

    private EnrichmentValue(String text, Kind kind, Twin.Section section, JsonPath pathInSection) {
        this.text = text;
        this.kind = kind;
        this.section = section;
        this.pathInSection = pathInSection;
    }

    /**
     * Parses an enrichment value.
     *
     * @throws IllegalArgumentException for an empty value or a {@code $twin.} path that is not
     *     below tags, properties.desired or properties.reported; the message says how to fix it
     */
    public static EnrichmentValue parse(String text) {
        Objects.requireNonNull(text, "text");
        if (text.isEmpty()) {
            throw new IllegalArgumentException("an enrichment value must not be empty");
        }
        if (text.equalsIgnoreCase(HUB_NAME)) {
            return new EnrichmentValue(text, Kind.HUB_NAME, null, null);
        }
        if (!text.regionMatches(true, 0, TWIN_PREFIX, 0, TWIN_PREFIX.length())) {
            return new EnrichmentValue(text, Kind.STATIC, null, null);
        }
        JsonPath path = JsonPath.parseOrNull(text.substring(TWIN_PREFIX.length()));
        Twin.Section section = path == null ? null : Twin.Section.ofPath(path);
        if (section == null || path.steps().size() <= section.prefixLength()) {
            throw new IllegalArgumentException(
                    "invalid twin path '"
                            + text
                            + "': write $twin.tags.NAME, $twin.properties.desired.NAME"
                            + " or $twin.properties.reported.NAME");
        }
        return new EnrichmentValue(text, Kind.TWIN, section, path.drop(section.prefixLength()));
    }

    /** The value as written. */
    public String text() {
        return text;
    }

    public Kind kind() {
        return kind;
    }

    public boolean readsTwin() {
        return kind == Kind.TWIN;
    }

    /**
     * The application property value this enrichment adds.
     *
     * @param hubName the configured hub name
     * @param twin the twin of the message's device or module, or null when none is known
     */
    public String resolve(String hubName, Twin twin) {
        switch (kind) {
            case STATIC:
                return text;
            case HUB_NAME:
                return hubName;
            default:
                if (twin == null) {
                    return text;
                }
                JsonNode node = twin.find(section, pathInSection);
                if (node == null
                        || node.isNull()
                        || node.isContainerNode()
                        || node.isMissingNode()) {
                    return text;
                }
                return node.asText();
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof EnrichmentValue && ((EnrichmentValue) other).text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
