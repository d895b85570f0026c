package io.hubroute.cli;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The history {@code hubroute bench-replay} loads, the same for the topic and the blobs: message
 * {@code i} of {@code records} comes from device {@code i % 100} ({@code sensor-<d>-a}, partition
 * {@code d % 2}), is enqueued at {@code start + i × week / records}, and carries the application
 * properties and a JSON body of {@code examples/bench/message.json}'s shape, padded to the body
 * size with an array of samples and a string. Values vary with {@code i} so that the bench routes'
 * conditions come out both ways. Pure: no Flink, Kafka or Avro.
 */
final class ReplayBenchmarkData {
    static final int DEVICES = 100;
    static final int PARTITIONS = 2;
    static final Duration SPAN = Duration.ofDays(7);

    /** The longest body before padding, plus the closing of the samples and the padding. */
    private static final int SMALLEST_BODY = 160;

    private static final String PADDING_END = "], \"pad\": \"\"}";

    private final int records;
    private final int bodyBytes;
    private final long startMillis;

    /**
     * @param endMillis the end of the week the messages are spread over (exclusive)
     */
    ReplayBenchmarkData(int records, int bodyBytes, long endMillis) {
        if (bodyBytes < SMALLEST_BODY) {
            throw new IllegalArgumentException(
                    "bodyBytes must be " + SMALLEST_BODY + " or more, got " + bodyBytes);
        }
        this.records = records;
        this.bodyBytes = bodyBytes;
        this.startMillis = endMillis - SPAN.toMillis();
    }

    /** The smallest {@code --body-bytes} that holds every field. */
    static int smallestBody() {
        return SMALLEST_BODY;
    }

    int records() {
        return records;
    }

    long startMillis() {
        return startMillis;
    }

    static int device(long index) {
        return (int) (index % DEVICES);
    }

    static String deviceId(int device) {
        return "sensor-" + device + "-a";
    }

    static int partition(int device) {
        return device % PARTITIONS;
    }

    /** Increasing with {@code index}, so each partition's records are in time order. */
    long enqueuedMillis(long index) {
        return startMillis + index * SPAN.toMillis() / records;
    }

    static String messageId(long index) {
        return "bench-" + index;
    }

    /** What the bench routes test: device type, model and level of the device, a severity. */
    static Map<String, String> appProperties(long index) {
        int device = device(index);
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("deviceType", "type-" + device);
        properties.put("model", "model-" + device);
        properties.put("level", "l" + device);
        properties.put("severity", Integer.toString((int) (index * 7 % 100)));
        return properties;
    }

    /**
     * {@code {"temperature": 23.4, "humidity": 41, "readings": [..], "status": {..}, "samples":
     * [..], "pad": "xx.."}}, exactly {@code bodyBytes} bytes (ASCII). Temperature 5.0 to 44.9,
     * humidity 0 to 99.
     */
    String body(long index) {
        StringBuilder body = new StringBuilder(bodyBytes);
        int tenths = 50 + (int) (index * 37 % 400);
        body.append("{\"temperature\": ")
                .append(tenths / 10)
                .append('.')
                .append(tenths % 10)
                .append(", \"humidity\": ")
                .append(index * 13 % 100)
                .append(", \"readings\": [")
                .append(index % 7)
                .append(", ")
                .append(index % 11)
                .append(", ")
                .append(index % 13)
                .append("], \"status\": {\"ok\": ")
                .append(index % 17 != 0)
                .append(", \"code\": ")
                .append(index % 5)
                .append("}, \"samples\": [");
        // a sample and its separator take at most 6 characters: "99.9, "
        for (int sample = 0; body.length() + 6 + PADDING_END.length() <= bodyBytes; sample++) {
            if (sample > 0) {
                body.append(", ");
            }
            int value = (int) ((index * 31 + sample * 7) % 1000);
            body.append(value / 10).append('.').append(value % 10);
        }
        body.append("], \"pad\": \"");
        while (body.length() < bodyBytes - 2) {
            body.append('x');
        }
        return body.append("\"}").toString();
    }

    /** A line of an IoT Hub device export: the device's twin, tagged with site {@code site-<d>}. */
    static String twinExportLine(int device) {
        return "{\"id\": \""
                + deviceId(device)
                + "\", \"tags\": {\"site\": \"site-"
                + device
                + "\", \"deploymentLocation\": {\"building\": \""
                + (device % 50)
                + "\"}}, \"properties\": {\"desired\": {}, \"reported\": {\"firmware\": \"1."
                + (device % 4)
                + "\"}}}";
    }
}
