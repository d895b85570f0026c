package io.hubroute.sink.blob;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hubroute.embedded.AzuriteProcess;
import io.hubroute.sink.RetryPolicy;
import io.hubroute.sink.RoutedMessage;
import io.hubroute.sink.RoutedMessageTypeInfo;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Blob Storage sink against a real Azurite, in a Flink MiniCluster. */
class BlobStorageSinkITCase {
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

    private BlobStorageSinkBuilder sink(String container, BlobEncoding encoding) {
        return BlobStorageSink.builder()
                .setEndpointName("archive")
                .setConnectionString(azurite.connectionString())
                .setContainerName(container)
                .setCreateContainerIfMissing(true)
                .setHubName("my hub/..")
                .setEncoding(encoding)
                .setBatchFrequency(Duration.ofSeconds(60))
                .setMaxChunkSizeBytes(16 * 1024)
                .setRetryPolicy(
                        RetryPolicy.builder()
                                .setInitialDelay(Duration.ofMillis(100))
                                .setMaxDelay(Duration.ofSeconds(1))
                                .setMaxAttempts(5)
                                .build());
    }

    @Test
    void avroBlobsCarryIotHubSchemaAndEveryRecordIntact() throws Exception {
        int count = 400;
        StreamExecutionEnvironment env = BlobTestSupport.environment(2, 500);
        List<RoutedMessage> messages = new ArrayList<>();
        for (long i = 0; i < count; i++) {
            messages.add(BlobTestSupport.message(i));
        }
        env.fromData(messages, RoutedMessageTypeInfo.of())
                .sinkTo(sink("avro-roundtrip", BlobEncoding.AVRO_DEFLATE).build())
                .uid("sink-archive");
        env.execute("avro round trip");

        Map<String, byte[]> blobs =
                BlobTestSupport.readAll(BlobTestSupport.container(azurite, "avro-roundtrip"));
        assertThat(blobs).isNotEmpty();
        // Names from the tokens, the hub name escaped: no '/' or '..' from a value.
        assertThat(blobs.keySet())
                .allMatch(name -> name.startsWith("my%20hub%2F%2E%2E/"), "escaped hub name");
        assertThat(blobs.keySet())
                .anyMatch(name -> name.startsWith("my%20hub%2F%2E%2E/0/2024/03/05/10/15"));
        Map<Long, GenericRecord> bySeq = new HashMap<>();
        for (byte[] content : blobs.values()) {
            try (DataFileStream<GenericRecord> file =
                    new DataFileStream<>(
                            new ByteArrayInputStream(content), new GenericDatumReader<>())) {
                assertThat(file.getSchema().toString()).isEqualTo(BlobTestSupport.IOT_HUB_SCHEMA);
                assertThat(file.getMetaString("avro.codec")).isEqualTo("deflate");
                for (GenericRecord record : file) {
                    long seq =
                            Long.parseLong(
                                    record.get("Properties")
                                            .toString()
                                            .replaceAll(".*seq=(\\d+).*", "$1"));
                    assertThat(bySeq.put(seq, record)).as("duplicate record %s", seq).isNull();
                }
            }
        }
        assertThat(bySeq).hasSize(count);
        GenericRecord record = bySeq.get(7L);
        assertThat(record.get("EnqueuedTimeUtc").toString())
                .isEqualTo("2024-03-05T10:15:00.3500000Z");
        assertThat(stringMap(record.get("Properties")))
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("seq", "7", "level", "critical", "empty", ""));
        assertThat(stringMap(record.get("SystemProperties")))
                .containsEntry("messageId", "m-7")
                .containsEntry("connectionDeviceId", "dev/1")
                .containsEntry("contentType", "application/json")
                .containsEntry("contentEncoding", "utf-8")
                .containsEntry("enqueuedTime", "2024-03-05T10:15:00.3500000Z");
        java.nio.ByteBuffer body = (java.nio.ByteBuffer) record.get("Body");
        byte[] bodyBytes = new byte[body.remaining()];
        body.get(bodyBytes);
        assertThat(new String(bodyBytes, StandardCharsets.UTF_8))
                .isEqualTo("{\"seq\":7,\"temperature\":21.5}");
    }

    @Test
    void jsonLinesEmbedJsonBodies() throws Exception {
        StreamExecutionEnvironment env = BlobTestSupport.environment(1, 500);
        env.fromData(
                        List.of(BlobTestSupport.message(1), BlobTestSupport.message(2)),
                        RoutedMessageTypeInfo.of())
                .sinkTo(sink("json-lines", BlobEncoding.JSON).build())
                .uid("sink-archive");
        env.execute("json lines");

        Map<String, byte[]> blobs =
                BlobTestSupport.readAll(BlobTestSupport.container(azurite, "json-lines"));
        List<JsonNode> lines = new ArrayList<>();
        ObjectMapper mapper = new ObjectMapper();
        for (byte[] content : blobs.values()) {
            for (String line : new String(content, StandardCharsets.UTF_8).split("\n")) {
                lines.add(mapper.readTree(line));
            }
        }
        assertThat(lines).hasSize(2);
        JsonNode first =
                lines.stream()
                        .filter(l -> l.at("/Properties/seq").asText().equals("1"))
                        .findFirst()
                        .orElseThrow();
        assertThat(first.get("Body").isObject()).isTrue();
        assertThat(first.at("/Body/temperature").asDouble()).isEqualTo(21.5);
        assertThat(first.at("/SystemProperties/connectionDeviceId").asText()).isEqualTo("dev/1");
        assertThat(first.get("EnqueuedTimeUtc").asText()).isEqualTo("2024-03-05T10:15:00.0500000Z");
    }

    /** Fails once, after a checkpoint has completed and more records have passed. */
    static final class FailOnceAfterCheckpoint extends RichMapFunction<Long, RoutedMessage>
            implements CheckpointListener {
        static final AtomicBoolean FAILED = new AtomicBoolean();
        static final AtomicInteger COMPLETED_CHECKPOINTS = new AtomicInteger();
        private int seenSinceCheckpoint;
        private int seen;

        @Override
        public RoutedMessage map(Long value) throws Exception {
            // On a loaded machine checkpoints may lag: slow down late records so that the planned
            // failure still comes before the end of the stream.
            Thread.sleep(
                    !FAILED.get() && COMPLETED_CHECKPOINTS.get() < 2 && ++seen > 1000 ? 50 : 2);
            if (COMPLETED_CHECKPOINTS.get() >= 2
                    && ++seenSinceCheckpoint > 50
                    && FAILED.compareAndSet(false, true)) {
                throw new IllegalStateException("planned failure after record " + value);
            }
            return BlobTestSupport.message(value);
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            COMPLETED_CHECKPOINTS.incrementAndGet();
        }
    }

    @Test
    void jobFailedMidStreamAndRestoredLosesAndDuplicatesNothing() throws Exception {
        int count = 3000;
        FailOnceAfterCheckpoint.FAILED.set(false);
        FailOnceAfterCheckpoint.COMPLETED_CHECKPOINTS.set(0);
        StreamExecutionEnvironment env = BlobTestSupport.environment(2, 300);
        env.fromSequence(0, count - 1)
                .map(new FailOnceAfterCheckpoint())
                .returns(RoutedMessageTypeInfo.of())
                .sinkTo(
                        sink("recovery", BlobEncoding.AVRO)
                                .setBatchFrequency(Duration.ofSeconds(1))
                                .setMaxChunkSizeBytes(8 * 1024)
                                .build())
                .uid("sink-archive");
        env.execute("recovery");

        assertThat(FailOnceAfterCheckpoint.FAILED).isTrue();
        Map<String, byte[]> blobs =
                BlobTestSupport.readAll(BlobTestSupport.container(azurite, "recovery"));
        Map<String, Integer> seen = new HashMap<>();
        for (byte[] content : blobs.values()) {
            try (DataFileStream<GenericRecord> file =
                    new DataFileStream<>(
                            new ByteArrayInputStream(content), new GenericDatumReader<>())) {
                for (GenericRecord record : file) {
                    seen.merge(
                            stringMap(record.get("SystemProperties")).get("messageId"),
                            1,
                            Integer::sum);
                }
            }
        }
        assertThat(blobs.size()).isGreaterThan(2);
        assertThat(seen).hasSize(count);
        assertThat(seen.values())
                .as("records written more than once")
                .allMatch(times -> times == 1);
    }

    static Map<String, String> stringMap(Object avroMap) {
        Map<String, String> result = new HashMap<>();
        for (Map.Entry<?, ?> entry : ((Map<?, ?>) avroMap).entrySet()) {
            result.put(entry.getKey().toString(), entry.getValue().toString());
        }
        return result;
    }
}
