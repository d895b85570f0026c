package io.hubroute.job.replay;

import io.hubroute.job.RoutesFileRouter;
import io.hubroute.job.source.DecodeFailure;
import io.hubroute.job.source.DecodeResult;
import io.hubroute.job.source.DecodedRecord;
import io.hubroute.replay.ReplayTally;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Counts what replay reads and passes the decoded records on; an undecodable record or an
 * unreadable blob is tallied with its reason and where it was (the report lists them), never fails
 * the replay.
 */
final class ReplayInputFunction extends ProcessFunction<DecodeResult, DecodedRecord> {
    private static final long serialVersionUID = 1L;

    private final RoutesFileRouter baselineFactory;
    private final RoutesFileRouter candidateFactory;
    private final int samples;

    private transient ReplayTally tally;
    private transient Counter records;
    private transient Counter undecodable;

    ReplayInputFunction(RoutesFileRouter baseline, RoutesFileRouter candidate, int samples) {
        this.baselineFactory = baseline;
        this.candidateFactory = candidate;
        this.samples = samples;
    }

    @Override
    public void open(OpenContext openContext) {
        TallyAccumulator accumulator =
                new TallyAccumulator(
                        ReplayTally.create(
                                baselineFactory.config(), candidateFactory.config(), samples));
        getRuntimeContext().addAccumulator(ReplayJob.INPUT_ACCUMULATOR, accumulator);
        tally = accumulator.tally();
        records = getRuntimeContext().getMetricGroup().counter(ReplayJob.RECORDS_METRIC);
        undecodable = getRuntimeContext().getMetricGroup().counter(ReplayJob.UNDECODABLE_METRIC);
    }

    @Override
    public void processElement(DecodeResult value, Context context, Collector<DecodedRecord> out) {
        records.inc();
        if (value instanceof DecodedRecord) {
            out.collect((DecodedRecord) value);
            return;
        }
        DecodeFailure failure = (DecodeFailure) value;
        undecodable.inc();
        if (ReplayJob.isUnreadableBlob(failure)) {
            tally.addUnreadableBlob(failure.topic(), failure.reason());
        } else {
            tally.addUndecodable(
                    failure.reason(),
                    failure.topic() + "-" + failure.partition() + "@" + failure.offset());
        }
    }
}
