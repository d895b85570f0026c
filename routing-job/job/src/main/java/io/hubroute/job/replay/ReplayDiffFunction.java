package io.hubroute.job.replay;

import io.hubroute.job.RoutesFileRouter;
import io.hubroute.job.internal.DeviceTwins;
import io.hubroute.job.source.DecodedRecord;
import io.hubroute.message.JsonPath;
import io.hubroute.message.Message;
import io.hubroute.message.Twin;
import io.hubroute.query.BodyPaths;
import io.hubroute.query.MessageContext;
import io.hubroute.replay.ReplayTally;
import io.hubroute.replay.ReplayedMessage;
import io.hubroute.routing.Router;
import io.hubroute.routing.RoutingDecision;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Routes each device's messages twice, by the baseline and by the candidate routes, with the twin
 * the live job would have had (twin change and lifecycle events applied in order, twins of a device
 * export at the start), and tallies both decisions. Emits nothing: the tally is read from the job's
 * accumulator when it ends.
 */
final class ReplayDiffFunction extends KeyedProcessFunction<String, DecodedRecord, String> {
    private static final long serialVersionUID = 1L;

    private final RoutesFileRouter baselineFactory;
    private final RoutesFileRouter candidateFactory;
    private final HashMap<String, byte[]> exportedTwins;
    private final int samples;

    private transient Router baseline;
    private transient Router candidate;
    private transient DeviceTwins twins;

    /** The body paths of both route files: each message's body is read once for both. */
    private transient BodyPaths bodyPaths;

    private transient ReplayTally tally;
    private transient Counter messages;
    private transient Counter changed;

    ReplayDiffFunction(
            RoutesFileRouter baseline,
            RoutesFileRouter candidate,
            Map<String, byte[]> exportedTwins,
            int samples) {
        this.baselineFactory = baseline;
        this.candidateFactory = candidate;
        this.exportedTwins = new HashMap<>(exportedTwins);
        this.samples = samples;
    }

    @Override
    public void open(OpenContext openContext) {
        baseline = baselineFactory.create();
        candidate = candidateFactory.create();
        twins = DeviceTwins.open(getRuntimeContext(), exportedTwins);
        Set<JsonPath> paths = new HashSet<>(baseline.bodyPaths().paths());
        paths.addAll(candidate.bodyPaths().paths());
        bodyPaths = BodyPaths.of(paths);
        TallyAccumulator accumulator =
                new TallyAccumulator(
                        ReplayTally.create(baseline.config(), candidate.config(), samples));
        getRuntimeContext().addAccumulator(ReplayJob.DIFF_ACCUMULATOR, accumulator);
        tally = accumulator.tally();
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        messages = metrics.counter(ReplayJob.MESSAGES_METRIC);
        changed = metrics.counter(ReplayJob.CHANGED_METRIC);
    }

    @Override
    public void processElement(DecodedRecord value, Context context, Collector<String> out)
            throws Exception {
        Message message = value.message();
        Twin twin = twins.update(context.getCurrentKey(), message);
        MessageContext shared = MessageContext.of(message, twin, bodyPaths);
        RoutingDecision before = baseline.route(shared);
        RoutingDecision after = candidate.route(shared);
        tally.add(
                new ReplayedMessage(
                        message.messageId().orElse(null),
                        value.deviceId(),
                        value.moduleId(),
                        value.enqueuedTimeMillis()),
                before,
                after);
        messages.inc();
        if (!sameEndpoints(before.endpointNames(), after.endpointNames())) {
            changed.inc();
        }
    }

    private static boolean sameEndpoints(List<String> before, List<String> after) {
        return before.size() == after.size()
                && (before.equals(after) || new HashSet<>(before).equals(new HashSet<>(after)));
    }
}
