package io.hubroute.sink.blob;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobItem;
import io.hubroute.embedded.AzuriteProcess;
import io.hubroute.message.Message;
import io.hubroute.message.MessageProperties;
import io.hubroute.message.RoutingSource;
import io.hubroute.sink.RoutedMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** Messages, environments and blob reading shared by the Blob Storage ITCases. */
final class BlobTestSupport {
    /** IoT Hub's Avro schema, as IoT Hub writes it into a file's header. */
    static final String IOT_HUB_SCHEMA =
            "{\"type\":\"record\",\"name\":\"Message\",\"namespace\":\"Microsoft.Azure.Devices\",\"fields\":["
                    + "{\"name\":\"EnqueuedTimeUtc\",\"type\":\"string\"},"
                    + "{\"name\":\"Properties\",\"type\":{\"type\":\"map\",\"values\":\"string\"}},"
                    + "{\"name\":\"SystemProperties\",\"type\":{\"type\":\"map\",\"values\":\"string\"}},"
                    + "{\"name\":\"Body\",\"type\":[\"null\",\"bytes\"]}]}";

    /** 2024-03-05T10:15:00Z: every record of a test falls in a few minutes from here. */
    static final long BASE_TIME = 1_709_633_700_000L;

    private BlobTestSupport() {}

    /** The i-th test message, in partition {@code i % 2}, enqueued at {@code i * 50} ms. */
    static RoutedMessage message(long i) {
        return message(i, 2);
    }

    /**
     * The i-th test message, in partition {@code i % partitions}, enqueued at {@code i * 50} ms.
     */
    static RoutedMessage message(long i, int partitions) {
        Message message =
                Message.builder(RoutingSource.DEVICE_MESSAGES)
                        .systemProperties(
                                MessageProperties.of(
                                        "message-id",
                                        "m-" + i,
                                        "iothub-connection-device-id",
                                        "dev/" + (i % 3),
                                        "contentType",
                                        "application/json",
                                        "contentEncoding",
                                        "utf-8"))
                        .appProperties(
                                MessageProperties.of(
                                        "seq",
                                        Long.toString(i),
                                        "level",
                                        "critical",
                                        "empty",
                                        null))
                        .body("{\"seq\":" + i + ",\"temperature\":21.5}")
                        .build();
        return new RoutedMessage("archive", message, (int) (i % partitions), BASE_TIME + i * 50);
    }

    static StreamExecutionEnvironment environment(int parallelism, long checkpointMillis) {
        Configuration configuration = new Configuration();
        configuration.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        configuration.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        configuration.set(
                RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY,
                java.time.Duration.ofMillis(200));
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(configuration);
        env.setParallelism(parallelism);
        env.enableCheckpointing(checkpointMillis);
        return env;
    }

    static BlobContainerClient container(AzuriteProcess azurite, String name) {
        return new BlobServiceClientBuilder()
                .connectionString(azurite.connectionString())
                .buildClient()
                .getBlobContainerClient(name);
    }

    /** Every blob's content by name. */
    static Map<String, byte[]> readAll(BlobContainerClient container) {
        Map<String, byte[]> blobs = new TreeMap<>();
        for (BlobItem item : container.listBlobs()) {
            blobs.put(
                    item.getName(),
                    container.getBlobClient(item.getName()).downloadContent().toBytes());
        }
        return blobs;
    }

    static List<Long> sequence(long count) {
        List<Long> values = new ArrayList<>();
        for (long i = 0; i < count; i++) {
            values.add(i);
        }
        return values;
    }
}
