package io.hubroute.job.archive;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.Locale;

/** The times archives write, read as epoch milliseconds and rendered as IoT Hub renders them. */
final class ArchiveTimes {
    /** Not a time. */
    static final long NONE = Long.MIN_VALUE;

    /** The last millisecond of year 9999; larger "epoch milliseconds" are .NET ticks. */
    private static final long MAX_EPOCH_MILLIS = 253402300799999L;

    /** .NET ticks (100 ns since 0001-01-01) at the Unix epoch. */
    private static final long TICKS_AT_EPOCH = 621355968000000000L;

    private static final DateTimeFormatter ISO_SEVEN_DIGITS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSS'Z'")
                    .withZone(ZoneOffset.UTC);

    /** .NET's invariant-culture {@code DateTime.ToString()}, as Event Hubs Capture writes. */
    private static final DateTimeFormatter DOTNET_US =
            new DateTimeFormatterBuilder()
                    .parseCaseInsensitive()
                    .appendPattern("M/d/yyyy h:mm:ss")
                    .optionalStart()
                    .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
                    .optionalEnd()
                    .appendPattern(" a")
                    .toFormatter(Locale.US);

    private ArchiveTimes() {}

    /**
     * Epoch milliseconds from ISO-8601 (with or without a zone; none is UTC), .NET's {@code
     * M/d/yyyy h:mm:ss AM} or digits (epoch milliseconds); {@link #NONE} when it is none of them.
     */
    static long parseMillis(String text) {
        if (text == null) {
            return NONE;
        }
        String trimmed = text.trim();
        if (trimmed.isEmpty()) {
            return NONE;
        }
        if (isDigits(trimmed)) {
            return trimmed.length() <= 18 ? fromLong(Long.parseLong(trimmed)) : NONE;
        }
        try {
            return Instant.parse(trimmed).toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
            // not an instant with a zone: try the other forms
        }
        try {
            return LocalDateTime.parse(trimmed).toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
            // not ISO local: try .NET's
        }
        try {
            return LocalDateTime.parse(trimmed, DOTNET_US).toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
            return NONE;
        }
    }

    /** Epoch milliseconds, or .NET ticks when the value is too large to be milliseconds. */
    static long fromLong(long value) {
        if (value > MAX_EPOCH_MILLIS) {
            return (value - TICKS_AT_EPOCH) / 10_000L;
        }
        return value;
    }

    /** ISO-8601 UTC with seven fraction digits, as IoT Hub renders {@code enqueuedTime}. */
    static String render(long epochMillis) {
        return ISO_SEVEN_DIGITS.format(Instant.ofEpochMilli(epochMillis));
    }

    private static boolean isDigits(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
