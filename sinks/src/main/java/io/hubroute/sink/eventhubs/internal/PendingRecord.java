package io.hubroute.sink.eventhubs.internal;

import io.hubroute.sink.RoutedMessage;
import java.nio.ByteBuffer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * One send of one record, not yet known to be acknowledged. The producer's I/O thread completes it;
 * the writer's thread waits for it. A record sent again gets a new instance ({@link #again()}), so
 * a late answer to an abandoned send changes nothing; the record's own failed attempts and whether
 * the endpoint already has it travel with it.
 */
final class PendingRecord implements Callback {
    enum State {
        PENDING,
        ACKNOWLEDGED,
        FAILED
    }

    final RoutedMessage delivery;
    final ProducerRecord<byte[], byte[]> record;

    /** This record's own failed attempts so far (writer thread only). */
    int failedAttempts;

    /**
     * The endpoint acknowledged an earlier send of this record: it is sent again only so that it
     * comes after an earlier record of its device that failed (writer thread only).
     */
    boolean delivered;

    private State state = State.PENDING;
    private Exception failure;
    private long acknowledgedAtMillis;

    PendingRecord(RoutedMessage delivery, ProducerRecord<byte[], byte[]> record) {
        this.delivery = delivery;
        this.record = record;
    }

    /** A new send of the same record, with its attempts so far. */
    PendingRecord again() {
        PendingRecord next = new PendingRecord(delivery, record);
        next.failedAttempts = failedAttempts;
        next.delivered = delivered;
        return next;
    }

    /** The record's key (the device id) as a map key; null for a record without one. */
    ByteBuffer deviceKey() {
        return record.key() == null ? null : ByteBuffer.wrap(record.key());
    }

    @Override
    public synchronized void onCompletion(RecordMetadata metadata, Exception exception) {
        if (state == State.PENDING) {
            if (exception == null) {
                state = State.ACKNOWLEDGED;
                acknowledgedAtMillis = System.currentTimeMillis();
            } else {
                state = State.FAILED;
                failure = exception;
            }
        }
        notifyAll();
    }

    /** The send did not even start, or no answer came in time. */
    synchronized void fail(Exception exception) {
        onCompletion(null, exception);
    }

    synchronized State state() {
        return state;
    }

    /** The failure of this send; null unless it failed. */
    synchronized Exception failure() {
        return failure;
    }

    /** When the broker's acknowledgment arrived (epoch ms); 0 while not acknowledged. */
    synchronized long acknowledgedAtMillis() {
        return acknowledgedAtMillis;
    }

    /** Waits until the send completes or {@code timeoutMillis} passes; returns the state then. */
    synchronized State await(long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (state == State.PENDING) {
            long remainingMillis = (deadline - System.nanoTime()) / 1_000_000L;
            if (remainingMillis <= 0) {
                break;
            }
            wait(remainingMillis);
        }
        return state;
    }
}
