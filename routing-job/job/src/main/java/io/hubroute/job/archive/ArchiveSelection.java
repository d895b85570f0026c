package io.hubroute.job.archive;

import java.io.Serializable;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which blobs and records of an archive a replay reads: the time range {@code [start, end)} (either
 * end may be open), applied first to the time a blob's name carries, then to each record's enqueued
 * time. Pure and serializable: the client selects blobs with it, the readers filter records.
 *
 * <p>Blob names are matched against a {@code fileNameFormat} with IoT Hub's tokens ({@code
 * {iothub}/{partition}/{YYYY}/{MM}/{DD}/{HH}/{mm}}, the default) or Event Hubs Capture's ({@code
 * {Namespace}/{EventHub}/{PartitionId}/{Year}/{Month}/{Day}/{Hour}/{Minute}/{Second}}); anything
 * after the format's end (hubroute's {@code _<subtask>_<sequence>}, Capture's {@code .avro}) is
 * allowed. The name's time is a window as long as its finest time token (a minute for {@code
 * {mm}}), widened on both sides by a slack (default {@link #DEFAULT_SLACK}), because one blob holds
 * every message of a batch: IoT Hub batches up to 720 s, Capture up to 15 minutes, into a blob
 * named for when it began. A blob whose name does not match or has no time is kept.
 *
 * <pre>{@code
 * ArchiveSelection selection = ArchiveSelection.of(
 *     "{iothub}/{partition}/{YYYY}/{MM}/{DD}/{HH}/{mm}",
 *     Instant.parse("2024-03-05T00:00:00Z"), Instant.parse("2024-03-06T00:00:00Z"));
 * List<ArchiveBlob> selected = selection.select(store.list(""));
 * }</pre>
 */
public final class ArchiveSelection implements Serializable {
    private static final long serialVersionUID = 1L;

    /** How far a blob's content may lie outside its name's time window. */
    public static final Duration DEFAULT_SLACK = Duration.ofMinutes(15);

    /** IoT Hub's tokens, then Event Hubs Capture's; each with its group and pattern. */
    private static final String[][] TOKENS = {
        {"{iothub}", "name", "[^/]+?"},
        {"{partition}", "partition", "[0-9]{1,9}"},
        {"{YYYY}", "year", "[0-9]{4}"},
        {"{MM}", "month", "[0-9]{2}"},
        {"{DD}", "day", "[0-9]{2}"},
        {"{HH}", "hour", "[0-9]{2}"},
        {"{mm}", "minute", "[0-9]{2}"},
        {"{Namespace}", "name", "[^/]+?"},
        {"{EventHub}", "name", "[^/]+?"},
        {"{PartitionId}", "partition", "[0-9]{1,9}"},
        {"{Year}", "year", "[0-9]{4}"},
        {"{Month}", "month", "[0-9]{2}"},
        {"{Day}", "day", "[0-9]{2}"},
        {"{Hour}", "hour", "[0-9]{2}"},
        {"{Minute}", "minute", "[0-9]{2}"},
        {"{Second}", "second", "[0-9]{2}"},
    };

    /** The time a blob's name stands for: {@code [from, until)}. */
    public record NameWindow(Instant from, Instant until) {
        public NameWindow {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(until, "until");
        }
    }

    private static final String[] TIME_GROUPS = {
        "year", "month", "day", "hour", "minute", "second"
    };

    private final String fileNameFormat;
    private final Pattern namePattern;
    private final Set<String> groups;
    private final Instant start;
    private final Instant end;
    private final Duration slack;

    private ArchiveSelection(
            String fileNameFormat,
            Pattern namePattern,
            Set<String> groups,
            Instant start,
            Instant end,
            Duration slack) {
        this.fileNameFormat = fileNameFormat;
        this.namePattern = namePattern;
        this.groups = groups;
        this.start = start;
        this.end = end;
        this.slack = slack;
    }

    /** Every blob and every record; partitions are 0. */
    public static ArchiveSelection all() {
        return of(null, null, null);
    }

    /**
     * A selection with {@link #DEFAULT_SLACK}.
     *
     * @param fileNameFormat the format the blobs were named with, or null or blank when unknown
     *     (every blob is kept, partitions are 0)
     * @param start the first enqueued time to replay, or null for the archive's beginning
     * @param end the enqueued time to stop before (exclusive), or null for the archive's end
     * @throws IllegalArgumentException for a format with an unknown token or a start not before the
     *     end
     */
    public static ArchiveSelection of(String fileNameFormat, Instant start, Instant end) {
        return of(fileNameFormat, start, end, DEFAULT_SLACK);
    }

    /** As {@link #of(String, Instant, Instant)}, with the slack around a blob name's window. */
    public static ArchiveSelection of(
            String fileNameFormat, Instant start, Instant end, Duration slack) {
        Objects.requireNonNull(slack, "slack");
        if (slack.isNegative()) {
            throw new IllegalArgumentException("slack must not be negative, got " + slack);
        }
        if (start != null && end != null && !start.isBefore(end)) {
            throw new IllegalArgumentException(
                    "start "
                            + start
                            + " is not before end "
                            + end
                            + ": give an end after the start (the end is exclusive)");
        }
        String format =
                fileNameFormat == null || fileNameFormat.isBlank() ? null : fileNameFormat.trim();
        Set<String> groups = new HashSet<>();
        Pattern pattern = format == null ? null : compile(format, groups);
        return new ArchiveSelection(format, pattern, Set.copyOf(groups), start, end, slack);
    }

    private static Pattern compile(String format, Set<String> groups) {
        StringBuilder regex = new StringBuilder("^");
        int position = 0;
        while (position < format.length()) {
            int open = format.indexOf('{', position);
            if (open < 0) {
                regex.append(Pattern.quote(format.substring(position)));
                break;
            }
            if (open > position) {
                regex.append(Pattern.quote(format.substring(position, open)));
            }
            int close = format.indexOf('}', open);
            String token = close < 0 ? format.substring(open) : format.substring(open, close + 1);
            String[] known = null;
            for (String[] candidate : TOKENS) {
                if (candidate[0].equals(token)) {
                    known = candidate;
                }
            }
            if (known == null) {
                throw new IllegalArgumentException(
                        "fileNameFormat '"
                                + format
                                + "' has an unknown token '"
                                + token
                                + "' at column "
                                + (open + 1)
                                + ": use IoT Hub's {iothub}, {partition}, {YYYY}, {MM}, {DD},"
                                + " {HH}, {mm} or Event Hubs Capture's {Namespace}, {EventHub},"
                                + " {PartitionId}, {Year}, {Month}, {Day}, {Hour}, {Minute},"
                                + " {Second}");
            }
            String group = known[1];
            if (group.equals("name")) {
                regex.append('(').append(known[2]).append(')');
            } else if (groups.add(group)) {
                regex.append("(?<").append(group).append('>').append(known[2]).append(')');
            } else {
                // A token written twice must have the same value twice.
                regex.append("\\k<").append(group).append('>');
            }
            position = close + 1;
        }
        return Pattern.compile(regex.toString());
    }

    /** The time range's start, when it has one. */
    public Optional<Instant> start() {
        return Optional.ofNullable(start);
    }

    /** The time range's (exclusive) end, when it has one. */
    public Optional<Instant> end() {
        return Optional.ofNullable(end);
    }

    /** The file name format blob names are matched against, when one was given. */
    public Optional<String> fileNameFormat() {
        return Optional.ofNullable(fileNameFormat);
    }

    /** The blobs whose names can hold records of the range, sorted by name. */
    public List<ArchiveBlob> select(List<ArchiveBlob> blobs) {
        List<ArchiveBlob> selected = new ArrayList<>(blobs.size());
        for (ArchiveBlob blob : blobs) {
            if (selects(blob.name())) {
                selected.add(blob);
            }
        }
        selected.sort(Comparator.comparing(ArchiveBlob::name));
        return selected;
    }

    /**
     * Whether the blob can hold records of the range: its name's window, widened by the slack,
     * overlaps {@code [start, end)}, or its name has no time.
     */
    public boolean selects(String blobName) {
        if (start == null && end == null) {
            return true;
        }
        Optional<NameWindow> window = window(blobName);
        if (window.isEmpty()) {
            return true;
        }
        Instant from = window.get().from().minus(slack);
        Instant until = window.get().until().plus(slack);
        return (end == null || from.isBefore(end)) && (start == null || until.isAfter(start));
    }

    /** Whether a record enqueued at {@code epochMillis} is in {@code [start, end)}. */
    public boolean includesEnqueuedTime(long epochMillis) {
        return (start == null || epochMillis >= start.toEpochMilli())
                && (end == null || epochMillis < end.toEpochMilli());
    }

    /** The {@code {partition}} (or {@code {PartitionId}}) of the blob's name, else 0. */
    public int partitionOf(String blobName) {
        if (namePattern == null || !groups.contains("partition")) {
            return 0;
        }
        Matcher matcher = namePattern.matcher(blobName);
        if (!matcher.lookingAt()) {
            return 0;
        }
        return Integer.parseInt(matcher.group("partition"));
    }

    /**
     * The time window the blob's name gives, {@code [from, until)} without the slack: as long as
     * the finest time token; empty when the name does not match the format or has no year.
     */
    public Optional<NameWindow> window(String blobName) {
        if (namePattern == null || !groups.contains("year")) {
            return Optional.empty();
        }
        Matcher matcher = namePattern.matcher(blobName);
        if (!matcher.lookingAt()) {
            return Optional.empty();
        }
        int[] values = {0, 1, 1, 0, 0, 0};
        int finest = 0;
        for (int i = 0; i < TIME_GROUPS.length; i++) {
            if (!groups.contains(TIME_GROUPS[i])) {
                break;
            }
            values[i] = Integer.parseInt(matcher.group(TIME_GROUPS[i]));
            finest = i;
        }
        LocalDateTime from;
        try {
            from =
                    LocalDateTime.of(
                            values[0], values[1], values[2], values[3], values[4], values[5]);
        } catch (DateTimeException e) {
            return Optional.empty(); // digits that are no time (month 13): keep the blob
        }
        LocalDateTime until;
        switch (finest) {
            case 0:
                until = from.plusYears(1);
                break;
            case 1:
                until = from.plusMonths(1);
                break;
            case 2:
                until = from.plusDays(1);
                break;
            case 3:
                until = from.plusHours(1);
                break;
            case 4:
                until = from.plusMinutes(1);
                break;
            default:
                until = from.plusSeconds(1);
                break;
        }
        return Optional.of(
                new NameWindow(from.toInstant(ZoneOffset.UTC), until.toInstant(ZoneOffset.UTC)));
    }

    @Override
    public String toString() {
        return "ArchiveSelection{fileNameFormat="
                + fileNameFormat
                + ", start="
                + start
                + ", end="
                + end
                + ", slack="
                + slack
                + "}";
    }
}
