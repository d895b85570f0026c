package io.hubroute.sink.amqp.internal;

import io.hubroute.sink.RoutedMessage;
import jakarta.jms.CompletionListener;
import jakarta.jms.Message;

/**
 * A delivery sent and not yet known to be acknowledged. Qpid's thread completes it; the writer's
 * thread waits for it.
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

    synchronized State state() {
        return state;
    }

    synchronized Exception failure() {
        return failure;
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
