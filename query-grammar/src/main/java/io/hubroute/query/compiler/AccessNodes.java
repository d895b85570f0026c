package io.hubroute.query.compiler;

import static io.hubroute.query.compiler.Nodes.FALSE;
import static io.hubroute.query.compiler.Nodes.NULL_STRING;
import static io.hubroute.query.compiler.Nodes.TRUE;
import static io.hubroute.query.compiler.Nodes.UNKNOWN;

import io.hubroute.message.JsonPath;
import io.hubroute.message.MessageProperties;
import io.hubroute.message.Twin;
import io.hubroute.query.BodyPaths;
import io.hubroute.query.MessageContext;
import io.hubroute.query.analyzer.TypedExpression.SystemProperty;
import io.hubroute.query.compiler.Nodes.BoolNode;
import io.hubroute.query.compiler.Nodes.JsonNode;
import io.hubroute.query.compiler.Nodes.StringNode;
import io.hubroute.query.json.JsonValues;
import java.util.List;

/**
 * Reads of the message (spec §5, §10 to §12): application and system properties, {@code $body} and
 * {@code $twin} queries, {@code twin_change_includes}. A {@code $name}, {@code $body.p} or {@code
 * $twin.p} reads the application property keyed literally so first, when there is one.
 */
final class AccessNodes {
    private AccessNodes() {}

    private static String propertyString(Object found) {
        if (found == MessageProperties.MISSING) {
            return null;
        }
        return found == MessageProperties.NULL_VALUE ? NULL_STRING : (String) found;
    }

    /** The application property keyed literally as the query, as json; null when absent. */
    private static Object shadowValue(MessageContext c, String shadow) {
        Object found = c.message().appProperties().find(shadow);
        if (found == MessageProperties.MISSING) {
            return null;
        }
        return found == MessageProperties.NULL_VALUE ? JsonValues.NULL : found;
    }

    static final class AppPropertyNode extends StringNode {
        private final String foldedName;

        AppPropertyNode(String foldedName) {
            this.foldedName = foldedName;
        }

        @Override
        String string(MessageContext c) {
            return propertyString(c.message().appProperties().find(foldedName));
        }
    }

    static final class SystemPropertyNode extends StringNode {
        private final String shadow;
        private final List<String> spellings;
        private final boolean enqueuedTime;

        SystemPropertyNode(SystemProperty property) {
            this.shadow = property.shadowFoldedName();
            this.spellings = property.foldedSpellings();
            this.enqueuedTime = property.enqueuedTime();
        }

        @Override
        String string(MessageContext c) {
            if (shadow != null) {
                Object shadowed = c.message().appProperties().find(shadow);
                if (shadowed != MessageProperties.MISSING) {
                    return propertyString(shadowed);
                }
            }
            return propertyString(c.message().findSystemProperty(spellings, enqueuedTime));
        }
    }

    /** Where a body path's value sits in the extraction of one set of body paths. */
    private record SlotCache(BodyPaths paths, int slot) {}

    /**
     * A {@code $body} query. The slot of its path is looked up once per set of body paths (a router
     * has one), not once per message; the cache is one immutable pair, so sharing the node between
     * threads is safe.
     */
    static final class BodyNode extends JsonNode {
        private final JsonPath path;
        private final String shadow;
        private volatile SlotCache slotCache;

        BodyNode(JsonPath path, String shadow) {
            this.path = path;
            this.shadow = shadow;
        }

        Object raw(MessageContext c) {
            BodyPaths paths = c.bodyPaths();
            SlotCache cache = slotCache;
            if (cache == null || cache.paths() != paths) {
                cache = new SlotCache(paths, paths.slotOf(path));
                slotCache = cache;
            }
            return cache.slot() >= 0 ? c.bodyValueAt(cache.slot()) : c.bodyValue(path);
        }

        @Override
        Object json(MessageContext c) {
            if (shadow != null) {
                Object shadowed = shadowValue(c, shadow);
                if (shadowed != null) {
                    return shadowed;
                }
            }
            Object value = raw(c);
            return value == JsonValues.ABSENT ? JsonValues.NULL : value;
        }
    }

    /** {@code twin_change_includes(path)}: T when the body has the path, U without a body. */
    static final class TwinChangeIncludesNode extends BoolNode {
        private final BodyNode body;

        TwinChangeIncludesNode(JsonPath path) {
            this.body = new BodyNode(path, null);
        }

        @Override
        int bool(MessageContext c) {
            Object raw = body.raw(c);
            if (c.bodyFailure() != null) {
                return UNKNOWN;
            }
            return raw == JsonValues.ABSENT ? FALSE : TRUE;
        }
    }

    /** A {@code $twin} query: undefined when no twin is known. */
    static final class TwinQueryNode extends JsonNode {
        private final Twin.Section section;
        private final JsonPath path;
        private final String shadow;

        TwinQueryNode(Twin.Section section, JsonPath path, String shadow) {
            this.section = section;
            this.path = path;
            this.shadow = shadow;
        }

        @Override
        Object json(MessageContext c) {
            if (shadow != null) {
                Object shadowed = shadowValue(c, shadow);
                if (shadowed != null) {
                    return shadowed;
                }
            }
            Twin twin = c.twin();
            if (twin == null) {
                return JsonValues.UNDEFINED;
            }
            Object value = JsonValues.fromNode(twin.find(section, path));
            return value == JsonValues.ABSENT ? JsonValues.NULL : value;
        }
    }
}
