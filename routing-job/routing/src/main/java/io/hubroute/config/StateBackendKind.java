package io.hubroute.config;

/** Where keyed state (device twins) lives. */
public enum StateBackendKind {
    /** On the JVM heap: fastest, bounded by TaskManager memory. */
    HASHMAP,
    /** In RocksDB on local disk: for fleets whose twins do not fit in memory. */
    ROCKSDB
}
