package io.hubroute.sink.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hubroute.sink.RetryPolicy;
import io.hubroute.sink.RoutedMessage;
import io.hubroute.sink.RoutedMessageTypeInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Blob Storage sink writing to a Flink file system ({@code file://}), in a Flink MiniCluster: a
 * job that fails mid-stream and restores writes every delivery exactly once, in files named by the
 * file name format, in IoT Hub's schema, read back with the plain Avro library; every encoding
 * round-trips; a foreign file of the same name is never overwritten.
 */
class BlobStorageFileSystemITCase {
    private static final int PARTITIONS = 4;

    /** IoT Hub's default format, with the hub name {@code my hub/..} escaped. */
    private static final Pattern FILE_NAME =
            Pattern.compile("my%20hub%2F%2E%2E/(\\d+)/2024/03/05/10/(\\d\\d)(?:_\\d+_\\d+)?");

    @TempDir Path directory;

    private BlobStorageSinkBuilder sink(BlobEncoding encoding) {
        return BlobStorageSink.builder()
                .setEndpointName("archive")
                .setFileSystemUri(directory.toUri().toString())
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

    /** Fails once, after a checkpoint has completed and more records have passed. */
    static final class FailOnceAfterCheckpoint extends RichMapFunction<Long, RoutedMessage>
            implements CheckpointListener {
        static final AtomicBoolean FAILED = new AtomicBoolean();
        static final AtomicInteger COMPLETED_CHECKPOINTS = new AtomicInteger();
        static final AtomicInteger CHECKPOINTS_BEFORE_FAILURE = new AtomicInteger();
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
                CHECKPOINTS_BEFORE_FAILURE.set(COMPLETED_CHECKPOINTS.get());
                throw new IllegalStateException("planned failure after record " + value);
            }
            return BlobTestSupport.message(value, PARTITIONS);
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            COMPLETED_CHECKPOINTS.incrementAndGet();
        }
    }

    @Test
    void aJobFailedMidStreamAndRestoredWritesEveryDeliveryExactlyOnceInAvroFiles()
            throws Exception {
        int count = 3000;
        FailOnceAfterCheckpoint.FAILED.set(false);
        FailOnceAfterCheckpoint.COMPLETED_CHECKPOINTS.set(0);
        StreamExecutionEnvironment env = BlobTestSupport.environment(2, 300);
        env.fromSequence(0, count - 1)
                .map(new FailOnceAfterCheckpoint())
                .returns(RoutedMessageTypeInfo.of())
                .sinkTo(
                        sink(BlobEncoding.AVRO)
                                .setContainerName("archive")
                                .setBatchFrequency(Duration.ofSeconds(1))
                                .setMaxChunkSizeBytes(8 * 1024)
                                .build())
                .uid("sink-archive");
        env.execute("file system recovery");

        assertThat(FailOnceAfterCheckpoint.FAILED).as("the job failed once").isTrue();
        assertThat(FailOnceAfterCheckpoint.CHECKPOINTS_BEFORE_FAILURE.get()).isGreaterThan(0);
        Path container = directory.resolve("archive");
        Map<String, Path> files = files(container);
        Map<Long, Integer> seen = new HashMap<>();
        Set<String> partitionsAndMinutes = new HashSet<>();
        for (Map.Entry<String, Path> file : files.entrySet()) {
            Matcher name = FILE_NAME.matcher(file.getKey());
            assertThat(name.matches())
                    .as("file name %s follows the file name format", file.getKey())
                    .isTrue();
            int partition = Integer.parseInt(name.group(1));
            int minute = Integer.parseInt(name.group(2));
            partitionsAndMinutes.add(partition + "/" + minute);
            try (DataFileReader<GenericRecord> reader =
                    new DataFileReader<>(file.getValue().toFile(), new GenericDatumReader<>())) {
                assertThat(reader.getSchema().toString()).isEqualTo(BlobTestSupport.IOT_HUB_SCHEMA);
                assertThat(reader.getMetaString("avro.codec")).isEqualTo("null");
                for (GenericRecord record : reader) {
                    long i = sequenceOf(record);
                    // the file is the record's partition and minute of enqueued time
                    assertThat(i % PARTITIONS).as("partition of m-%s", i).isEqualTo(partition);
                    assertThat(15 + (i * 50) / 60_000).as("minute of m-%s", i).isEqualTo(minute);
                    seen.merge(i, 1, Integer::sum);
                }
            }
        }
        assertThat(seen).as("every delivery is in the files").hasSize(count);
        assertThat(seen.keySet()).allMatch(i -> i >= 0 && i < count);
        assertThat(seen.values())
                .as("records written more than once")
                .allMatch(times -> times == 1);
        // 4 partitions over 10:15-10:17 (3000 records, 50 ms apart)
        assertThat(partitionsAndMinutes).hasSize(PARTITIONS * 3);
        assertThat(files.size()).isGreaterThan(partitionsAndMinutes.size());
        assertThat(leftoverStagingFolders(container))
                .as("no staged blocks are left for a committed file")
                .doesNotContainAnyElementsOf(escaped(files.keySet()));
    }

    @ParameterizedTest
    @EnumSource(
            value = BlobEncoding.class,
            names = {"AVRO_DEFLATE", "JSON"})
    void everyEncodingRoundTripsRightUnderTheUriWithoutAContainer(BlobEncoding encoding)
            throws Exception {
        int count = 300;
        StreamExecutionEnvironment env = BlobTestSupport.environment(2, 300);
        List<RoutedMessage> messages = new ArrayList<>();
        for (long i = 0; i < count; i++) {
            messages.add(BlobTestSupport.message(i, PARTITIONS));
        }
        env.fromData(messages, RoutedMessageTypeInfo.of())
                .sinkTo(sink(encoding).build())
                .uid("sink-archive");
        env.execute("file system " + encoding);

        Map<String, Path> files = files(directory);
        assertThat(files).isNotEmpty();
        assertThat(files.keySet()).allMatch(name -> FILE_NAME.matcher(name).matches());
        Map<Long, Map<String, Object>> bySeq = new HashMap<>();
        for (Path file : files.values()) {
            for (Map<String, Object> record : read(file, encoding)) {
                long i = Long.parseLong(stringMap(record.get("Properties")).get("seq"));
                assertThat(bySeq.put(i, record)).as("duplicate record %s", i).isNull();
            }
        }
        assertThat(bySeq).hasSize(count);
        Map<String, Object> record = bySeq.get(7L);
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
        assertThat(record.get("Body")).isEqualTo("{\"seq\":7,\"temperature\":21.5}");
        assertThat(leftoverStagingFolders(directory)).isEmpty();
    }

    /** Writes a foreign file under the name the sink is writing to, once it opened that batch. */
    static final class ForeignWriterAfterFirstRecord implements MapFunction<Long, RoutedMessage> {
        private final String file;

        ForeignWriterAfterFirstRecord(Path file) {
            this.file = file.toString();
        }

        @Override
        public RoutedMessage map(Long i) throws IOException {
            // chained to the sink: record 0 (partition 0, 10:15) is written when record 1 arrives
            if (i == 1) {
                Path foreign = Path.of(file);
                Files.createDirectories(foreign.getParent());
                Files.writeString(foreign, "written by someone else");
            }
            return BlobTestSupport.message(i);
        }
    }

    @Test
    void aForeignFileOfTheSameNameSurvivesUntouchedAndTheJobReportsTheError() throws Exception {
        String blob = "hub/0/2024/03/05/10/15";
        Path foreign = directory.resolve("archive").resolve(blob);
        Configuration configuration = new Configuration();
        configuration.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(configuration);
        env.setParallelism(1);
        env.enableCheckpointing(500);
        env.fromSequence(0, 19)
                .map(new ForeignWriterAfterFirstRecord(foreign))
                .returns(RoutedMessageTypeInfo.of())
                .sinkTo(
                        sink(BlobEncoding.AVRO)
                                .setContainerName("archive")
                                .setHubName("hub")
                                .build())
                .uid("sink-archive");

        Throwable failure = catchThrowable(() -> env.execute("foreign file"));

        assertThat(failure).as("the job reports the error").isNotNull();
        assertThat(
                        ExceptionUtils.findThrowableWithMessage(
                                failure,
                                "blob '"
                                        + blob
                                        + "' in folder 'file:"
                                        + directory.resolve("archive")
                                        + "' already exists with other content"))
                .isPresent();
        assertThat(Files.readString(foreign)).isEqualTo("written by someone else");
    }

    /** The files under a folder by name relative to it, without the staging folder. */
    private static Map<String, Path> files(Path folder) throws IOException {
        Map<String, Path> files = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(folder)) {
            paths.filter(Files::isRegularFile)
                    .forEach(
                            path -> {
                                String name = folder.relativize(path).toString();
                                if (!name.startsWith(".hubroute-staging/")) {
                                    files.put(name, path);
                                }
                            });
        }
        return files;
    }

    /** The staging folders still there (one per blob, named by the escaped blob name). */
    private static Set<String> leftoverStagingFolders(Path container) throws IOException {
        Path staging = container.resolve(".hubroute-staging");
        Set<String> folders = new HashSet<>();
        if (Files.isDirectory(staging)) {
            try (Stream<Path> children = Files.list(staging)) {
                children.forEach(child -> folders.add(child.getFileName().toString()));
            }
        }
        return folders;
    }

    /** Blob names escaped as one path segment: every byte but A-Z a-z 0-9 - _ as %XX. */
    private static Set<String> escaped(Set<String> names) {
        Set<String> escaped = new HashSet<>();
        for (String name : names) {
            StringBuilder text = new StringBuilder();
            for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
                char c = (char) (b & 0xff);
                if (Character.isLetterOrDigit(c) && c < 128 || c == '-' || c == '_') {
                    text.append(c);
                } else {
                    text.append('%').append(String.format("%02X", b & 0xff));
                }
            }
            escaped.add(text.toString());
        }
        return escaped;
    }

    /** A file's records, as field maps with the body as text. */
    private static List<Map<String, Object>> read(Path file, BlobEncoding encoding)
            throws IOException {
        List<Map<String, Object>> records = new ArrayList<>();
        if (encoding == BlobEncoding.JSON) {
            ObjectMapper mapper = new ObjectMapper();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                JsonNode json = mapper.readTree(line);
                Map<String, Object> record = new HashMap<>();
                record.put("EnqueuedTimeUtc", json.get("EnqueuedTimeUtc").asText());
                record.put("Properties", mapper.convertValue(json.get("Properties"), Map.class));
                record.put(
                        "SystemProperties",
                        mapper.convertValue(json.get("SystemProperties"), Map.class));
                // a JSON body (contentType application/json, utf-8) is embedded as JSON
                assertThat(json.get("Body").isObject()).isTrue();
                record.put("Body", mapper.writeValueAsString(json.get("Body")));
                records.add(record);
            }
            return records;
        }
        try (DataFileReader<GenericRecord> reader =
                new DataFileReader<>(file.toFile(), new GenericDatumReader<>())) {
            assertThat(reader.getSchema().toString()).isEqualTo(BlobTestSupport.IOT_HUB_SCHEMA);
            assertThat(reader.getMetaString("avro.codec"))
                    .isEqualTo(encoding == BlobEncoding.AVRO_DEFLATE ? "deflate" : "null");
            for (GenericRecord avro : reader) {
                Map<String, Object> record = new HashMap<>();
                record.put("EnqueuedTimeUtc", avro.get("EnqueuedTimeUtc").toString());
                record.put("Properties", avro.get("Properties"));
                record.put("SystemProperties", avro.get("SystemProperties"));
                ByteBuffer body = (ByteBuffer) avro.get("Body");
                byte[] bytes = new byte[body.remaining()];
                body.get(bytes);
                record.put("Body", new String(bytes, StandardCharsets.UTF_8));
                records.add(record);
            }
        }
        return records;
    }

    private static long sequenceOf(GenericRecord record) {
        String messageId = stringMap(record.get("SystemProperties")).get("messageId");
        return Long.parseLong(messageId.substring("m-".length()));
    }

    private static Map<String, String> stringMap(Object map) {
        Map<String, String> result = new HashMap<>();
        for (Map.Entry<?, ?> entry : ((Map<?, ?>) map).entrySet()) {
            result.put(entry.getKey().toString(), entry.getValue().toString());
        }
        return result;
    }
}
