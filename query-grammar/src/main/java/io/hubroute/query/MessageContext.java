package io.hubroute.query;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.hubroute.message.Json;
import io.hubroute.message.JsonPath;
import io.hubroute.message.Message;
import io.hubroute.message.Twin;
import io.hubroute.query.json.BodySource;
import io.hubroute.query.json.JsonValues;
import io.hubroute.query.json.PathExtractor;
import java.io.IOException;
import java.util.Objects;
import java.util.Set;

/**
 * One message being routed: the message, the twin known for its device or module (or none), and the
 * body, parsed at most once and only when a condition reads it. Not thread-safe: one per message,
 * shared by all conditions evaluated on it.
 */
public final class MessageContext {
    private static final ObjectReader STRICT_TREE_READER = Json.STRICT;

    private final Message message;
    private final Twin twin;
    private final BodyPaths bodyPaths;

    private BodySource bodySource;
    private Object[] extracted;
    private String bodyFailure;
    private boolean treeRead;
    private JsonNode bodyTree;
    private int bodyParses;
    private Object[] memoKeys;
    private Object[] memoValues;
    private int memoSize;

    private MessageContext(Message message, Twin twin, BodyPaths bodyPaths) {
        this.message = Objects.requireNonNull(message, "message");
        this.twin = twin;
        this.bodyPaths = Objects.requireNonNull(bodyPaths, "bodyPaths");
    }

    /**
     * A context for one message.
     *
     * @param twin the twin of the message's module or device, or null when none is known
     * @param bodyPaths what the conditions to be evaluated read, usually {@link BodyPaths#union}
     */
    public static MessageContext of(Message message, Twin twin, BodyPaths bodyPaths) {
        return new MessageContext(message, twin, bodyPaths);
    }

    public Message message() {
        return message;
    }

    /** The twin, or null when none is known. */
    public Twin twin() {
        return twin;
    }

    String missingTwinReason() {
        String module = message.moduleId().orElse(null);
        if (module != null) {
            return "$twin is not queryable: no twin is known for module '"
                    + module
                    + "' of device '"
                    + message.deviceId().orElse("")
                    + "'";
        }
        return "$twin is not queryable: no twin is known for device '"
                + message.deviceId().orElse("")
                + "'";
    }

    /**
     * How many times the body has been parsed for this message (0 or 1 when the body paths cover
     * the conditions).
     */
    public int bodyParses() {
        return bodyParses;
    }

    /**
     * Why the body cannot be queried (a failed precondition of spec §10), or null when it can.
     * Reads the body if no condition has yet.
     */
    public String bodyFailure() {
        if (bodySource == null) {
            extractIfNeeded();
        }
        return bodyFailure;
    }

    /**
     * A value an evaluator memoised for this message under {@code key} (with {@code hash} its hash
     * code), or null. Several conditions often share a subexpression ({@code $twin.tags.site},
     * {@code upper(zone)}); the fast path computes it once per message. Keys are compared with
     * {@code equals}, so structurally equal subexpressions of different conditions meet.
     */
    public Object memoised(Object key, int hash) {
        if (memoKeys == null) {
            return null;
        }
        int mask = memoKeys.length - 1;
        for (int i = spread(hash) & mask; ; i = (i + 1) & mask) {
            Object candidate = memoKeys[i];
            if (candidate == null) {
                return null;
            }
            if (candidate == key || candidate.equals(key)) {
                return memoValues[i];
            }
        }
    }

    /** Records a memoised value (non-null) for this message. */
    public void memoise(Object key, int hash, Object value) {
        if (memoKeys == null) {
            memoKeys = new Object[16];
            memoValues = new Object[16];
        } else if ((memoSize + 1) * 2 > memoKeys.length) {
            Object[] oldKeys = memoKeys;
            Object[] oldValues = memoValues;
            memoKeys = new Object[oldKeys.length * 2];
            memoValues = new Object[oldKeys.length * 2];
            memoSize = 0;
            for (int i = 0; i < oldKeys.length; i++) {
                if (oldKeys[i] != null) {
                    memoise(oldKeys[i], oldKeys[i].hashCode(), oldValues[i]);
                }
            }
        }
        int mask = memoKeys.length - 1;
        int i = spread(hash) & mask;
        while (memoKeys[i] != null && memoKeys[i] != key && !memoKeys[i].equals(key)) {
            i = (i + 1) & mask;
        }
        if (memoKeys[i] == null) {
            memoSize++;
        }
        memoKeys[i] = key;
        memoValues[i] = value;
    }

    private static int spread(int hash) {
        return hash ^ (hash >>> 16);
    }

    /** The body paths this context extracts. */
    public BodyPaths bodyPaths() {
        return bodyPaths;
    }

    /**
     * The raw value in extraction slot {@code slot} of {@link #bodyPaths()} (see {@link
     * BodyPaths#slotOf}); {@code UNDEFINED} when the body cannot be queried.
     */
    public Object bodyValueAt(int slot) {
        extractIfNeeded();
        return bodyFailure != null ? JsonValues.UNDEFINED : extracted[slot];
    }

    /**
     * The raw value at a body path: a {@link JsonValues} marker ({@code ABSENT} when nothing
     * matched), a Boolean, a Double or a String. Every path of the context's {@link BodyPaths} is
     * extracted in the one pass; a path outside them costs a pass of its own.
     */
    public Object bodyValue(JsonPath path) {
        extractIfNeeded();
        if (bodyFailure != null) {
            return JsonValues.UNDEFINED;
        }
        int slot = bodyPaths.extractor().slotOf(path);
        if (slot >= 0) {
            return extracted[slot];
        }
        bodyParses++;
        PathExtractor.Extraction single = new PathExtractor(Set.of(path)).extract(bodySource);
        return single.failure() == null ? single.values()[0] : JsonValues.UNDEFINED;
    }

    private void extractIfNeeded() {
        if (bodySource != null) {
            return;
        }
        bodySource = BodySource.of(message);
        if (bodySource.failure() != null) {
            bodyFailure = bodySource.failure();
            return;
        }
        bodyParses++;
        PathExtractor.Extraction extraction = bodyPaths.extractor().extract(bodySource);
        extracted = extraction.values();
        bodyFailure = extraction.failure();
    }

    /**
     * The whole body as a JSON tree, or null when it cannot be queried: what the reference
     * interpreter reads. Parsed at most once.
     */
    public JsonNode bodyTree() {
        if (treeRead) {
            return bodyTree;
        }
        treeRead = true;
        BodySource source = BodySource.of(message);
        if (source.failure() != null) {
            bodyFailure = source.failure();
            bodySource = source;
            return null;
        }
        bodyParses++;
        JsonNode tree = readTree(source);
        if (bodyFailure == null && (tree == null || !tree.isObject())) {
            bodyFailure = PathExtractor.NOT_AN_OBJECT;
        }
        if (bodyFailure != null) {
            tree = null;
        }
        if (bodySource == null) {
            bodySource = source;
        }
        bodyTree = tree;
        return tree;
    }

    private JsonNode readTree(BodySource source) {
        try (JsonParser parser = source.open()) {
            return STRICT_TREE_READER.readTree(parser);
        } catch (IOException | RuntimeException first) {
            try (JsonParser replacing = source.openReplacingMalformed()) {
                if (replacing != null) {
                    return STRICT_TREE_READER.readTree(replacing);
                }
            } catch (IOException | RuntimeException second) {
                bodyFailure = PathExtractor.invalidJson(second);
                return null;
            }
            bodyFailure = PathExtractor.invalidJson(first);
            return null;
        }
    }
}
