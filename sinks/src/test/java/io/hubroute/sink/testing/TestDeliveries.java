package io.hubroute.sink.testing;

import io.hubroute.message.Message;
import io.hubroute.message.MessageProperties;
import io.hubroute.message.RoutingSource;
import io.hubroute.sink.RoutedMessage;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;

/** Functions for sink ITCases: numbered deliveries, a slow pass-through, a map that fails once. */
public final class TestDeliveries {
    private TestDeliveries() {}

    /**
     * Number {@code i} becomes a delivery with message id {@code m-i} from device {@code device-(i
     * % 7)}.
     */
    public static final class ToDelivery implements MapFunction<Long, RoutedMessage> {
        private final String endpointName;

        public ToDelivery(String endpointName) {
            this.endpointName = endpointName;
        }

        @Override
        public RoutedMessage map(Long i) {
            Message message =
                    Message.builder(RoutingSource.DEVICE_MESSAGES)
                            .systemProperties(
                                    MessageProperties.of(
                                            "messageId",
                                            "m-" + i,
                                            "connectionDeviceId",
                                            "device-" + (i % 7)))
                            .appProperties(MessageProperties.of("sequence", Long.toString(i)))
                            .body("{\"i\":" + i + "}")
                            .build();
            return new RoutedMessage(
                    endpointName, message, (int) (i % 4), System.currentTimeMillis());
        }
    }

    /** Passes numbers through, a little slowly, so a job lasts long enough for an outage. */
    public static final class Slowly implements MapFunction<Long, Long> {
        private final long sleepMillis;

        public Slowly(long sleepMillis) {
            this.sleepMillis = sleepMillis;
        }

        @Override
        public Long map(Long value) throws Exception {
            Thread.sleep(sleepMillis);
            return value;
        }
    }

    /**
     * Throws once per {@link #reset}, after a checkpoint completed and a subtask passed {@code
     * failAfter} records; sleeps 2 ms per record so checkpoints happen mid-stream. Past {@code
     * failAfter} and until a checkpoint completes, each record takes 50 ms: on a loaded machine the
     * first checkpoint may be slow, and the stream must not end before the planned failure (the map
     * cannot simply wait for the checkpoint, since its barrier queues behind the records).
     */
    public static final class FailOnceAfterCheckpoint extends RichMapFunction<Long, Long>
            implements CheckpointListener {
        public static final AtomicBoolean FAILED = new AtomicBoolean();
        private static final AtomicBoolean CHECKPOINTED = new AtomicBoolean();
        private static volatile int failAfter;
        private int seen;

        /**
         * Arms the failure: once, after {@code failAfter} records of one subtask and a checkpoint.
         */
        public static void reset(int failAfterRecords) {
            FAILED.set(false);
            CHECKPOINTED.set(false);
            failAfter = failAfterRecords;
        }

        @Override
        public Long map(Long value) throws Exception {
            seen++;
            Thread.sleep(seen >= failAfter && !CHECKPOINTED.get() && !FAILED.get() ? 50 : 2);
            if (seen >= failAfter && CHECKPOINTED.get() && FAILED.compareAndSet(false, true)) {
                throw new IllegalStateException("failing once on purpose, after record " + value);
            }
            return value;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            CHECKPOINTED.set(true);
        }
    }
}
