package io.hubroute.sink.blob.internal;

import org.apache.flink.api.connector.sink2.Committer.CommitRequest;

/**
 * A commit request as Flink's behaves for the committer: {@code signalFailedWithUnknownReason}
 * throws (the job fails), {@code retryLater} leaves it pending; what the committer asked for is
 * recorded.
 */
final class FakeCommitRequest implements CommitRequest<BlobCommittable> {
    final BlobCommittable committable;
    int retriesRequested;
    boolean pending = true;
    boolean alreadyCommitted;
    boolean failureIsKnown;
    Throwable failure;

    FakeCommitRequest(BlobCommittable committable) {
        this.committable = committable;
    }

    boolean isPending() {
        return pending;
    }

    @Override
    public BlobCommittable getCommittable() {
        return committable;
    }

    @Override
    public int getNumberOfRetries() {
        return retriesRequested;
    }

    @Override
    public void signalFailedWithKnownReason(Throwable t) {
        failure = t;
        failureIsKnown = true;
        pending = false;
    }

    /** As Flink's request does: the exception fails the job. */
    @Override
    public void signalFailedWithUnknownReason(Throwable t) {
        failure = t;
        pending = false;
        throw new IllegalStateException("Failed to commit " + committable, t);
    }

    @Override
    public void retryLater() {
        retriesRequested++;
        pending = true;
    }

    @Override
    public void updateAndRetryLater(BlobCommittable committable) {
        throw new AssertionError("the committable never changes");
    }

    @Override
    public void signalAlreadyCommitted() {
        alreadyCommitted = true;
    }
}
