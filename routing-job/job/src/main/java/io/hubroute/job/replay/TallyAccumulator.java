package io.hubroute.job.replay;

import io.hubroute.replay.ReplayTally;
import org.apache.flink.api.common.accumulators.Accumulator;

/**
 * A {@link ReplayTally} as a Flink accumulator: each subtask tallies its own messages, Flink merges
 * the subtasks' tallies when the job ends, and the client reads the result from the job's execution
 * result, locally or from a cluster.
 */
final class TallyAccumulator implements Accumulator<Void, ReplayTally> {
    private static final long serialVersionUID = 1L;

    private final ReplayTally empty;
    private ReplayTally tally;

    TallyAccumulator(ReplayTally empty) {
        this.empty = empty.emptyCopy();
        this.tally = empty;
    }

    /** The tally to add messages to. */
    ReplayTally tally() {
        return tally;
    }

    @Override
    public void add(Void value) {
        throw new UnsupportedOperationException("add to tally() instead");
    }

    @Override
    public ReplayTally getLocalValue() {
        return tally;
    }

    @Override
    public void resetLocal() {
        tally = empty.emptyCopy();
    }

    @Override
    public void merge(Accumulator<Void, ReplayTally> other) {
        tally.merge(other.getLocalValue());
    }

    @Override
    public TallyAccumulator clone() {
        TallyAccumulator clone = new TallyAccumulator(empty);
        clone.tally = tally.copy();
        return clone;
    }
}
