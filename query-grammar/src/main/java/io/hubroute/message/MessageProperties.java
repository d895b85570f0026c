package io.hubroute.message;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A message's application or system properties: name/value pairs in wire order. Values may be null
 * (a property that is present with a null value). Lookups are case-insensitive; among names that
 * differ only in case, the last in wire order wins, as the routing query language requires.
 * Immutable.
 */
public final class MessageProperties {
    /** Returned by {@link #find} when no property has the name; compare by identity. */
    public static final Object MISSING =
            new Object() {
                @Override
                public String toString() {
                    return "<missing>";
                }
            };

    /** Returned by {@link #find} for a property present with a null value; compare by identity. */
    public static final Object NULL_VALUE =
            new Object() {
                @Override
                public String toString() {
                    return "<null>";
                }
            };

    private static final MessageProperties EMPTY = new MessageProperties(List.of());

    /**
     * Up to this many properties are found by comparing names (newest first), without folding or
     * hashing them: a message's dozen or so properties are read a few times each, and building an
     * index for them cost more than the reads. Larger sets get an index on their first read.
     */
    private static final int SCANNED = 24;

    private final List<Property> entries;
    private final Property[] scanned;
    private Index index;

    /** A final field publishes the map safely to any thread that sees the holder. */
    private static final class Index {
        final Map<String, Object> byFoldedName;

        Index(Map<String, Object> byFoldedName) {
            this.byFoldedName = byFoldedName;
        }
    }

    private MessageProperties(List<Property> entries) {
        this.entries = entries;
        this.scanned = entries.size() <= SCANNED ? entries.toArray(new Property[0]) : null;
    }

    /** The index of the larger sets, built on first use (racy but idempotent: immutable data). */
    private Map<String, Object> index() {
        Index built = index;
        if (built == null) {
            Map<String, Object> map = new HashMap<>(Math.max(4, entries.size() * 2));
            for (Property property : entries) {
                map.put(
                        CaseInsensitiveNames.fold(property.name()),
                        property.value() == null ? NULL_VALUE : property.value());
            }
            built = new Index(map);
            index = built;
        }
        return built.byFoldedName;
    }

    /** One property; {@code value} may be null. */
    public record Property(String name, String value) {
        public Property {
            Objects.requireNonNull(name, "name");
        }
    }

    public static MessageProperties empty() {
        return EMPTY;
    }

    /** Properties in the iteration order of {@code map}; null values are kept as null values. */
    public static MessageProperties of(Map<String, String> map) {
        List<Property> entries = new ArrayList<>(map.size());
        for (Map.Entry<String, String> entry : map.entrySet()) {
            entries.add(new Property(entry.getKey(), entry.getValue()));
        }
        return new MessageProperties(Collections.unmodifiableList(entries));
    }

    /** Properties in the given wire order. */
    public static MessageProperties of(List<Property> entries) {
        return new MessageProperties(List.copyOf(entries));
    }

    /** Properties from alternating names and values: {@code of("level", "critical", ...)}. */
    public static MessageProperties of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("expected name/value pairs, got an odd count");
        }
        List<Property> entries = new ArrayList<>(namesAndValues.length / 2);
        for (int i = 0; i < namesAndValues.length; i += 2) {
            entries.add(new Property(namesAndValues[i], namesAndValues[i + 1]));
        }
        return new MessageProperties(Collections.unmodifiableList(entries));
    }

    /** All properties in wire order, duplicates (by case) included. */
    public List<Property> entries() {
        return entries;
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** Whether a property with this name (in any case) is present, with a value or null. */
    public boolean contains(String name) {
        return find(CaseInsensitiveNames.fold(name)) != MISSING;
    }

    /** The value of the property, or null when it is missing or present with a null value. */
    public String get(String name) {
        Object value = find(CaseInsensitiveNames.fold(name));
        return value instanceof String ? (String) value : null;
    }

    /**
     * The value under an already {@linkplain CaseInsensitiveNames#fold folded} name: the value
     * string, {@link #NULL_VALUE} or {@link #MISSING}. For evaluators that fold names once.
     */
    public Object find(String foldedName) {
        if (scanned != null) {
            // the last of several spellings of one name wins, as in the index
            for (int i = scanned.length - 1; i >= 0; i--) {
                Property property = scanned[i];
                if (CaseInsensitiveNames.matchesFolded(property.name(), foldedName)) {
                    return property.value() == null ? NULL_VALUE : property.value();
                }
            }
            return MISSING;
        }
        Object value = index().get(foldedName);
        return value == null ? MISSING : value;
    }

    /**
     * These properties with {@code name} set to {@code value}: every property of that name (in any
     * case) is replaced by one at the end.
     */
    public MessageProperties with(String name, String value) {
        String folded = CaseInsensitiveNames.fold(name);
        List<Property> updated = new ArrayList<>(entries.size() + 1);
        for (Property property : entries) {
            if (!CaseInsensitiveNames.fold(property.name()).equals(folded)) {
                updated.add(property);
            }
        }
        updated.add(new Property(name, value));
        return new MessageProperties(Collections.unmodifiableList(updated));
    }

    /**
     * One entry per distinct name (in any case), keeping the winning (last) spelling and value, in
     * the wire order of the winning entries. Values may be null.
     */
    public Map<String, String> toMap() {
        Map<String, String> winners = new LinkedHashMap<>();
        Map<String, String> spellingByFolded = new HashMap<>();
        for (Property property : entries) {
            String folded = CaseInsensitiveNames.fold(property.name());
            String previousSpelling = spellingByFolded.put(folded, property.name());
            if (previousSpelling != null) {
                winners.remove(previousSpelling);
            }
            winners.put(property.name(), property.value());
        }
        return Collections.unmodifiableMap(winners);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof MessageProperties
                && ((MessageProperties) other).entries.equals(entries);
    }

    @Override
    public int hashCode() {
        return entries.hashCode();
    }

    @Override
    public String toString() {
        return entries.toString();
    }
}
