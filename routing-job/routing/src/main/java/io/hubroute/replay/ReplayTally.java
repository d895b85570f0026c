package io.hubroute.replay;

import io.hubroute.config.Endpoint;
import io.hubroute.config.Route;
import io.hubroute.config.RoutingConfig;
import io.hubroute.query.RouteResult;
import io.hubroute.replay.ReplayReport.EndpointCounts;
import io.hubroute.replay.ReplayReport.EndpointRow;
import io.hubroute.replay.ReplayReport.HourRow;
import io.hubroute.replay.ReplayReport.RouteChange;
import io.hubroute.replay.ReplayReport.RouteCounts;
import io.hubroute.replay.ReplayReport.RouteRow;
import io.hubroute.replay.ReplayReport.Sample;
import io.hubroute.replay.ReplayReport.SampleSide;
import io.hubroute.replay.ReplayReport.Side;
import io.hubroute.replay.ReplayReport.Totals;
import io.hubroute.replay.ReplayReport.Undecodable;
import io.hubroute.replay.ReplayReport.UndefinedReason;
import io.hubroute.replay.ReplayReport.UnreadableBlob;
import io.hubroute.routing.Delivery;
import io.hubroute.routing.InvalidDelivery;
import io.hubroute.routing.RoutingDecision;
import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The running aggregate of a replay: each message routed by a baseline and a candidate routes file,
 * counted per route, per endpoint and per hour, with samples of the messages whose endpoints
 * changed. Small and {@link Serializable}: it keeps the two files' route and endpoint names, not
 * the files, so it can be the value of a Flink accumulator.
 *
 * <p>{@link #merge(ReplayTally)} is associative and commutative, and the {@link #report(String)} of
 * merged tallies does not depend on how the messages were split among them or in which order they
 * came: counts add up; samples are the changed messages smallest by (enqueued time, device id,
 * message id, then everything else in the sample); examples of undecodable records are the first by
 * where they came from (numbers compared by value); of more than {@value #MAX_UNDEFINED_REASONS}
 * distinct undefined reasons per side, the shortest are kept (generic reasons are short, those
 * naming a device or a byte position longer) and the rest counted under {@link
 * ReplayReport#OTHER_REASONS}: a rule that, unlike "the most frequent", merges exactly.
 *
 * <p>Not thread-safe: one per subtask, merged at the end.
 *
 * <pre>{@code
 * ReplayTally tally = ReplayTally.create(baseline, candidate, 10);
 * tally.add(ReplayedMessage.of(message, timestamp),
 *         baselineRouter.route(message, twin), candidateRouter.route(message, twin));
 * tally.merge(otherSubtasksTally);
 * ReplayReport report = tally.report("kafka hub-events partitions 0-3");
 * }</pre>
 */
public final class ReplayTally implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Distinct undefined reasons kept per side; the rest count under one entry. */
    public static final int MAX_UNDEFINED_REASONS = 1000;

    /** Undecodable records kept as examples (all are counted). */
    public static final int MAX_UNDECODABLE_EXAMPLES = 20;

    /** Unreadable blobs listed by name (all are counted). */
    public static final int MAX_UNREADABLE_BLOB_EXAMPLES = 100;

    /** Route changes listed in one sample (all are counted). */
    public static final int MAX_ROUTE_CHANGES_PER_SAMPLE = 20;

    private static final long MILLIS_PER_HOUR = 3_600_000L;
    private static final String NO_REASON = "(no reason given)";

    private static final Comparator<Undecodable> UNDECODABLE_ORDER =
            (left, right) -> {
                int byWhere = NaturalOrder.compare(left.where(), right.where());
                return byWhere != 0 ? byWhere : left.reason().compareTo(right.reason());
            };

    private static final Comparator<UnreadableBlob> BLOB_ORDER =
            (left, right) -> {
                int byName = NaturalOrder.compare(left.name(), right.name());
                return byName != 0 ? byName : left.reason().compareTo(right.reason());
            };

    private static final Comparator<Sample> SAMPLE_ORDER = ReplayTally::compareSamples;

    private final int maxSamples;
    private final SideTally baseline;
    private final SideTally candidate;

    private long messages;
    private long changed;
    private long firstEnqueued = Long.MAX_VALUE;
    private long lastEnqueued = Long.MIN_VALUE;

    /**
     * Per epoch hour: {@code [messages, baseline deliveries by endpoint..., candidate deliveries by
     * endpoint...]}.
     */
    private final HashMap<Long, long[]> hours = new HashMap<>();

    /** Sorted by {@link #SAMPLE_ORDER}, at most {@link #maxSamples}. */
    private final ArrayList<Sample> samples = new ArrayList<>();

    private long undecodable;
    private final ArrayList<Undecodable> undecodableExamples = new ArrayList<>();
    private long unreadableBlobs;
    private final ArrayList<UnreadableBlob> unreadableBlobExamples = new ArrayList<>();

    /** History comes mostly in time order: most messages land in the hour of the one before. */
    private transient long cachedHour;

    private transient long[] cachedHourCounts;

    private ReplayTally(int maxSamples, SideTally baseline, SideTally candidate) {
        this.maxSamples = maxSamples;
        this.baseline = baseline;
        this.candidate = candidate;
    }

    /**
     * An empty tally for decisions of routers built from these two files.
     *
     * @param maxSamples how many changed messages to keep as samples (0 for none)
     * @throws IllegalArgumentException when maxSamples is negative or a file repeats a route or
     *     endpoint name (the routes file loader never accepts one that does)
     */
    public static ReplayTally create(
            RoutingConfig baseline, RoutingConfig candidate, int maxSamples) {
        return create(baseline, candidate, maxSamples, MAX_UNDEFINED_REASONS);
    }

    /** {@link #create(RoutingConfig, RoutingConfig, int)} with another cap on distinct reasons. */
    static ReplayTally create(
            RoutingConfig baseline,
            RoutingConfig candidate,
            int maxSamples,
            int maxUndefinedReasons) {
        Objects.requireNonNull(baseline, "baseline");
        Objects.requireNonNull(candidate, "candidate");
        if (maxSamples < 0) {
            throw new IllegalArgumentException("maxSamples must be >= 0, not " + maxSamples);
        }
        if (maxUndefinedReasons < 1) {
            throw new IllegalArgumentException(
                    "maxUndefinedReasons must be >= 1, not " + maxUndefinedReasons);
        }
        return new ReplayTally(
                maxSamples,
                SideTally.of(Side.BASELINE, baseline, maxUndefinedReasons),
                SideTally.of(Side.CANDIDATE, candidate, maxUndefinedReasons));
    }

    /**
     * Counts one message, as the baseline and the candidate router decided it.
     *
     * @param baselineDecision the decision of a router built from the baseline file this tally was
     *     created with
     * @param candidateDecision likewise for the candidate file
     */
    public void add(
            ReplayedMessage message,
            RoutingDecision baselineDecision,
            RoutingDecision candidateDecision) {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(baselineDecision, "baselineDecision");
        Objects.requireNonNull(candidateDecision, "candidateDecision");
        messages++;
        long time = message.enqueuedTimeMillis();
        if (time < firstEnqueued) {
            firstEnqueued = time;
        }
        if (time > lastEnqueued) {
            lastEnqueued = time;
        }
        long[] hourCounts = hourCounts(Math.floorDiv(time, MILLIS_PER_HOUR));
        hourCounts[0]++;
        baseline.add(baselineDecision, hourCounts, 1);
        candidate.add(candidateDecision, hourCounts, 1 + baseline.endpointNames.length);
        if (!sameEndpoints(baselineDecision.deliveries(), candidateDecision.deliveries())) {
            changed++;
            if (maxSamples > 0
                    && (samples.size() < maxSamples
                            || compareMessages(message, samples.get(samples.size() - 1).message())
                                    <= 0)) {
                insertBounded(
                        samples,
                        sample(message, baselineDecision, candidateDecision),
                        SAMPLE_ORDER,
                        maxSamples);
            }
        }
    }

    /**
     * Counts a record that could not be decoded into a message.
     *
     * @param reason why, for people
     * @param where where it came from: topic, partition and offset, or blob and position
     */
    public void addUndecodable(String reason, String where) {
        Undecodable record =
                new Undecodable(
                        Objects.requireNonNull(reason, "reason"),
                        Objects.requireNonNull(where, "where"));
        undecodable++;
        insertBounded(undecodableExamples, record, UNDECODABLE_ORDER, MAX_UNDECODABLE_EXAMPLES);
    }

    /** Counts a blob that could not be read at all. */
    public void addUnreadableBlob(String blob, String reason) {
        UnreadableBlob unreadable =
                new UnreadableBlob(
                        Objects.requireNonNull(blob, "blob"),
                        Objects.requireNonNull(reason, "reason"));
        unreadableBlobs++;
        insertBounded(unreadableBlobExamples, unreadable, BLOB_ORDER, MAX_UNREADABLE_BLOB_EXAMPLES);
    }

    /**
     * Adds another tally's counts to this one.
     *
     * @throws IllegalArgumentException when the other tally was created from other files or with
     *     another number of samples, or is this tally
     */
    public void merge(ReplayTally other) {
        Objects.requireNonNull(other, "other");
        if (other == this) {
            throw new IllegalArgumentException("a tally cannot be merged into itself: copy() it");
        }
        if (other.maxSamples != maxSamples
                || !baseline.sameShape(other.baseline)
                || !candidate.sameShape(other.candidate)) {
            throw new IllegalArgumentException(
                    "only tallies created from the same baseline and candidate files with the same"
                            + " maxSamples merge: create every subtask's tally with the same"
                            + " arguments");
        }
        messages += other.messages;
        changed += other.changed;
        firstEnqueued = Math.min(firstEnqueued, other.firstEnqueued);
        lastEnqueued = Math.max(lastEnqueued, other.lastEnqueued);
        for (Map.Entry<Long, long[]> entry : other.hours.entrySet()) {
            long[] counts = hours.get(entry.getKey());
            if (counts == null) {
                hours.put(entry.getKey(), entry.getValue().clone());
            } else {
                long[] more = entry.getValue();
                for (int i = 0; i < counts.length; i++) {
                    counts[i] += more[i];
                }
            }
        }
        baseline.merge(other.baseline);
        candidate.merge(other.candidate);
        for (Sample sample : other.samples) {
            insertBounded(samples, sample, SAMPLE_ORDER, maxSamples);
        }
        undecodable += other.undecodable;
        for (Undecodable record : other.undecodableExamples) {
            insertBounded(undecodableExamples, record, UNDECODABLE_ORDER, MAX_UNDECODABLE_EXAMPLES);
        }
        unreadableBlobs += other.unreadableBlobs;
        for (UnreadableBlob blob : other.unreadableBlobExamples) {
            insertBounded(unreadableBlobExamples, blob, BLOB_ORDER, MAX_UNREADABLE_BLOB_EXAMPLES);
        }
    }

    /** An independent tally with the same counts (for an accumulator's {@code clone()}). */
    public ReplayTally copy() {
        ReplayTally copy = emptyCopy();
        copy.merge(this);
        return copy;
    }

    /** An empty tally for the same files and samples (for an accumulator's reset). */
    public ReplayTally emptyCopy() {
        return new ReplayTally(maxSamples, baseline.emptyCopy(), candidate.emptyCopy());
    }

    /** The counts in one line, for Flink's web UI (accumulators) and logs. */
    @Override
    public String toString() {
        return "ReplayTally{messages="
                + messages
                + ", changed="
                + changed
                + ", undecodable="
                + undecodable
                + ", unreadableBlobs="
                + unreadableBlobs
                + "}";
    }

    /** Messages counted so far. */
    public long messages() {
        return messages;
    }

    /**
     * The report of everything counted so far.
     *
     * @param sourceDescription what was replayed, for people (a topic and its range, a container
     *     and its prefix)
     */
    public ReplayReport report(String sourceDescription) {
        Objects.requireNonNull(sourceDescription, "sourceDescription");
        return new ReplayReport(
                sourceDescription,
                messages,
                messages == 0 ? null : Instant.ofEpochMilli(firstEnqueued),
                messages == 0 ? null : Instant.ofEpochMilli(lastEnqueued),
                changed,
                baseline.totals(),
                candidate.totals(),
                routeRows(),
                endpointRows(),
                samples,
                undefinedReasons(),
                hourRows(),
                undecodable,
                undecodableExamples,
                unreadableBlobs,
                unreadableBlobExamples);
    }

    private long[] hourCounts(long hour) {
        if (cachedHourCounts != null && cachedHour == hour) {
            return cachedHourCounts;
        }
        long[] counts = hours.get(hour);
        if (counts == null) {
            counts = new long[1 + baseline.endpointNames.length + candidate.endpointNames.length];
            hours.put(hour, counts);
        }
        cachedHour = hour;
        cachedHourCounts = counts;
        return counts;
    }

    /** Whether both decisions deliver to the same endpoint names (each name at most once). */
    private static boolean sameEndpoints(List<Delivery> left, List<Delivery> right) {
        int size = left.size();
        if (size != right.size()) {
            return false;
        }
        for (int i = 0; i < size; i++) {
            String name = left.get(i).endpointName();
            boolean found = false;
            for (int j = 0; j < size && !found; j++) {
                found = right.get(j).endpointName().equals(name);
            }
            if (!found) {
                return false;
            }
        }
        return true;
    }

    private Sample sample(
            ReplayedMessage message,
            RoutingDecision baselineDecision,
            RoutingDecision candidateDecision) {
        Map<String, RouteResult> baselineResults = new HashMap<>();
        for (int i = 0; i < baselineDecision.decidedRouteCount(); i++) {
            baselineResults.put(
                    baseline.routeNames[baselineDecision.routeIndex(i)],
                    baselineDecision.routeResult(i));
        }
        List<RouteChange> changes = new ArrayList<>();
        int changeCount = 0;
        Set<String> candidateDecided = new HashSet<>();
        for (int i = 0; i < candidateDecision.decidedRouteCount(); i++) {
            String name = candidate.routeNames[candidateDecision.routeIndex(i)];
            candidateDecided.add(name);
            RouteResult after = candidateDecision.routeResult(i);
            RouteResult before = baselineResults.get(name);
            if ((before == RouteResult.TRUE) != (after == RouteResult.TRUE)) {
                changeCount++;
                if (changes.size() < MAX_ROUTE_CHANGES_PER_SAMPLE) {
                    changes.add(new RouteChange(name, before, after));
                }
            }
        }
        for (int i = 0; i < baselineDecision.decidedRouteCount(); i++) {
            String name = baseline.routeNames[baselineDecision.routeIndex(i)];
            if (!candidateDecided.contains(name)
                    && baselineDecision.routeResult(i) == RouteResult.TRUE) {
                changeCount++;
                if (changes.size() < MAX_ROUTE_CHANGES_PER_SAMPLE) {
                    changes.add(new RouteChange(name, RouteResult.TRUE, null));
                }
            }
        }
        return new Sample(
                message,
                new SampleSide(baselineDecision.endpointNames(), baselineDecision.fallback()),
                new SampleSide(candidateDecision.endpointNames(), candidateDecision.fallback()),
                changes,
                changeCount);
    }

    private List<RouteRow> routeRows() {
        Map<String, Integer> baselineIndex = indexOf(baseline.routeNames);
        Map<String, Integer> candidateIndex = indexOf(candidate.routeNames);
        List<RouteRow> rows = new ArrayList<>();
        for (int i = 0; i < candidate.routeNames.length; i++) {
            String name = candidate.routeNames[i];
            Integer before = baselineIndex.get(name);
            rows.add(
                    new RouteRow(
                            name,
                            before == null ? null : baseline.routeCounts(before),
                            candidate.routeCounts(i)));
        }
        for (int i = 0; i < baseline.routeNames.length; i++) {
            if (!candidateIndex.containsKey(baseline.routeNames[i])) {
                rows.add(new RouteRow(baseline.routeNames[i], baseline.routeCounts(i), null));
            }
        }
        return rows;
    }

    private List<EndpointRow> endpointRows() {
        Map<String, Integer> baselineIndex = indexOf(baseline.endpointNames);
        Map<String, Integer> candidateIndex = indexOf(candidate.endpointNames);
        List<EndpointRow> rows = new ArrayList<>();
        for (int i = 0; i < candidate.endpointNames.length; i++) {
            String name = candidate.endpointNames[i];
            Integer before = baselineIndex.get(name);
            rows.add(
                    new EndpointRow(
                            name,
                            before == null ? null : baseline.endpointCounts(before),
                            candidate.endpointCounts(i)));
        }
        for (int i = 0; i < baseline.endpointNames.length; i++) {
            if (!candidateIndex.containsKey(baseline.endpointNames[i])) {
                rows.add(
                        new EndpointRow(
                                baseline.endpointNames[i], baseline.endpointCounts(i), null));
            }
        }
        return rows;
    }

    private List<UndefinedReason> undefinedReasons() {
        List<UndefinedReason> reasons = new ArrayList<>();
        baseline.addReasons(reasons);
        candidate.addReasons(reasons);
        reasons.sort(
                (left, right) -> {
                    int byCount = Long.compare(right.count(), left.count());
                    if (byCount != 0) {
                        return byCount;
                    }
                    int bySide = left.side().compareTo(right.side());
                    return bySide != 0 ? bySide : left.reason().compareTo(right.reason());
                });
        if (baseline.otherReasons > 0) {
            reasons.add(
                    new UndefinedReason(
                            Side.BASELINE, ReplayReport.OTHER_REASONS, baseline.otherReasons));
        }
        if (candidate.otherReasons > 0) {
            reasons.add(
                    new UndefinedReason(
                            Side.CANDIDATE, ReplayReport.OTHER_REASONS, candidate.otherReasons));
        }
        return reasons;
    }

    private List<HourRow> hourRows() {
        List<Long> sorted = new ArrayList<>(hours.keySet());
        Collections.sort(sorted);
        int candidateOffset = 1 + baseline.endpointNames.length;
        List<HourRow> rows = new ArrayList<>(sorted.size());
        for (Long hour : sorted) {
            long[] counts = hours.get(hour);
            rows.add(
                    new HourRow(
                            Instant.ofEpochMilli(hour * MILLIS_PER_HOUR),
                            counts[0],
                            nonZero(baseline.endpointNames, counts, 1),
                            nonZero(candidate.endpointNames, counts, candidateOffset)));
        }
        return rows;
    }

    private static Map<String, Long> nonZero(String[] names, long[] counts, int offset) {
        Map<String, Long> map = new LinkedHashMap<>();
        for (int i = 0; i < names.length; i++) {
            if (counts[offset + i] != 0) {
                map.put(names[i], counts[offset + i]);
            }
        }
        return map;
    }

    private static Map<String, Integer> indexOf(String[] names) {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < names.length; i++) {
            index.put(names[i], i);
        }
        return index;
    }

    /**
     * Inserts in order and keeps the {@code cap} smallest. Equal items are identical under these
     * total orders, so which of two equal ones is dropped does not matter.
     */
    private static <T> void insertBounded(
            List<T> sorted, T item, Comparator<? super T> order, int cap) {
        if (cap == 0 || (sorted.size() == cap && order.compare(item, sorted.get(cap - 1)) >= 0)) {
            return;
        }
        int position = Collections.binarySearch(sorted, item, order);
        sorted.add(position < 0 ? -position - 1 : position, item);
        if (sorted.size() > cap) {
            sorted.remove(sorted.size() - 1);
        }
    }

    static int compareMessages(ReplayedMessage left, ReplayedMessage right) {
        int result = Long.compare(left.enqueuedTimeMillis(), right.enqueuedTimeMillis());
        if (result == 0) {
            result = left.deviceId().compareTo(right.deviceId());
        }
        if (result == 0) {
            result = compareNullable(left.messageId(), right.messageId());
        }
        if (result == 0) {
            result = compareNullable(left.moduleId(), right.moduleId());
        }
        return result;
    }

    /** A total order on samples: by message first, then by every other field. */
    static int compareSamples(Sample left, Sample right) {
        int result = compareMessages(left.message(), right.message());
        if (result == 0) {
            result = compareSides(left.baseline(), right.baseline());
        }
        if (result == 0) {
            result = compareSides(left.candidate(), right.candidate());
        }
        if (result == 0) {
            result = Integer.compare(left.changedRouteCount(), right.changedRouteCount());
        }
        List<RouteChange> leftChanges = left.changedRoutes();
        List<RouteChange> rightChanges = right.changedRoutes();
        for (int i = 0; result == 0 && i < leftChanges.size() && i < rightChanges.size(); i++) {
            RouteChange a = leftChanges.get(i);
            RouteChange b = rightChanges.get(i);
            result = a.route().compareTo(b.route());
            if (result == 0) {
                result = compareNullable(a.baseline(), b.baseline());
            }
            if (result == 0) {
                result = compareNullable(a.candidate(), b.candidate());
            }
        }
        return result != 0 ? result : Integer.compare(leftChanges.size(), rightChanges.size());
    }

    private static int compareSides(SampleSide left, SampleSide right) {
        int result = Boolean.compare(left.fallback(), right.fallback());
        List<String> a = left.endpoints();
        List<String> b = right.endpoints();
        for (int i = 0; result == 0 && i < a.size() && i < b.size(); i++) {
            result = a.get(i).compareTo(b.get(i));
        }
        return result != 0 ? result : Integer.compare(a.size(), b.size());
    }

    private static <T extends Comparable<T>> int compareNullable(T left, T right) {
        if (left == null || right == null) {
            return left == null ? (right == null ? 0 : -1) : 1;
        }
        return left.compareTo(right);
    }

    /**
     * Which undefined reasons a full tally keeps: shorter first, then by text. Any order that does
     * not look at counts merges exactly; this one keeps the generic reasons ("condition evaluated
     * to undefined") when thousands of devices without a twin each have their own.
     */
    static final class ReasonOrder implements Comparator<String>, Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public int compare(String left, String right) {
            int byLength = Integer.compare(left.length(), right.length());
            return byLength != 0 ? byLength : left.compareTo(right);
        }
    }

    /** One side's counts, by the position of routes and endpoints in that side's file. */
    private static final class SideTally implements Serializable {
        private static final long serialVersionUID = 1L;

        final Side side;
        final String[] routeNames;
        final String[] endpointNames;
        final int maxReasons;

        /** {@code [route * 3 + result ordinal]}. */
        final long[] routeCounts;

        final long[] deliveries;
        final long[] invalid;
        long fallback;
        long orphaned;

        /** The first distinct reasons by {@link ReasonOrder}, with their counts. */
        final TreeMap<String, long[]> reasons = new TreeMap<>(new ReasonOrder());

        long otherReasons;

        private SideTally(Side side, String[] routeNames, String[] endpointNames, int maxReasons) {
            this.side = side;
            this.routeNames = routeNames;
            this.endpointNames = endpointNames;
            this.maxReasons = maxReasons;
            this.routeCounts = new long[routeNames.length * 3];
            this.deliveries = new long[endpointNames.length];
            this.invalid = new long[endpointNames.length];
        }

        static SideTally of(Side side, RoutingConfig config, int maxReasons) {
            List<Route> routes = config.routes();
            String[] routeNames = new String[routes.size()];
            for (int i = 0; i < routeNames.length; i++) {
                routeNames[i] = routes.get(i).name();
            }
            List<Endpoint> endpoints = config.allEndpoints();
            String[] endpointNames = new String[endpoints.size()];
            for (int i = 0; i < endpointNames.length; i++) {
                endpointNames[i] = endpoints.get(i).name();
            }
            requireUnique(side, "route", routeNames);
            requireUnique(side, "endpoint", endpointNames);
            return new SideTally(side, routeNames, endpointNames, maxReasons);
        }

        private static void requireUnique(Side side, String kind, String[] names) {
            Set<String> seen = new HashSet<>();
            for (String name : names) {
                if (!seen.add(name)) {
                    throw new IllegalArgumentException(
                            "the "
                                    + side
                                    + " routes file has two "
                                    + kind
                                    + "s named '"
                                    + name
                                    + "': load it with RoutingConfigLoader, which refuses that");
                }
            }
        }

        SideTally emptyCopy() {
            return new SideTally(side, routeNames, endpointNames, maxReasons);
        }

        boolean sameShape(SideTally other) {
            return maxReasons == other.maxReasons
                    && Arrays.equals(routeNames, other.routeNames)
                    && Arrays.equals(endpointNames, other.endpointNames);
        }

        void add(RoutingDecision decision, long[] hourCounts, int hourOffset) {
            int decided = decision.decidedRouteCount();
            for (int i = 0; i < decided; i++) {
                RouteResult result = decision.routeResult(i);
                routeCounts[decision.routeIndex(i) * 3 + result.ordinal()]++;
                if (result == RouteResult.UNDEFINED) {
                    String reason = decision.undefinedReason(i);
                    countReason(reason == null ? NO_REASON : reason, 1);
                }
            }
            List<Delivery> made = decision.deliveries();
            for (int i = 0; i < made.size(); i++) {
                int endpoint = made.get(i).endpointIndex();
                deliveries[endpoint]++;
                hourCounts[hourOffset + endpoint]++;
            }
            List<InvalidDelivery> notMade = decision.invalidDeliveries();
            for (int i = 0; i < notMade.size(); i++) {
                invalid[notMade.get(i).endpointIndex()]++;
            }
            if (decision.fallback()) {
                fallback++;
            }
            orphaned += decision.counters().orphaned();
        }

        /**
         * Keeps the first {@link #maxReasons} by {@link ReasonOrder}: a reason among the first of
         * all tallies together is among the first of each tally that saw it, so merging stays
         * exact.
         */
        private void countReason(String reason, long count) {
            long[] counted = reasons.get(reason);
            if (counted != null) {
                counted[0] += count;
                return;
            }
            if (reasons.size() >= maxReasons
                    && reasons.comparator().compare(reason, reasons.lastKey()) > 0) {
                otherReasons += count;
                return;
            }
            reasons.put(reason, new long[] {count});
            if (reasons.size() > maxReasons) {
                otherReasons += reasons.pollLastEntry().getValue()[0];
            }
        }

        void merge(SideTally other) {
            for (int i = 0; i < routeCounts.length; i++) {
                routeCounts[i] += other.routeCounts[i];
            }
            for (int i = 0; i < deliveries.length; i++) {
                deliveries[i] += other.deliveries[i];
                invalid[i] += other.invalid[i];
            }
            fallback += other.fallback;
            orphaned += other.orphaned;
            for (Map.Entry<String, long[]> entry : other.reasons.entrySet()) {
                countReason(entry.getKey(), entry.getValue()[0]);
            }
            otherReasons += other.otherReasons;
        }

        RouteCounts routeCounts(int route) {
            return new RouteCounts(
                    routeCounts[route * 3 + RouteResult.TRUE.ordinal()],
                    routeCounts[route * 3 + RouteResult.FALSE.ordinal()],
                    routeCounts[route * 3 + RouteResult.UNDEFINED.ordinal()]);
        }

        EndpointCounts endpointCounts(int endpoint) {
            return new EndpointCounts(deliveries[endpoint], invalid[endpoint]);
        }

        Totals totals() {
            long delivered = 0;
            long notDelivered = 0;
            for (int i = 0; i < deliveries.length; i++) {
                delivered += deliveries[i];
                notDelivered += invalid[i];
            }
            return new Totals(delivered, notDelivered, fallback, orphaned);
        }

        void addReasons(List<UndefinedReason> into) {
            for (Map.Entry<String, long[]> entry : reasons.entrySet()) {
                into.add(new UndefinedReason(side, entry.getKey(), entry.getValue()[0]));
            }
        }
    }
}
