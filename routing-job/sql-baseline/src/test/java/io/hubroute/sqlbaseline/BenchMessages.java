package io.hubroute.sqlbaseline;

import io.hubroute.demo.IotHubRecords;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Device-to-cloud records of the bench's shape (routing-job/cli's {@code ReplayBenchmarkData},
 * which is package-private there): message {@code i} comes from device {@code i % 100} ({@code
 * sensor-<d>-a}), carries deviceType, model, level and severity properties and a JSON body with
 * temperature and humidity, written by {@link IotHubRecords} as the Event Hubs Kafka endpoint
 * presents IoT Hub messages. Unlike the bench, a few records are unusual on purpose: devices
 * without a twin, bodies that are not JSON, messages without a level, and twin change events.
 */
final class BenchMessages {
    static final int DEVICES = 100;

    private BenchMessages() {}

    static String deviceId(long index) {
        // every 13th message from a device the export does not know
        return index % 13 == 5
                ? "sensor-" + (index % DEVICES) + "-z"
                : "sensor-" + (index % DEVICES) + "-a";
    }

    static ProducerRecord<byte[], byte[]> record(String topic, long index, long startMillis) {
        int device = (int) (index % DEVICES);
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("deviceType", "type-" + device);
        properties.put("model", "model-" + device);
        if (index % 11 != 3) {
            properties.put("level", "l" + device);
        }
        properties.put("severity", Integer.toString((int) (index * 7 % 100)));
        int tenths = 50 + (int) (index * 37 % 400);
        String body =
                "{\"temperature\": "
                        + tenths / 10
                        + "."
                        + tenths % 10
                        + ", \"humidity\": "
                        + index * 13 % 100
                        + ", \"status\": {\"ok\": "
                        + (index % 17 != 0)
                        + "}}";
        long enqueued = startMillis + index * 1000;
        if (index % 29 == 7) {
            return IotHubRecords.twinChangeEvent(
                    topic,
                    "bench-hub",
                    deviceId(index),
                    "updateTwin",
                    enqueued,
                    "{\"tags\": {\"site\": \"elsewhere\"}}");
        }
        ProducerRecord<byte[], byte[]> record =
                IotHubRecords.telemetry(
                        topic, deviceId(index), "bench-" + index, enqueued, properties, body);
        if (index % 19 == 2) {
            // the body is not queryable: every $body value is undefined
            record.headers().remove("content-type");
            record.headers().add("content-type", "text/plain".getBytes(StandardCharsets.UTF_8));
        }
        return record;
    }

    /** A line of an IoT Hub device export: the device's twin, tagged with site {@code site-<d>}. */
    static String twinExportLine(int device) {
        return "{\"id\": \"sensor-"
                + device
                + "-a\", \"tags\": {\"site\": \"site-"
                + device
                + "\", \"deploymentLocation\": {\"building\": \""
                + (device % 50)
                + "\"}}, \"properties\": {\"desired\": {}, \"reported\": {\"firmware\": \"1."
                + (device % 4)
                + "\"}}}";
    }
}
