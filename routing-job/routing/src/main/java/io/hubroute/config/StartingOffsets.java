package io.hubroute.config;

/** Where the job starts reading a partition it has no checkpointed position for. */
public enum StartingOffsets {
    /** The oldest retained event. */
    EARLIEST,
    /** Only events enqueued after the job starts. */
    LATEST,
    /** The consumer group's committed offset; the oldest retained event when there is none. */
    COMMITTED
}
