package io.hubroute.cli;

import com.sun.management.GcInfo;
import com.sun.management.OperatingSystemMXBean;
import io.hubroute.config.ConfigProblem;
import io.hubroute.config.RoutingConfig;
import io.hubroute.config.RoutingConfigLoader;
import io.hubroute.config.SourceOptions;
import io.hubroute.embedded.EmbeddedKafkaBroker;
import io.hubroute.job.KafkaRecords;
import io.hubroute.job.RecordSource;
import io.hubroute.job.RoutesFileRouter;
import io.hubroute.job.TwinExport;
import io.hubroute.job.archive.ArchiveBlob;
import io.hubroute.job.archive.ArchiveFormat;
import io.hubroute.job.archive.ArchiveSelection;
import io.hubroute.job.archive.ArchiveSource;
import io.hubroute.job.archive.ArchiveStore;
import io.hubroute.job.replay.ReplayJob;
import io.hubroute.job.source.DecodeResult;
import io.hubroute.job.source.DecodedRecord;
import io.hubroute.replay.ReplayReport;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFilterFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * What {@code hubroute bench-replay} does once its options are checked: loads the history ({@link
 * ReplayBenchmarkData}) into an embedded Kafka topic and into IoT Hub Avro blobs in a folder, then,
 * for each source, runs a read-only job (the replay's own source, decoding, into a discarding sink)
 * and the replay dry run ({@link ReplayJob}), round after round, in a local MiniCluster in this
 * JVM, checks that each counted every message, and prints what each cost: records/s, process CPU
 * per record (the embedded broker's share included, for both jobs alike), peak heap.
 */
final class ReplayBenchmark {
    static final String TOPIC = "d2c";
    static final int PARALLELISM = 2;
    static final String FILE_NAME_FORMAT = "{iothub}/{partition}/{YYYY}/{MM}/{DD}/{HH}/{mm}";
    static final String READ_ONLY = "read-only";
    static final String DRY_RUN = "dry run";

    /** IoT Hub's storage endpoint schema ({@code Microsoft.Azure.Devices.Message}). */
    static final Schema IOT_HUB_MESSAGE =
            new Schema.Parser()
                    .parse(
                            "{\"type\":\"record\",\"name\":\"Message\",\"namespace\":\"Microsoft.Azure.Devices\",\"fields\":["
                                    + "{\"name\":\"EnqueuedTimeUtc\",\"type\":\"string\"},"
                                    + "{\"name\":\"Properties\",\"type\":{\"type\":\"map\",\"values\":\"string\"}},"
                                    + "{\"name\":\"SystemProperties\",\"type\":{\"type\":\"map\",\"values\":\"string\"}},"
                                    + "{\"name\":\"Body\",\"type\":[\"null\",\"bytes\"]}]}");

    private static final long SAMPLE_MILLIS = 200;
    private static final Set<String> HEAP_POOLS = heapPools();
    private static final long PROGRESS_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final PrintStream out;
    private final PrintStream err;
    private final OperatingSystemMXBean system =
            (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

    ReplayBenchmark(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(BenchReplayCommand options) throws Exception {
        RoutingConfig baseline = load(options.baselineFile);
        RoutingConfig candidate = load(options.candidateFile);
        if (baseline == null || candidate == null) {
            return 1;
        }
        RoutesFileRouter baselineRouter = router(options.baselineFile);
        RoutesFileRouter candidateRouter = router(options.candidateFile);

        Path workDir = options.workDir.toAbsolutePath();
        Files.createDirectories(workDir);
        Path runDir = Files.createTempDirectory(workDir, "bench-");
        ReplayBenchmarkData data =
                new ReplayBenchmarkData(
                        options.records,
                        options.bodyBytes,
                        Instant.now().truncatedTo(ChronoUnit.MINUTES).toEpochMilli());
        String setting =
                String.format(
                        Locale.ROOT,
                        "%,d messages of %,d-byte JSON bodies from %d devices, enqueued over 7 days;"
                                + " baseline %s (%d routes), candidate %s (%d routes); parallelism"
                                + " %d, %d rounds after %d warm-up rounds",
                        options.records,
                        options.bodyBytes,
                        ReplayBenchmarkData.DEVICES,
                        options.baselineFile,
                        baseline.routes().size(),
                        options.candidateFile,
                        candidate.routes().size(),
                        PARALLELISM,
                        options.rounds,
                        options.warmupRounds);
        String machine = machine();
        out.println("hubroute bench-replay: " + setting);
        out.println("hubroute bench-replay: " + machine + "; work dir " + runDir);

        EmbeddedKafkaBroker kafka = null;
        List<Run> runs = new ArrayList<>();
        try {
            Path archive = runDir.resolve("archive");
            if (options.source.kafka()) {
                kafka = EmbeddedKafkaBroker.start(runDir.resolve("kafka"));
                createTopic(kafka);
            }
            Loaded loaded =
                    loadHistory(
                            data,
                            kafka,
                            options.source.archive() ? archive : null,
                            baseline.hubName());
            Path twinsFile = runDir.resolve("twins.jsonl");
            writeTwins(twinsFile);
            Map<String, byte[]> twins = TwinExport.read(twinsFile);

            List<Source> sources = new ArrayList<>();
            if (kafka != null) {
                SourceOptions topic = SourceOptions.kafka(kafka.bootstrapServers(), List.of(TOPIC));
                sources.add(
                        new Source(
                                "kafka",
                                () ->
                                        KafkaRecords.range(
                                                topic,
                                                null,
                                                null,
                                                "hubroute-bench-" + UUID.randomUUID())));
            }
            if (options.source.archive()) {
                ArchiveStore store = ArchiveStore.localFolder(archive);
                ArchiveSelection selection = ArchiveSelection.of(FILE_NAME_FORMAT, null, null);
                List<ArchiveBlob> blobs = ArchiveSource.select(store, selection, null);
                if (blobs.size() != loaded.blobs()) {
                    throw new IllegalStateException(
                            "the archive lists "
                                    + blobs.size()
                                    + " blobs, but "
                                    + loaded.blobs()
                                    + " were written");
                }
                sources.add(
                        new Source(
                                "archive",
                                () ->
                                        env ->
                                                ArchiveSource.addTo(
                                                        env,
                                                        store,
                                                        ArchiveFormat.AVRO,
                                                        selection,
                                                        blobs)));
            }

            for (Source source : sources) {
                // not counted: the first runs of a JVM measure the JIT, not the job
                for (int round = 1; round <= options.warmupRounds; round++) {
                    out.println("warm-up round " + round + " on " + source.name());
                    readOnly(source, round, options.records);
                    dryRun(source, round, options.records, baselineRouter, candidateRouter, twins);
                }
                for (int round = 1; round <= options.rounds; round++) {
                    runs.add(readOnly(source, round, options.records));
                    runs.add(
                            dryRun(
                                    source,
                                    round,
                                    options.records,
                                    baselineRouter,
                                    candidateRouter,
                                    twins));
                }
            }
        } finally {
            if (kafka != null) {
                kafka.close();
            }
            delete(runDir);
        }

        String table = table(setting, machine, runs);
        out.println();
        out.print(table);
        if (options.output != null) {
            Files.writeString(options.output, table, StandardCharsets.UTF_8);
            out.println("figures written to " + options.output);
        }
        return 0;
    }

    // ---------------------------------------------------------------- the history

    /** What loading wrote: how many blobs and bytes of them. */
    private record Loaded(long blobs, long blobBytes) {}

    private static void createTopic(EmbeddedKafkaBroker kafka) throws Exception {
        // the history is a week old: keep it however old its timestamps are
        try (Admin admin = kafka.admin()) {
            admin.createTopics(
                            List.of(
                                    new NewTopic(TOPIC, ReplayBenchmarkData.PARTITIONS, (short) 1)
                                            .configs(Map.of("retention.ms", "-1"))))
                    .all()
                    .get();
        }
    }

    /** Writes every message to the topic (with an asynchronous producer) and to the blobs. */
    private Loaded loadHistory(
            ReplayBenchmarkData data, EmbeddedKafkaBroker kafka, Path archive, String hubName)
            throws Exception {
        AtomicLong acknowledged = new AtomicLong();
        AtomicReference<Exception> failure = new AtomicReference<>();
        long started = System.nanoTime();
        long lastPrint = started;
        long blobs = 0;
        long blobBytes = 0;
        try (KafkaProducer<byte[], byte[]> producer =
                        kafka == null ? null : BenchTopics.loadingProducer(kafka);
                AvroArchive blobWriter =
                        archive == null ? null : new AvroArchive(archive, hubName)) {
            for (int index = 0; index < data.records(); index++) {
                int device = ReplayBenchmarkData.device(index);
                int partition = ReplayBenchmarkData.partition(device);
                String deviceId = ReplayBenchmarkData.deviceId(device);
                long enqueued = data.enqueuedMillis(index);
                String messageId = ReplayBenchmarkData.messageId(index);
                Map<String, String> properties = ReplayBenchmarkData.appProperties(index);
                String body = data.body(index);
                if (producer != null) {
                    producer.send(
                            BenchTopics.record(data, TOPIC, index, enqueued),
                            (metadata, exception) -> {
                                if (exception != null) {
                                    failure.compareAndSet(null, exception);
                                } else {
                                    acknowledged.incrementAndGet();
                                }
                            });
                }
                if (blobWriter != null) {
                    blobWriter.append(partition, deviceId, messageId, enqueued, properties, body);
                }
                if (failure.get() != null) {
                    throw new IllegalStateException(
                            "loading the topic failed: " + failure.get().getMessage(),
                            failure.get());
                }
                if ((index & 1023) == 0 && System.nanoTime() - lastPrint >= 2_000_000_000L) {
                    lastPrint = System.nanoTime();
                    out.println(loadingProgress(index, data.records(), acknowledged, started));
                }
            }
            if (producer != null) {
                producer.flush();
            }
            if (blobWriter != null) {
                blobWriter.close();
                blobs = blobWriter.files;
                blobBytes = blobWriter.bytes;
            }
        }
        if (failure.get() != null) {
            throw new IllegalStateException(
                    "loading the topic failed: " + failure.get().getMessage(), failure.get());
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        out.println(
                String.format(
                        Locale.ROOT,
                        "loaded %,d messages in %.1f s:%s%s",
                        data.records(),
                        seconds,
                        kafka == null
                                ? ""
                                : String.format(
                                        Locale.ROOT,
                                        " topic %s (%d partitions, %,d acknowledged)",
                                        TOPIC,
                                        ReplayBenchmarkData.PARTITIONS,
                                        acknowledged.get()),
                        archive == null
                                ? ""
                                : String.format(
                                        Locale.ROOT,
                                        " %,d Avro blobs, %,d MB, from %s to %s",
                                        blobs,
                                        blobBytes >> 20,
                                        Instant.ofEpochMilli(data.startMillis()),
                                        Instant.ofEpochMilli(
                                                data.enqueuedMillis(data.records() - 1)))));
        return new Loaded(blobs, blobBytes);
    }

    private static String loadingProgress(
            long written, long total, AtomicLong acknowledged, long startedNanos) {
        double seconds = Math.max(0.001, (System.nanoTime() - startedNanos) / 1e9);
        return String.format(
                Locale.ROOT,
                "loading: %,d of %,d messages (%d%%), %,.0f/s, %,d acknowledged by the broker",
                written,
                total,
                written * 100 / total,
                written / seconds,
                acknowledged.get());
    }

    /**
     * IoT Hub's storage endpoint files: one plain Avro file per partition and minute, named {@code
     * {iothub}/{partition}/{YYYY}/{MM}/{DD}/{HH}/{mm}.avro}. Each partition's messages come in time
     * order, so one file per partition is open at a time.
     */
    private static final class AvroArchive implements Closeable {
        private final Path root;
        private final String hubName;
        private final List<DataFileWriter<GenericRecord>> writers = new ArrayList<>();
        private final List<Path> paths = new ArrayList<>();
        private final long[] minutes = new long[ReplayBenchmarkData.PARTITIONS];
        private final GenericRecord record = new GenericData.Record(IOT_HUB_MESSAGE);
        long files;
        long bytes;

        AvroArchive(Path root, String hubName) {
            this.root = root;
            this.hubName = hubName;
            for (int partition = 0; partition < ReplayBenchmarkData.PARTITIONS; partition++) {
                writers.add(null);
                paths.add(null);
                minutes[partition] = Long.MIN_VALUE;
            }
        }

        void append(
                int partition,
                String deviceId,
                String messageId,
                long enqueuedMillis,
                Map<String, String> properties,
                String body)
                throws IOException {
            long minute = enqueuedMillis / 60_000;
            if (minute != minutes[partition]) {
                closeFile(partition);
                ZonedDateTime time = Instant.ofEpochMilli(minute * 60_000).atZone(ZoneOffset.UTC);
                Path file =
                        root.resolve(hubName)
                                .resolve(Integer.toString(partition))
                                .resolve(String.format("%04d", time.getYear()))
                                .resolve(String.format("%02d", time.getMonthValue()))
                                .resolve(String.format("%02d", time.getDayOfMonth()))
                                .resolve(String.format("%02d", time.getHour()))
                                .resolve(String.format("%02d.avro", time.getMinute()));
                Files.createDirectories(file.getParent());
                DataFileWriter<GenericRecord> writer =
                        new DataFileWriter<>(
                                new GenericDatumWriter<GenericRecord>(IOT_HUB_MESSAGE));
                writer.setCodec(CodecFactory.nullCodec());
                writer.create(
                        IOT_HUB_MESSAGE, new BufferedOutputStream(Files.newOutputStream(file)));
                writers.set(partition, writer);
                paths.set(partition, file);
                minutes[partition] = minute;
            }
            String enqueued = Instant.ofEpochMilli(enqueuedMillis).toString();
            Map<String, String> system = new HashMap<>();
            system.put("messageId", messageId);
            system.put("connectionDeviceId", deviceId);
            system.put(
                    "connectionAuthMethod",
                    "{\"scope\":\"device\",\"type\":\"sas\",\"issuer\":\"iothub\",\"acceptingIpFilterRule\":null}");
            system.put("connectionDeviceGenerationId", "638000000000000000");
            system.put("contentType", "application/json");
            system.put("contentEncoding", "utf-8");
            system.put("enqueuedTime", enqueued);
            record.put("EnqueuedTimeUtc", enqueued);
            record.put("Properties", properties);
            record.put("SystemProperties", system);
            record.put("Body", ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)));
            writers.get(partition).append(record);
        }

        private void closeFile(int partition) throws IOException {
            DataFileWriter<GenericRecord> writer = writers.get(partition);
            if (writer != null) {
                writer.close();
                files++;
                bytes += Files.size(paths.get(partition));
                writers.set(partition, null);
            }
        }

        @Override
        public void close() throws IOException {
            for (int partition = 0; partition < ReplayBenchmarkData.PARTITIONS; partition++) {
                closeFile(partition);
            }
        }
    }

    private static void writeTwins(Path file) throws IOException {
        StringBuilder lines = new StringBuilder();
        for (int device = 0; device < ReplayBenchmarkData.DEVICES; device++) {
            lines.append(ReplayBenchmarkData.twinExportLine(device)).append('\n');
        }
        Files.writeString(file, lines, StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------- the runs

    /** A source of history; a new {@link RecordSource} for each run (a Kafka range has a group). */
    private record Source(String name, Supplier<RecordSource> records) {}

    /**
     * One measured run.
     *
     * @param cpuNanos process CPU time over the run: the MiniCluster, the embedded broker, the GC
     * @param peakHeap the most heap used in any sample (every 200 ms)
     * @param peakAfterGc the most heap still used after a collection, in any sample
     */
    private record Run(
            String source,
            String job,
            int round,
            long records,
            long wallNanos,
            long netMillis,
            long cpuNanos,
            long peakHeap,
            long peakAfterGc,
            long maxHeap,
            double loadBefore) {
        double recordsPerSecond() {
            return records * 1e9 / wallNanos;
        }

        double cpuMicrosPerRecord() {
            return cpuNanos / 1e3 / records;
        }
    }

    /** The source straight into a discarding sink, counting what it decoded. */
    private Run readOnly(Source source, int round, long expected) throws Exception {
        StreamExecutionEnvironment env = environment();
        source.records()
                .get()
                .addTo(env)
                .filter(new CountingFilter())
                .name("count")
                .uid("hubroute-bench-count")
                .sinkTo(new DiscardingSink<>())
                .name("no endpoint");
        String name = source.name() + " " + READ_ONLY + " round " + round;
        Measured measured = execute(env, name, CountingFilter.RECORDS_METRIC, expected);
        Long counted = measured.result().getAccumulatorResult(CountingFilter.RECORDS_ACCUMULATOR);
        Long undecodable =
                measured.result().getAccumulatorResult(CountingFilter.UNDECODABLE_ACCUMULATOR);
        if (counted == null || counted != expected || undecodable == null || undecodable != 0) {
            throw new IllegalStateException(
                    String.format(
                            Locale.ROOT,
                            "%s counted %s records (%s undecodable), not %,d decoded",
                            name,
                            counted,
                            undecodable,
                            expected));
        }
        Run run = measured.run(source.name(), READ_ONLY, round, expected);
        out.println(describe(name, run, ""));
        return run;
    }

    /** The replay dry run: decode, key by device, route by both files, tally. */
    private Run dryRun(
            Source source,
            int round,
            long expected,
            RoutesFileRouter baseline,
            RoutesFileRouter candidate,
            Map<String, byte[]> twins)
            throws Exception {
        StreamExecutionEnvironment env = environment();
        ReplayJob.builder()
                .setRecords(source.records().get())
                .setBaseline(baseline)
                .setCandidate(candidate)
                .setExportedTwins(twins)
                .build()
                .addTo(env);
        String name = source.name() + " " + DRY_RUN + " round " + round;
        Measured measured = execute(env, name, ReplayJob.RECORDS_METRIC, expected);
        ReplayReport report = ReplayJob.tally(measured.result()).report(source.name());
        if (report.messages() != expected || report.undecodableRecords() != 0) {
            throw new IllegalStateException(
                    String.format(
                            Locale.ROOT,
                            "%s routed %,d messages (%,d undecodable), not %,d",
                            name,
                            report.messages(),
                            report.undecodableRecords(),
                            expected));
        }
        Run run = measured.run(source.name(), DRY_RUN, round, expected);
        out.println(
                describe(
                        name,
                        run,
                        String.format(
                                Locale.ROOT,
                                ", %,d messages changed endpoints",
                                report.changedMessages())));
        return run;
    }

    /** A local MiniCluster on loopback: no checkpoints, no restarts, generic types off. */
    private static StreamExecutionEnvironment environment() throws IOException {
        Configuration flink = new Configuration();
        flink.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        flink.set(PipelineOptions.GENERIC_TYPES, false);
        LiveCounters.reset();
        LiveCounters.enable(flink);
        LocalCluster.of(null, null).applyTo(flink);
        return StreamExecutionEnvironment.createLocalEnvironment(PARALLELISM, flink);
    }

    /** A finished job's result and what it cost. */
    private record Measured(
            JobExecutionResult result,
            long wallNanos,
            long cpuNanos,
            long peakHeap,
            long peakAfterGc,
            long maxHeap,
            double loadBefore) {
        Run run(String source, String job, int round, long records) {
            return new Run(
                    source,
                    job,
                    round,
                    records,
                    wallNanos,
                    result.getNetRuntime(TimeUnit.MILLISECONDS),
                    cpuNanos,
                    peakHeap,
                    peakAfterGc,
                    maxHeap,
                    loadBefore);
        }
    }

    /**
     * Runs a job to its end: wall time from submission to result, process CPU time, heap sampled
     * every 200 ms; a progress line every 5 s.
     */
    private Measured execute(
            StreamExecutionEnvironment env, String name, String recordsMetric, long expected)
            throws Exception {
        // each run starts from a collected heap, so its peak is its own
        System.gc();
        double load = system.getSystemLoadAverage();
        long peakHeap = 0;
        long peakAfterGc = 0;
        long cpuBefore = system.getProcessCpuTime();
        long started = System.nanoTime();
        JobClient client = env.executeAsync("hubroute bench-replay: " + name);
        CompletableFuture<JobExecutionResult> pending = client.getJobExecutionResult();
        long lastPrint = started;
        JobExecutionResult result = null;
        while (result == null) {
            try {
                result = pending.get(SAMPLE_MILLIS, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // still running: sample below
            } catch (ExecutionException e) {
                Throwable cause = rootCause(e);
                throw new IllegalStateException(name + " failed: " + cause.getMessage(), cause);
            }
            long wall = System.nanoTime() - started;
            MemoryUsage heap = memory.getHeapMemoryUsage();
            peakHeap = Math.max(peakHeap, heap.getUsed());
            long afterGc = heapAfterLastCollection();
            peakAfterGc = Math.max(peakAfterGc, afterGc);
            if (result == null && System.nanoTime() - lastPrint >= PROGRESS_NANOS) {
                lastPrint = System.nanoTime();
                out.println(
                        String.format(
                                Locale.ROOT,
                                "  %s: %,d of %,d records, %.0f s, heap %,d MB",
                                name,
                                LiveCounters.get(recordsMetric),
                                expected,
                                wall / 1e9,
                                heap.getUsed() >> 20));
            }
        }
        long wallNanos = System.nanoTime() - started;
        long cpuNanos = system.getProcessCpuTime() - cpuBefore;
        return new Measured(
                result,
                wallNanos,
                cpuNanos,
                peakHeap,
                peakAfterGc,
                memory.getHeapMemoryUsage().getMax(),
                load);
    }

    /**
     * Heap in use right after the latest collection (of any collector): what survived it. Its
     * maximum over a run is the run's live heap, free of the garbage between collections.
     */
    private static long heapAfterLastCollection() {
        long latestEnd = -1;
        long used = 0;
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (!(collector instanceof com.sun.management.GarbageCollectorMXBean)) {
                continue;
            }
            GcInfo last = ((com.sun.management.GarbageCollectorMXBean) collector).getLastGcInfo();
            if (last == null || last.getEndTime() < latestEnd) {
                continue;
            }
            latestEnd = last.getEndTime();
            used = 0;
            for (Map.Entry<String, MemoryUsage> pool : last.getMemoryUsageAfterGc().entrySet()) {
                if (HEAP_POOLS.contains(pool.getKey())) {
                    used += pool.getValue().getUsed();
                }
            }
        }
        return used;
    }

    private static Throwable rootCause(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static String describe(String name, Run run, String extra) {
        return String.format(
                Locale.ROOT,
                "%s: %,d records in %.1f s (net runtime %.1f s), %,.0f records/s, %.1f µs CPU per"
                        + " record, peak heap %,d MB (%,d MB after GC) of %,d MB, load before %.2f%s",
                name,
                run.records(),
                run.wallNanos() / 1e9,
                run.netMillis() / 1e3,
                run.recordsPerSecond(),
                run.cpuMicrosPerRecord(),
                run.peakHeap() >> 20,
                run.peakAfterGc() >> 20,
                run.maxHeap() >> 20,
                run.loadBefore(),
                extra);
    }

    /**
     * Counts what the read-only job decoded: accumulators for the result, a metric for progress.
     */
    static final class CountingFilter extends RichFilterFunction<DecodeResult> {
        private static final long serialVersionUID = 1L;
        static final String RECORDS_ACCUMULATOR = "hubroute-bench-records";
        static final String UNDECODABLE_ACCUMULATOR = "hubroute-bench-undecodable";
        static final String RECORDS_METRIC = "hubroute.bench.records";

        private transient LongCounter records;
        private transient LongCounter undecodable;
        private transient Counter progress;

        @Override
        public void open(OpenContext openContext) {
            records = new LongCounter();
            undecodable = new LongCounter();
            getRuntimeContext().addAccumulator(RECORDS_ACCUMULATOR, records);
            getRuntimeContext().addAccumulator(UNDECODABLE_ACCUMULATOR, undecodable);
            progress = getRuntimeContext().getMetricGroup().counter(RECORDS_METRIC);
        }

        @Override
        public boolean filter(DecodeResult value) {
            records.add(1L);
            progress.inc();
            if (!(value instanceof DecodedRecord)) {
                undecodable.add(1L);
            }
            return true;
        }
    }

    // ---------------------------------------------------------------- the figures

    /** The summary (median, min–max per source and job), the ratios, then every run. */
    static String table(String setting, String machine, List<Run> runs) {
        StringBuilder table = new StringBuilder();
        table.append(setting).append(".\n").append(machine).append(".\n\n");
        table.append(
                "| source | job | runs | records/s, median (min–max) | CPU µs per record, median"
                        + " (min–max) | wall s, median | net runtime s, median | peak heap used |"
                        + " heap after GC, max | max heap | load before (max) |\n");
        table.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        Map<String, Double> medianRates = new HashMap<>();
        List<String> sources = new ArrayList<>();
        for (Run run : runs) {
            if (!sources.contains(run.source())) {
                sources.add(run.source());
            }
        }
        for (String source : sources) {
            for (String job : List.of(READ_ONLY, DRY_RUN)) {
                List<Run> group = new ArrayList<>();
                for (Run run : runs) {
                    if (run.source().equals(source) && run.job().equals(job)) {
                        group.add(run);
                    }
                }
                if (group.isEmpty()) {
                    continue;
                }
                List<Double> rates = values(group, Run::recordsPerSecond);
                List<Double> cpu = values(group, Run::cpuMicrosPerRecord);
                medianRates.put(source + "/" + job, median(rates));
                table.append(
                        String.format(
                                Locale.ROOT,
                                "| %s | %s | %d | %,.0f (%,.0f–%,.0f) | %.1f (%.1f–%.1f) | %.1f |"
                                        + " %.1f | %,d MB | %,d MB | %,d MB | %.2f |\n",
                                source,
                                job,
                                group.size(),
                                median(rates),
                                rates.get(0),
                                rates.get(rates.size() - 1),
                                median(cpu),
                                cpu.get(0),
                                cpu.get(cpu.size() - 1),
                                median(values(group, run -> run.wallNanos() / 1e9)),
                                median(values(group, run -> run.netMillis() / 1e3)),
                                max(group, Run::peakHeap) >> 20,
                                max(group, Run::peakAfterGc) >> 20,
                                max(group, Run::maxHeap) >> 20,
                                values(group, Run::loadBefore).get(group.size() - 1)));
            }
        }
        table.append("\n| source | dry run / read-only (median records/s) | target |\n");
        table.append("|---|---:|---|\n");
        for (String source : sources) {
            Double readOnly = medianRates.get(source + "/" + READ_ONLY);
            Double dryRun = medianRates.get(source + "/" + DRY_RUN);
            if (readOnly == null || dryRun == null) {
                continue;
            }
            double ratio = dryRun / readOnly;
            table.append(
                    String.format(
                            Locale.ROOT,
                            "| %s | %.2f× | ≥ 0.5×: %s |\n",
                            source,
                            ratio,
                            ratio >= 0.5 ? "met" : "missed"));
        }
        table.append("\n| run | records/s | CPU µs per record | wall s | net runtime s |")
                .append(" peak heap used | heap after GC | load before |\n");
        table.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Run run : runs) {
            table.append(
                    String.format(
                            Locale.ROOT,
                            "| %s %s, round %d | %,.0f | %.1f | %.1f | %.1f | %,d MB | %,d MB |"
                                    + " %.2f |\n",
                            run.source(),
                            run.job(),
                            run.round(),
                            run.recordsPerSecond(),
                            run.cpuMicrosPerRecord(),
                            run.wallNanos() / 1e9,
                            run.netMillis() / 1e3,
                            run.peakHeap() >> 20,
                            run.peakAfterGc() >> 20,
                            run.loadBefore()));
        }
        return table.toString();
    }

    /** The values, sorted. */
    private static List<Double> values(List<Run> runs, ToDoubleFunction<Run> value) {
        List<Double> values = new ArrayList<>(runs.size());
        for (Run run : runs) {
            values.add(value.applyAsDouble(run));
        }
        values.sort(Comparator.naturalOrder());
        return values;
    }

    private static long max(List<Run> runs, ToLongFunction<Run> value) {
        long max = 0;
        for (Run run : runs) {
            max = Math.max(max, value.applyAsLong(run));
        }
        return max;
    }

    /** Of sorted values; the mean of the middle two for an even count. */
    private static double median(List<Double> sorted) {
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1
                ? sorted.get(middle)
                : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

    private static Set<String> heapPools() {
        Set<String> names = new HashSet<>();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                names.add(pool.getName());
            }
        }
        return names;
    }

    private String machine() {
        return String.format(
                Locale.ROOT,
                "machine: %d cores, %s %s, Java %s, max heap %,d MB",
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name"),
                System.getProperty("os.arch"),
                System.getProperty("java.version"),
                memory.getHeapMemoryUsage().getMax() >> 20);
    }

    // ---------------------------------------------------------------- files

    private RoutingConfig load(Path file) {
        RoutingConfigLoader.Result result = RoutingConfigLoader.withoutSecrets().load(file);
        if (!result.isValid()) {
            for (ConfigProblem problem : result.problems()) {
                err.println(problem);
            }
            return null;
        }
        return result.orThrow();
    }

    private static RoutesFileRouter router(Path file) throws IOException {
        return RoutesFileRouter.factory(
                Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    private static void delete(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
