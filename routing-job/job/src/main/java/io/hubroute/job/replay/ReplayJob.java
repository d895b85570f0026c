package io.hubroute.job.replay;

import io.hubroute.job.RecordSource;
import io.hubroute.job.RoutesFileRouter;
import io.hubroute.job.archive.ArchiveReader;
import io.hubroute.job.internal.DecodedRecordTypeInfo;
import io.hubroute.job.internal.TwinKeySelector;
import io.hubroute.job.source.DecodeFailure;
import io.hubroute.job.source.DecodedRecord;
import io.hubroute.replay.ReplayTally;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * Replay's dry run: a bounded stream of history (a Kafka range or a blob archive) → decode → keyed
 * by device or module as the live job keys it → each message routed by the baseline and the
 * candidate routes with the twin the live job would have had → tallied, writing to no endpoint. The
 * job ends when its input does; {@link #tally(JobExecutionResult)} then gives the merged tally.
 *
 * <pre>{@code
 * ReplayJob.builder()
 *     .setRecords(KafkaRecords.range(config.source(), start, end, "hubroute-replay-" + UUID.randomUUID()))
 *     .setBaseline(RoutesFileRouter.factory(deployedYaml, "deployed.yaml"))
 *     .setCandidate(RoutesFileRouter.factory(candidateYaml, "candidate.yaml"))
 *     .build()
 *     .addTo(env);
 * ReplayTally tally = ReplayJob.tally(env.execute("hubroute replay"));
 * }</pre>
 *
 * <p>Run without checkpoints: a failed task restarts the whole bounded job from its start, so the
 * tally (a Flink accumulator, reset with each attempt) counts every message once.
 */
public final class ReplayJob {
    static final String DIFF_ACCUMULATOR = "hubroute-replay-diff";
    static final String INPUT_ACCUMULATOR = "hubroute-replay-input";

    /** Records read (decoded or not), summed over subtasks. */
    public static final String RECORDS_METRIC = "hubroute.replay.records";

    /** Records that could not be decoded, and unreadable blobs. */
    public static final String UNDECODABLE_METRIC = "hubroute.replay.undecodable";

    /** Messages routed under both route files. */
    public static final String MESSAGES_METRIC = "hubroute.replay.messages";

    /** Messages whose set of endpoints differs between the two. */
    public static final String CHANGED_METRIC = "hubroute.replay.changed";

    /** The uid of the diff operator. */
    public static final String DIFF_UID = "hubroute-replay-diff";

    private final Builder builder;

    private ReplayJob(Builder builder) {
        this.builder = builder;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Adds the dry run's dataflow to {@code env}; generic types off, as in the live job. */
    public void addTo(StreamExecutionEnvironment env) {
        Configuration noGenericTypes = new Configuration();
        noGenericTypes.set(PipelineOptions.GENERIC_TYPES, false);
        env.configure(noGenericTypes);
        SingleOutputStreamOperator<DecodedRecord> decoded =
                builder.records
                        .addTo(env)
                        .process(
                                new ReplayInputFunction(
                                        builder.baseline, builder.candidate, builder.samples),
                                DecodedRecordTypeInfo.of())
                        .name("decode")
                        .uid("hubroute-replay-decode");
        decoded.keyBy(new TwinKeySelector())
                .process(
                        new ReplayDiffFunction(
                                builder.baseline,
                                builder.candidate,
                                builder.exportedTwins,
                                builder.samples),
                        Types.STRING)
                .name("route twice (baseline, candidate)")
                .uid(DIFF_UID)
                .sinkTo(new DiscardingSink<>())
                .name("no endpoint");
    }

    /** The tally of a finished dry run: every subtask's, merged. */
    public static ReplayTally tally(JobExecutionResult result) {
        ReplayTally diff = result.getAccumulatorResult(DIFF_ACCUMULATOR);
        ReplayTally input = result.getAccumulatorResult(INPUT_ACCUMULATOR);
        if (diff == null) {
            throw new IllegalStateException(
                    "the replay job ended without a tally (did it read no partition at all?)");
        }
        if (input != null) {
            diff.merge(input);
        }
        return diff;
    }

    /** Whether a failure is about a whole blob rather than one record of it. */
    static boolean isUnreadableBlob(DecodeFailure failure) {
        return ArchiveReader.isBlobFailure(failure);
    }

    /** Builds a {@link ReplayJob}: records, baseline and candidate are required. */
    public static final class Builder {
        private RecordSource records;
        private RoutesFileRouter baseline;
        private RoutesFileRouter candidate;
        private Map<String, byte[]> exportedTwins = Map.of();
        private int samples = 20;

        private Builder() {}

        public Builder setRecords(RecordSource records) {
            this.records = Objects.requireNonNull(records, "records");
            return this;
        }

        /**
         * The routes deployed today; a routes file without routes gives IoT Hub's fallback only.
         */
        public Builder setBaseline(RoutesFileRouter baseline) {
            this.baseline = Objects.requireNonNull(baseline, "baseline");
            return this;
        }

        public Builder setCandidate(RoutesFileRouter candidate) {
            this.candidate = Objects.requireNonNull(candidate, "candidate");
            return this;
        }

        /** Twins at the start, by twin key, as in {@code twins.exportFile}. */
        public Builder setExportedTwins(Map<String, byte[]> twins) {
            this.exportedTwins = Map.copyOf(twins);
            return this;
        }

        /** How many changed messages the report shows (20 unless set). */
        public Builder setSamples(int samples) {
            if (samples < 0) {
                throw new IllegalArgumentException("samples must be 0 or more, got " + samples);
            }
            this.samples = samples;
            return this;
        }

        public ReplayJob build() {
            if (records == null) {
                throw new IllegalStateException("no records: call setRecords(...)");
            }
            if (baseline == null || candidate == null) {
                throw new IllegalStateException(
                        "both route files are needed: call setBaseline and setCandidate");
            }
            return new ReplayJob(this);
        }
    }
}
