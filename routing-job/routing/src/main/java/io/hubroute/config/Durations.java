package io.hubroute.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;

/**
 * Durations in configuration files, written as Flink's own configuration writes them ({@code
 * org.apache.flink.util.TimeUtils#parseDuration}): a whole number and a unit ({@code 500ms}, {@code
 * 10 s}, {@code 5min}, {@code 5m}, {@code 1h}, {@code 2d}; no unit means milliseconds), or an
 * ISO-8601 duration ({@code PT10S}). The routing module has no Flink on its classpath, so the
 * grammar lives here; the job module's {@code DurationsTest} checks it against TimeUtils itself.
 */
public final class Durations {
    private static final Map<String, ChronoUnit> UNITS =
            Map.ofEntries(
                    Map.entry("d", ChronoUnit.DAYS),
                    Map.entry("day", ChronoUnit.DAYS),
                    Map.entry("days", ChronoUnit.DAYS),
                    Map.entry("h", ChronoUnit.HOURS),
                    Map.entry("hour", ChronoUnit.HOURS),
                    Map.entry("hours", ChronoUnit.HOURS),
                    Map.entry("min", ChronoUnit.MINUTES),
                    Map.entry("m", ChronoUnit.MINUTES),
                    Map.entry("minute", ChronoUnit.MINUTES),
                    Map.entry("minutes", ChronoUnit.MINUTES),
                    Map.entry("s", ChronoUnit.SECONDS),
                    Map.entry("sec", ChronoUnit.SECONDS),
                    Map.entry("secs", ChronoUnit.SECONDS),
                    Map.entry("second", ChronoUnit.SECONDS),
                    Map.entry("seconds", ChronoUnit.SECONDS),
                    Map.entry("ms", ChronoUnit.MILLIS),
                    Map.entry("milli", ChronoUnit.MILLIS),
                    Map.entry("millis", ChronoUnit.MILLIS),
                    Map.entry("millisecond", ChronoUnit.MILLIS),
                    Map.entry("milliseconds", ChronoUnit.MILLIS),
                    Map.entry("µs", ChronoUnit.MICROS),
                    Map.entry("micro", ChronoUnit.MICROS),
                    Map.entry("micros", ChronoUnit.MICROS),
                    Map.entry("microsecond", ChronoUnit.MICROS),
                    Map.entry("microseconds", ChronoUnit.MICROS),
                    Map.entry("ns", ChronoUnit.NANOS),
                    Map.entry("nano", ChronoUnit.NANOS),
                    Map.entry("nanos", ChronoUnit.NANOS),
                    Map.entry("nanosecond", ChronoUnit.NANOS),
                    Map.entry("nanoseconds", ChronoUnit.NANOS));

    /** What an error message shows as the accepted forms. */
    public static final String FORMS = "a duration such as 500ms, 10s, 5min, 1h, 2d or PT10S";

    private Durations() {}

    /**
     * Parses a duration.
     *
     * @throws IllegalArgumentException when {@code text} is not one
     */
    public static Duration parse(String text) {
        String trimmed = text.trim();
        int digits = 0;
        while (digits < trimmed.length()
                && trimmed.charAt(digits) >= '0'
                && trimmed.charAt(digits) <= '9') {
            digits++;
        }
        if (digits == 0) {
            try {
                return Duration.parse(trimmed);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("not " + FORMS + ": '" + text + "'");
            }
        }
        long amount;
        try {
            amount = Long.parseLong(trimmed.substring(0, digits));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("too large for a duration: '" + text + "'");
        }
        String label = trimmed.substring(digits).trim().toLowerCase(Locale.US);
        if (label.isEmpty()) {
            return Duration.ofMillis(amount);
        }
        ChronoUnit unit = UNITS.get(label);
        if (unit == null) {
            throw new IllegalArgumentException(
                    "unknown unit '" + label + "' in '" + text + "': write " + FORMS);
        }
        return Duration.of(amount, unit);
    }
}
