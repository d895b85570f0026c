package io.hubroute.replay;

import io.hubroute.query.RouteResult;
import java.io.Serializable;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a candidate routes file would have done with replayed history, next to a baseline file.
 * Immutable; made by {@link ReplayTally#report(String)}, written with {@link #toJson()} (the shape
 * {@code docs/replay-report.md} documents), read back with {@link #fromJson(String)}. Two reports
 * are equal when every number, name and sample is.
 *
 * <p>Everything comes in a fixed order: routes and endpoints in the candidate file's order, then
 * those only in the baseline file in its order; samples by enqueued time, device id, message id;
 * hours ascending.
 *
 * @param source what was replayed, in the words of whoever ran the replay
 * @param messages messages decoded and routed by both files
 * @param firstEnqueuedTime the earliest enqueued time seen, or null when no message was read
 * @param lastEnqueuedTime the latest enqueued time seen, or null when no message was read
 * @param changedMessages messages whose set of endpoints (by name) differs between the files
 * @param baseline totals under the baseline file
 * @param candidate totals under the candidate file
 * @param routes every route of either file
 * @param endpoints every endpoint of either file ({@code events} included)
 * @param samples the changed messages that come first by enqueued time, device id and message id
 * @param undefinedReasons why routes were undefined, most frequent first; {@link #OTHER_REASONS}
 *     last, counting what did not fit
 * @param deliveriesByHour deliveries per endpoint per UTC hour, for hours with messages
 * @param undecodableRecords records that could not be decoded into a message
 * @param undecodableExamples the first of them by where they came from
 * @param unreadableBlobs blobs that could not be read at all
 * @param unreadableBlobExamples the first of them by name
 */
public record ReplayReport(
        String source,
        long messages,
        Instant firstEnqueuedTime,
        Instant lastEnqueuedTime,
        long changedMessages,
        Totals baseline,
        Totals candidate,
        List<RouteRow> routes,
        List<EndpointRow> endpoints,
        List<Sample> samples,
        List<UndefinedReason> undefinedReasons,
        List<HourRow> deliveriesByHour,
        long undecodableRecords,
        List<Undecodable> undecodableExamples,
        long unreadableBlobs,
        List<UnreadableBlob> unreadableBlobExamples) {

    /** The version of the JSON shape: {@code "version"} in every report written. */
    public static final int VERSION = 1;

    /** The reason under which undefined results beyond the distinct reasons kept are counted. */
    public static final String OTHER_REASONS = "(other reasons)";

    public ReplayReport {
        Objects.requireNonNull(source, "source");
        if ((firstEnqueuedTime == null) != (lastEnqueuedTime == null)) {
            throw new IllegalArgumentException(
                    "firstEnqueuedTime and lastEnqueuedTime go together: give both or neither");
        }
        Objects.requireNonNull(baseline, "baseline");
        Objects.requireNonNull(candidate, "candidate");
        routes = List.copyOf(routes);
        endpoints = List.copyOf(endpoints);
        samples = List.copyOf(samples);
        undefinedReasons = List.copyOf(undefinedReasons);
        deliveriesByHour = List.copyOf(deliveriesByHour);
        undecodableExamples = List.copyOf(undecodableExamples);
        unreadableBlobExamples = List.copyOf(unreadableBlobExamples);
    }

    /** The report as indented JSON with a final newline, keys in a fixed order. */
    public String toJson() {
        return ReplayReportJson.write(this);
    }

    /**
     * Reads a report {@link #toJson()} wrote.
     *
     * @throws IllegalArgumentException when the text is not JSON, not version {@value #VERSION}, or
     *     misses a field, naming it
     */
    public static ReplayReport fromJson(String json) {
        return ReplayReportJson.read(json);
    }

    /** The two routes files. */
    public enum Side {
        BASELINE("baseline"),
        CANDIDATE("candidate");

        private final String text;

        Side(String text) {
            this.text = text;
        }

        /** {@code baseline} or {@code candidate}, as the JSON writes it. */
        public String text() {
            return text;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /**
     * One side's totals.
     *
     * @param deliveries deliveries made, all endpoints together
     * @param invalid deliveries not made because the enriched message is over 256 KB
     * @param fallback messages the fallback route took
     * @param orphaned messages no route and no fallback took
     */
    public record Totals(long deliveries, long invalid, long fallback, long orphaned) {}

    /** One route's results on one side; they add up to the messages the route was decided for. */
    public record RouteCounts(long trueCount, long falseCount, long undefinedCount) {
        public long count(RouteResult result) {
            if (result == RouteResult.TRUE) {
                return trueCount;
            }
            return result == RouteResult.FALSE ? falseCount : undefinedCount;
        }
    }

    /**
     * One route by name.
     *
     * @param baseline its results under the baseline file, or null when that file has no such route
     * @param candidate its results under the candidate file, or null when that file has no such
     *     route
     */
    public record RouteRow(String name, RouteCounts baseline, RouteCounts candidate) {
        public RouteRow {
            Objects.requireNonNull(name, "name");
        }

        /** The results on one side, or null when that side's file has no such route. */
        public RouteCounts side(Side side) {
            return side == Side.BASELINE ? baseline : candidate;
        }

        /** Whether the route is in one file only or its results differ. */
        public boolean differs() {
            return !Objects.equals(baseline, candidate);
        }
    }

    /**
     * One endpoint's deliveries on one side.
     *
     * @param invalid deliveries not made because the enriched message is over 256 KB
     */
    public record EndpointCounts(long deliveries, long invalid) {}

    /**
     * One endpoint by name.
     *
     * @param baseline its counts under the baseline file, or null when that file has no such
     *     endpoint
     * @param candidate its counts under the candidate file, or null when that file has none
     */
    public record EndpointRow(String name, EndpointCounts baseline, EndpointCounts candidate) {
        public EndpointRow {
            Objects.requireNonNull(name, "name");
        }

        public EndpointCounts side(Side side) {
            return side == Side.BASELINE ? baseline : candidate;
        }

        /** Deliveries on one side; 0 when that side's file has no such endpoint. */
        public long deliveries(Side side) {
            EndpointCounts counts = side(side);
            return counts == null ? 0 : counts.deliveries();
        }

        /** Candidate deliveries minus baseline deliveries. */
        public long delta() {
            return deliveries(Side.CANDIDATE) - deliveries(Side.BASELINE);
        }

        /** Whether the endpoint is in one file only or its counts differ. */
        public boolean differs() {
            return !Objects.equals(baseline, candidate);
        }
    }

    /**
     * A message whose endpoints changed.
     *
     * @param changedRoutes the routes true on one side only (at most {@value
     *     ReplayTally#MAX_ROUTE_CHANGES_PER_SAMPLE}, in the candidate file's order, then the
     *     baseline's)
     * @param changedRouteCount how many routes were true on one side only, listed or not
     */
    public record Sample(
            ReplayedMessage message,
            SampleSide baseline,
            SampleSide candidate,
            List<RouteChange> changedRoutes,
            int changedRouteCount)
            implements Serializable {
        private static final long serialVersionUID = 1L;

        public Sample {
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(baseline, "baseline");
            Objects.requireNonNull(candidate, "candidate");
            changedRoutes = List.copyOf(changedRoutes);
        }
    }

    /**
     * What one side did with a sampled message.
     *
     * @param endpoints the endpoints it was delivered to, in that file's endpoint order
     * @param fallback whether the fallback route took it
     */
    public record SampleSide(List<String> endpoints, boolean fallback) implements Serializable {
        private static final long serialVersionUID = 1L;

        public SampleSide {
            endpoints = List.copyOf(endpoints);
        }
    }

    /**
     * A route true on one side only, for one message.
     *
     * @param baseline its result under the baseline file, or null when it was not decided there (no
     *     such route, disabled, or of another routing source)
     * @param candidate likewise under the candidate file
     */
    public record RouteChange(String route, RouteResult baseline, RouteResult candidate)
            implements Serializable {
        private static final long serialVersionUID = 1L;

        public RouteChange {
            Objects.requireNonNull(route, "route");
        }
    }

    /** How often routes were undefined for one reason on one side. */
    public record UndefinedReason(Side side, String reason, long count) {
        public UndefinedReason {
            Objects.requireNonNull(side, "side");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * Messages and deliveries in one UTC hour.
     *
     * @param hour the start of the hour
     * @param messages messages enqueued in the hour
     * @param baseline deliveries per endpoint under the baseline file, endpoints with none left out
     * @param candidate likewise under the candidate file
     */
    public record HourRow(
            Instant hour, long messages, Map<String, Long> baseline, Map<String, Long> candidate) {
        public HourRow {
            Objects.requireNonNull(hour, "hour");
            baseline = Collections.unmodifiableMap(new LinkedHashMap<>(baseline));
            candidate = Collections.unmodifiableMap(new LinkedHashMap<>(candidate));
        }

        /** Deliveries to an endpoint on one side in this hour (0 when none). */
        public long deliveries(Side side, String endpoint) {
            Long count = (side == Side.BASELINE ? baseline : candidate).get(endpoint);
            return count == null ? 0 : count;
        }
    }

    /**
     * A record that could not be decoded.
     *
     * @param where where it came from (topic, partition and offset, or blob and position)
     */
    public record Undecodable(String reason, String where) implements Serializable {
        private static final long serialVersionUID = 1L;

        public Undecodable {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(where, "where");
        }
    }

    /** A blob that could not be read. */
    public record UnreadableBlob(String name, String reason) implements Serializable {
        private static final long serialVersionUID = 1L;

        public UnreadableBlob {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(reason, "reason");
        }
    }
}
