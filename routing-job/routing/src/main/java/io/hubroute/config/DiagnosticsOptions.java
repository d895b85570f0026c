package io.hubroute.config;

/**
 * Where what cannot be routed as it is goes (undecodable records, deliveries over 256 KB), and when
 * to warn that too much of the input is undecodable.
 *
 * @param directory a local folder for JSON lines (on the TaskManager that runs each subtask), or
 *     null
 * @param topic a Kafka topic on the source's cluster for the same JSON lines, or null
 * @param invalidRatioWarning the share of undecodable records (0 to 1) over a window of the input
 *     above which the job warns (a wrong {@code source.inputFormat} makes it 1); 0 turns it off
 */
public record DiagnosticsOptions(String directory, String topic, double invalidRatioWarning) {
    /** Warn when over half of the records in a window are undecodable. */
    public static final double DEFAULT_INVALID_RATIO_WARNING = 0.5;

    public DiagnosticsOptions {
        if (!(invalidRatioWarning >= 0 && invalidRatioWarning <= 1)) {
            throw new IllegalArgumentException(
                    "invalidRatioWarning must be from 0 to 1, got " + invalidRatioWarning);
        }
    }

    /** No destination (invalid records are counted and logged), the default warning. */
    public static DiagnosticsOptions defaults() {
        return new DiagnosticsOptions(null, null, DEFAULT_INVALID_RATIO_WARNING);
    }

    public DiagnosticsOptions withDirectory(String newDirectory) {
        return new DiagnosticsOptions(newDirectory, topic, invalidRatioWarning);
    }
}
