package io.hubroute.sink.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import io.hubroute.embedded.AzuriteProcess;
import io.hubroute.sink.RetryPolicy;
import io.hubroute.sink.RoutedMessage;
import io.hubroute.sink.RoutedMessageTypeInfo;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Another writer (another job, IoT Hub itself) puts a blob under the name the sink is writing to,
 * after the sink checked that the name was free and before it commits, against a real Azurite: the
 * sink never overwrites it, and the job fails with an error naming the container and the blob.
 */
class BlobStorageForeignBlobITCase {
    private static final String CONTAINER = "foreign-blob";
    private static final String BLOB = "hub/0/2024/03/05/10/15";
    private static final byte[] FOREIGN =
            "written by someone else".getBytes(StandardCharsets.UTF_8);

    /** The foreign blob's ETag when it was written; the job runs in this JVM. */
    private static final AtomicReference<String> FOREIGN_ETAG = new AtomicReference<>();

    private static AzuriteProcess azurite;

    @BeforeAll
    static void startAzurite() throws Exception {
        azurite = AzuriteProcess.create().start();
    }

    @AfterAll
    static void stopAzurite() throws Exception {
        if (azurite != null) {
            azurite.close();
        }
    }

    /** Writes the foreign blob once the sink has opened its batch for that name. */
    static final class ForeignWriterAfterFirstRecord implements MapFunction<Long, RoutedMessage> {
        private final String connectionString;

        ForeignWriterAfterFirstRecord(String connectionString) {
            this.connectionString = connectionString;
        }

        @Override
        public RoutedMessage map(Long i) {
            // chained to the sink: record 0 (partition 0, 10:15) is written when record 1 arrives
            if (i == 1) {
                BlobClient blob =
                        new com.azure.storage.blob.BlobServiceClientBuilder()
                                .connectionString(connectionString)
                                .buildClient()
                                .getBlobContainerClient(CONTAINER)
                                .getBlobClient(BLOB);
                blob.upload(BinaryData.fromBytes(FOREIGN));
                FOREIGN_ETAG.set(blob.getProperties().getETag());
            }
            return BlobTestSupport.message(i);
        }
    }

    @Test
    void aForeignBlobOfTheSameNameSurvivesUntouchedAndTheJobReportsTheError() throws Exception {
        Configuration configuration = new Configuration();
        configuration.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(configuration);
        env.setParallelism(1);
        env.enableCheckpointing(500);
        env.fromSequence(0, 19)
                .map(new ForeignWriterAfterFirstRecord(azurite.connectionString()))
                .returns(RoutedMessageTypeInfo.of())
                .sinkTo(
                        BlobStorageSink.builder()
                                .setEndpointName("archive")
                                .setConnectionString(azurite.connectionString())
                                .setContainerName(CONTAINER)
                                .setCreateContainerIfMissing(true)
                                .setHubName("hub")
                                .setBatchFrequency(Duration.ofSeconds(60))
                                .setRetryPolicy(
                                        RetryPolicy.builder()
                                                .setInitialDelay(Duration.ofMillis(100))
                                                .setMaxDelay(Duration.ofSeconds(1))
                                                .setMaxAttempts(3)
                                                .build())
                                .build())
                .uid("sink-archive");

        Throwable failure = catchThrowable(() -> env.execute("foreign blob"));

        assertThat(failure).as("the job reports the error").isNotNull();
        assertThat(
                        ExceptionUtils.findThrowableWithMessage(
                                failure,
                                "blob '"
                                        + BLOB
                                        + "' in container '"
                                        + CONTAINER
                                        + "' already exists with other content"))
                .isPresent();
        BlobContainerClient container = BlobTestSupport.container(azurite, CONTAINER);
        BlobClient blob = container.getBlobClient(BLOB);
        assertThat(blob.downloadContent().toBytes()).isEqualTo(FOREIGN);
        assertThat(blob.getProperties().getETag()).isEqualTo(FOREIGN_ETAG.get());
    }
}
