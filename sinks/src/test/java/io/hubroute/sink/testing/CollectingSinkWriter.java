package io.hubroute.sink.testing;

import io.hubroute.message.Message;
import io.hubroute.sink.DeadLetters;
import io.hubroute.sink.RoutedMessage;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.connector.sink2.SinkWriter;

/** A dead-letter writer for writer tests: keeps what it is given, in order. */
public final class CollectingSinkWriter implements SinkWriter<RoutedMessage> {
    public final List<RoutedMessage> written = new ArrayList<>();

    @Override
    public void write(RoutedMessage element, Context context) {
        written.add(element);
    }

    @Override
    public void flush(boolean endOfInput) {}

    @Override
    public void close() {}

    /** Each diverted message as {@code <messageId> <attempts> <reason>}, in order. */
    public List<String> diverted() {
        List<String> lines = new ArrayList<>(written.size());
        for (RoutedMessage delivery : written) {
            Message message = delivery.message();
            lines.add(
                    message.messageId().orElse("?")
                            + " "
                            + message.appProperties().get(DeadLetters.ATTEMPTS_PROPERTY)
                            + " "
                            + message.appProperties().get(DeadLetters.REASON_PROPERTY));
        }
        return lines;
    }
}
