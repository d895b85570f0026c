package io.hubroute.routing;

import io.hubroute.query.IndexableCondition;
import io.hubroute.query.json.JsonValues;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The indexed routes of one routing source that read one operand (a property, a {@code $body} or a
 * {@code $twin} query): one read of the operand per message finds every true route among them, at a
 * cost that grows with the logarithm of their number and with the endpoints they select, not with
 * the routes themselves.
 *
 * <ul>
 *   <li>Equalities: a hash map from the constant to the routes' endpoints.
 *   <li>Ranges: per operator, the thresholds sorted so that the true routes are always a leading
 *       run of them ({@code x > t} holds for every t below x); a binary search finds its length,
 *       and each endpoint is listed once, at the first position that selects it.
 *   <li>Prefixes and suffixes: a trie of the texts (of the reversed texts for suffixes), walked
 *       along the value.
 * </ul>
 *
 * <p>Only which routes are true is answered here; each route's own result comes from {@link
 * IndexableCondition#resultFor} on the value read, so the two cannot disagree on what a condition
 * means.
 */
final class OperandIndex {
    private static final Double ZERO = 0.0;

    final IndexableCondition.Operand operand;
    private final Map<Object, int[]> equalities;
    private final Thresholds[] lowerBounds;
    private final Thresholds[] upperBounds;
    private final Trie prefixes;
    private final Trie suffixes;

    private OperandIndex(
            IndexableCondition.Operand operand,
            Map<Object, int[]> equalities,
            Thresholds[] lowerBounds,
            Thresholds[] upperBounds,
            Trie prefixes,
            Trie suffixes) {
        this.operand = operand;
        this.equalities = equalities;
        this.lowerBounds = lowerBounds;
        this.upperBounds = upperBounds;
        this.prefixes = prefixes;
        this.suffixes = suffixes;
    }

    /**
     * Marks the endpoints of the routes that are true when the operand reads {@code value}; returns
     * whether any route is.
     */
    boolean select(Object value, boolean[] selected) {
        if (value == JsonValues.UNDEFINED) {
            return false;
        }
        boolean any = false;
        if (equalities != null) {
            // -0 = 0: the keys hold 0
            Object key = value instanceof Double && (Double) value == 0.0 ? ZERO : value;
            int[] endpoints = equalities.get(key);
            if (endpoints != null) {
                Router.select(endpoints, selected);
                any = true;
            }
        }
        if (value instanceof Double) {
            double x = (Double) value;
            for (Thresholds thresholds : lowerBounds) {
                any |= thresholds.selectBelow(x, selected);
            }
            for (Thresholds thresholds : upperBounds) {
                any |= thresholds.selectBelow(-x, selected);
            }
        } else {
            // bool < number < string < null (spec §7): a bool is below every threshold, a string,
            // JSON null or an unmatched path above it
            for (Thresholds thresholds : value instanceof Boolean ? upperBounds : lowerBounds) {
                any |= thresholds.selectAll(selected);
            }
        }
        if (value instanceof String) {
            String text = (String) value;
            if (prefixes != null) {
                any |= prefixes.select(text, false, selected);
            }
            if (suffixes != null) {
                any |= suffixes.select(text, true, selected);
            }
        }
        return any;
    }

    /** One range condition's key and its routes' endpoints, while building. */
    private record Threshold(double key, int[] endpoints) {}

    /** Collects the indexed routes of one operand. */
    static final class Builder {
        private final IndexableCondition.Operand operand;
        private final int endpointCount;
        private final Map<Object, List<Router.CompiledRoute>> equalities = new HashMap<>();
        private final Map<IndexableCondition.Range, List<Router.CompiledRoute>> ranges =
                new LinkedHashMap<>();
        private final TreeMap<String, List<Router.CompiledRoute>> prefixes = new TreeMap<>();
        private final TreeMap<String, List<Router.CompiledRoute>> suffixes = new TreeMap<>();

        Builder(IndexableCondition.Operand operand, int endpointCount) {
            this.operand = operand;
            this.endpointCount = endpointCount;
        }

        void add(Router.CompiledRoute route) {
            IndexableCondition indexed = route.indexed;
            if (indexed instanceof IndexableCondition.Equality) {
                equalities
                        .computeIfAbsent(
                                ((IndexableCondition.Equality) indexed).value(),
                                value -> new ArrayList<>())
                        .add(route);
            } else if (indexed instanceof IndexableCondition.Range) {
                ranges.computeIfAbsent(
                                (IndexableCondition.Range) indexed, range -> new ArrayList<>())
                        .add(route);
            } else if (indexed instanceof IndexableCondition.Prefix) {
                prefixes.computeIfAbsent(
                                ((IndexableCondition.Prefix) indexed).prefix(),
                                prefix -> new ArrayList<>())
                        .add(route);
            } else {
                suffixes.computeIfAbsent(
                                reversed(((IndexableCondition.Suffix) indexed).suffix()),
                                suffix -> new ArrayList<>())
                        .add(route);
            }
        }

        OperandIndex build() {
            Map<Object, int[]> equalityIndex = null;
            if (!equalities.isEmpty()) {
                equalityIndex = new HashMap<>();
                for (Map.Entry<Object, List<Router.CompiledRoute>> entry : equalities.entrySet()) {
                    equalityIndex.put(entry.getKey(), endpoints(entry.getValue()));
                }
            }
            List<Thresholds> lower = new ArrayList<>();
            List<Thresholds> upper = new ArrayList<>();
            for (boolean lowerBound : new boolean[] {true, false}) {
                for (boolean inclusive : new boolean[] {false, true}) {
                    Thresholds thresholds = thresholds(lowerBound, inclusive);
                    if (thresholds != null) {
                        (lowerBound ? lower : upper).add(thresholds);
                    }
                }
            }
            return new OperandIndex(
                    operand,
                    equalityIndex,
                    lower.toArray(new Thresholds[0]),
                    upper.toArray(new Thresholds[0]),
                    prefixes.isEmpty() ? null : trie(prefixes),
                    suffixes.isEmpty() ? null : trie(suffixes));
        }

        /**
         * The ranges of one operator as keys with routes true for the leading run of keys below w:
         * {@code x > t} and {@code x >= t} as t below x, {@code x < t} and {@code x <= t} as -t
         * below -x.
         */
        private Thresholds thresholds(boolean lowerBound, boolean inclusive) {
            List<Threshold> sorted = new ArrayList<>();
            for (Map.Entry<IndexableCondition.Range, List<Router.CompiledRoute>> entry :
                    ranges.entrySet()) {
                IndexableCondition.Range range = entry.getKey();
                if (range.isLowerBound() == lowerBound && range.isInclusive() == inclusive) {
                    sorted.add(
                            new Threshold(
                                    lowerBound ? range.threshold() : -range.threshold() + 0.0,
                                    endpoints(entry.getValue())));
                }
            }
            if (sorted.isEmpty()) {
                return null;
            }
            sorted.sort(Comparator.comparingDouble(Threshold::key));
            double[] keys = new double[sorted.size()];
            List<Integer> introducedAt = new ArrayList<>();
            List<Integer> introducedEndpoints = new ArrayList<>();
            boolean[] seen = new boolean[endpointCount];
            for (int i = 0; i < keys.length; i++) {
                keys[i] = sorted.get(i).key();
                for (int endpoint : sorted.get(i).endpoints()) {
                    if (!seen[endpoint]) {
                        seen[endpoint] = true;
                        introducedAt.add(i);
                        introducedEndpoints.add(endpoint);
                    }
                }
            }
            return new Thresholds(keys, inclusive, ints(introducedAt), ints(introducedEndpoints));
        }

        private Trie trie(TreeMap<String, List<Router.CompiledRoute>> texts) {
            Trie.Node root = new Trie.Node();
            for (Map.Entry<String, List<Router.CompiledRoute>> entry : texts.entrySet()) {
                Trie.Node node = root;
                String text = entry.getKey();
                for (int i = 0; i < text.length(); i++) {
                    node = node.children.computeIfAbsent(text.charAt(i), c -> new Trie.Node());
                }
                node.endpoints = endpoints(entry.getValue());
            }
            return Trie.of(root);
        }

        /** The distinct endpoints of the routes, in first-seen order. */
        private int[] endpoints(List<Router.CompiledRoute> routes) {
            boolean[] seen = new boolean[endpointCount];
            List<Integer> endpoints = new ArrayList<>();
            for (Router.CompiledRoute route : routes) {
                for (int endpoint : route.endpoints) {
                    if (!seen[endpoint]) {
                        seen[endpoint] = true;
                        endpoints.add(endpoint);
                    }
                }
            }
            return ints(endpoints);
        }
    }

    /**
     * Range routes of one operator, by key ascending: for a value w (negated for upper bounds), the
     * routes with key &lt; w (key &lt;= w when inclusive) are true, a leading run.
     */
    static final class Thresholds {
        private final double[] keys;
        private final boolean inclusive;

        /** Endpoint {@code introducedEndpoints[i]} is first selected by key {@code at[i]}. */
        private final int[] introducedAt;

        private final int[] introducedEndpoints;

        Thresholds(
                double[] keys, boolean inclusive, int[] introducedAt, int[] introducedEndpoints) {
            this.keys = keys;
            this.inclusive = inclusive;
            this.introducedAt = introducedAt;
            this.introducedEndpoints = introducedEndpoints;
        }

        /** The number of true keys for w: IEEE comparisons, so -0 = 0 and NaN selects none. */
        int count(double w) {
            int low = 0;
            int high = keys.length;
            while (low < high) {
                int middle = (low + high) >>> 1;
                double key = keys[middle];
                if (inclusive ? key <= w : key < w) {
                    low = middle + 1;
                } else {
                    high = middle;
                }
            }
            return low;
        }

        boolean selectBelow(double w, boolean[] selected) {
            return selectLeading(count(w), selected);
        }

        boolean selectAll(boolean[] selected) {
            return selectLeading(keys.length, selected);
        }

        private boolean selectLeading(int count, boolean[] selected) {
            for (int i = 0; i < introducedAt.length && introducedAt[i] < count; i++) {
                selected[introducedEndpoints[i]] = true;
            }
            return count > 0;
        }
    }

    /** Texts as a trie of UTF-16 units: each node that ends a text has its routes' endpoints. */
    static final class Trie {
        /** A node under construction. */
        static final class Node {
            final TreeMap<Character, Node> children = new TreeMap<>();
            int[] endpoints;
        }

        private final char[][] labels;
        private final int[][] children;

        /** Per node, the endpoints of the texts that end there, or null when none does. */
        private final int[][] endpoints;

        private Trie(char[][] labels, int[][] children, int[][] endpoints) {
            this.labels = labels;
            this.children = children;
            this.endpoints = endpoints;
        }

        static Trie of(Node root) {
            List<Node> nodes = new ArrayList<>(List.of(root));
            Map<Node, Integer> numbers = new IdentityHashMap<>();
            for (int i = 0; i < nodes.size(); i++) {
                numbers.put(nodes.get(i), i);
                nodes.addAll(nodes.get(i).children.values());
            }
            char[][] labels = new char[nodes.size()][];
            int[][] children = new int[nodes.size()][];
            int[][] endpoints = new int[nodes.size()][];
            for (int n = 0; n < nodes.size(); n++) {
                Node node = nodes.get(n);
                labels[n] = new char[node.children.size()];
                children[n] = new int[node.children.size()];
                int c = 0;
                for (Map.Entry<Character, Node> child : node.children.entrySet()) {
                    labels[n][c] = child.getKey();
                    children[n][c] = numbers.get(child.getValue());
                    c++;
                }
                endpoints[n] = node.endpoints;
            }
            return new Trie(labels, children, endpoints);
        }

        /**
         * Selects the endpoints of every text that starts {@code value} (ends it, when {@code
         * fromTheEnd}); returns whether there is one.
         */
        boolean select(String value, boolean fromTheEnd, boolean[] selected) {
            boolean any = false;
            int node = 0;
            int length = value.length();
            for (int i = 0; ; i++) {
                int[] ending = endpoints[node];
                if (ending != null) {
                    Router.select(ending, selected);
                    any = true;
                }
                if (i == length) {
                    return any;
                }
                char c = value.charAt(fromTheEnd ? length - 1 - i : i);
                int child = Arrays.binarySearch(labels[node], c);
                if (child < 0) {
                    return any;
                }
                node = children[node][child];
            }
        }
    }

    /** The text's UTF-16 units in reverse order (surrogate pairs too: ends_with is by unit). */
    static String reversed(String text) {
        char[] units = new char[text.length()];
        for (int i = 0; i < units.length; i++) {
            units[i] = text.charAt(units.length - 1 - i);
        }
        return new String(units);
    }

    private static int[] ints(List<Integer> values) {
        int[] array = new int[values.size()];
        for (int i = 0; i < array.length; i++) {
            array[i] = values.get(i);
        }
        return array;
    }
}
