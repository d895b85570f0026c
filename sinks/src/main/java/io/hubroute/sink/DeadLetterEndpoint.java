package io.hubroute.sink;

import java.io.IOException;
import java.io.Serializable;
import java.util.Objects;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Where a sink with {@link FailurePolicy#DEAD_LETTER} sends the messages it gives up on: a named
 * endpoint and a Sink V2 whose writer delivers on {@code flush} (Service Bus, Event Hubs). The
 * diverting sink opens that writer inside its own and flushes it on every checkpoint, so dead
 * letters are delivered at least once.
 *
 * <pre>{@code
 * DeadLetterEndpoint deadLetters = DeadLetterEndpoint.of("deadletters", serviceBusSink);
 * }</pre>
 */
public final class DeadLetterEndpoint implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String endpointName;
    private final Sink<RoutedMessage> sink;

    private DeadLetterEndpoint(String endpointName, Sink<RoutedMessage> sink) {
        this.endpointName = endpointName;
        this.sink = sink;
    }

    /**
     * @throws IllegalArgumentException when the sink needs a committer: a diverting writer cannot
     *     run one; use a sink that delivers on flush
     */
    public static DeadLetterEndpoint of(String endpointName, Sink<RoutedMessage> sink) {
        Objects.requireNonNull(endpointName, "endpointName");
        Objects.requireNonNull(sink, "sink");
        if (endpointName.isBlank()) {
            throw new IllegalArgumentException("dead-letter endpoint name must not be blank");
        }
        if (sink instanceof SupportsCommitter) {
            throw new IllegalArgumentException(
                    "dead-letter endpoint '"
                            + endpointName
                            + "' uses a sink with a committer ("
                            + sink.getClass().getSimpleName()
                            + "): use one that delivers on flush, such as a Service Bus or Event Hubs sink");
        }
        return new DeadLetterEndpoint(endpointName, sink);
    }

    public String endpointName() {
        return endpointName;
    }

    /** Opens the dead-letter sink's writer in the diverting writer's context. */
    public SinkWriter<RoutedMessage> openWriter(WriterInitContext context) throws IOException {
        return sink.createWriter(context);
    }

    @Override
    public String toString() {
        return "DeadLetterEndpoint{" + endpointName + "}";
    }
}
