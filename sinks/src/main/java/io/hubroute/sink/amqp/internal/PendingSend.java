package io.hubroute.sink.amqp.internal;

import io.hubroute.sink.RoutedMessage;
import jakarta.jms.CompletionListener;
import jakarta.jms.Message;

/**
 * A delivery sent and not yet known to be acknowledged. Qpid's thread completes it; the writer's
 * thread waits for it. A failure it records is the delivery's own failed attempt, unless it was
 * {@linkplain #abandon() abandoned} (its connection dropped because of another delivery); a late
 * acknowledgment always counts.
 */
final class PendingSend implements CompletionListener {
    enum State {
        PENDING,
        ACKNOWLEDGED,
        FAILED
    }

    final RoutedMessage delivery;
    final String messageId;
    private State state = State.PENDING;
    private Exception failure;
    private boolean abandoned;

    PendingSend(RoutedMessage delivery, String messageId) {
        this.delivery = delivery;
        this.messageId = messageId;
    }

    @Override
    public synchronized void onCompletion(Message message) {
        if (state == State.PENDING) {
            state = State.ACKNOWLEDGED;
        }
        notifyAll();
    }

    @Override
    public synchronized void onException(Message message, Exception exception) {
        if (state == State.PENDING) {
            state = State.FAILED;
            failure = exception;
        }
        notifyAll();
    }

    /** The send did not even start. */
    synchronized void fail(Exception exception) {
        onException(null, exception);
    }

    /** No answer came in time: a failed attempt of this delivery's own. */
    synchronized void timedOut(Exception timeout) {
        onException(null, timeout);
    }

    /**
     * The connection is dropped because of another send: this one's outcome is unknown, and a
     * failure it reported (or reports, as the connection goes) is not counted as its own.
     */
    synchronized void abandon() {
        abandoned = true;
    }

    synchronized State state() {
        return state;
    }

    /** Its own failure; null when it has none (still pending, acknowledged or abandoned). */
    synchronized Exception failure() {
        return abandoned ? null : failure;
    }

    /** Failed attempts of this delivery's own so far: 1 when its send failed, else 0. */
    synchronized int failedAttempts() {
        return state == State.FAILED && !abandoned ? 1 : 0;
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
