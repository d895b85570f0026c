package io.hubroute.sink.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubroute.message.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.connector.sink2.SinkWriter;

/** An undeliverable sink's writer for writer tests: keeps the lines it is given, in order. */
public final class CollectingStringWriter implements SinkWriter<String> {
    public final List<String> written = new ArrayList<>();

    @Override
    public void write(String element, Context context) {
        written.add(element);
    }

    @Override
    public void flush(boolean endOfInput) {}

    @Override
    public void close() {}

    /** Each line parsed. */
    public List<JsonNode> lines() {
        List<JsonNode> lines = new ArrayList<>(written.size());
        for (String line : written) {
            try {
                lines.add(Json.MAPPER.readTree(line));
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + line, e);
            }
        }
        return lines;
    }

    /** Each line as {@code <messageId> <attempts> <reason>}, in order. */
    public List<String> diverted() {
        List<String> diverted = new ArrayList<>(written.size());
        for (JsonNode line : lines()) {
            diverted.add(
                    line.path("messageId").asText()
                            + " "
                            + line.path("attempts").asInt()
                            + " "
                            + line.path("reason").asText());
        }
        return diverted;
    }
}
