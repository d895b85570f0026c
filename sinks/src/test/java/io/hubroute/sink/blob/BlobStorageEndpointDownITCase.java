package io.hubroute.sink.blob;

import static org.assertj.core.api.Assertions.assertThat;

import io.hubroute.embedded.AzuriteProcess;
import io.hubroute.sink.RetryPolicy;
import io.hubroute.sink.RoutedMessage;
import io.hubroute.sink.RoutedMessageTypeInfo;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** An endpoint that is down when the job starts is retried, then receives everything. */
class BlobStorageEndpointDownITCase {
    private static AzuriteProcess azurite;

    @BeforeAll
    static void createAzurite() throws Exception {
        azurite = AzuriteProcess.create();
    }

    @AfterAll
    static void stopAzurite() throws Exception {
        if (azurite != null) {
            azurite.close();
        }
    }

    @Test
    void endpointDownForAWhileIsRetriedThenReceivesEverything() throws Exception {
        int count = 300;
        List<RoutedMessage> messages = new ArrayList<>();
        for (long i = 0; i < count; i++) {
            messages.add(BlobTestSupport.message(i));
        }
        StreamExecutionEnvironment env = BlobTestSupport.environment(1, 300);
        env.fromData(messages, RoutedMessageTypeInfo.of())
                .sinkTo(
                        BlobStorageSink.builder()
                                .setEndpointName("archive")
                                .setConnectionString(azurite.connectionString())
                                .setContainerName("outage")
                                .setCreateContainerIfMissing(true)
                                .setHubName("hub")
                                .setMaxChunkSizeBytes(8 * 1024)
                                .setRetryPolicy(
                                        RetryPolicy.builder()
                                                .setInitialDelay(Duration.ofMillis(100))
                                                .setMaxDelay(Duration.ofMillis(500))
                                                .setMaxAttempts(3)
                                                .build())
                                .build())
                .uid("sink-archive");
        JobClient job = env.executeAsync("endpoint down");

        // The endpoint stays down past the whole retry budget (about 0.3 s).
        Thread.sleep(4000);
        assertThat(job.getJobStatus().get().isGloballyTerminalState()).isFalse();
        azurite.start();
        job.getJobExecutionResult().get(120, TimeUnit.SECONDS);

        Map<String, byte[]> blobs =
                BlobTestSupport.readAll(BlobTestSupport.container(azurite, "outage"));
        Set<String> messageIds = new HashSet<>();
        int records = 0;
        for (byte[] content : blobs.values()) {
            try (DataFileStream<GenericRecord> file =
                    new DataFileStream<>(
                            new ByteArrayInputStream(content), new GenericDatumReader<>())) {
                for (GenericRecord record : file) {
                    records++;
                    messageIds.add(
                            BlobStorageSinkITCase.stringMap(record.get("SystemProperties"))
                                    .get("messageId"));
                }
            }
        }
        assertThat(records).isEqualTo(count);
        assertThat(messageIds).hasSize(count);
    }
}
