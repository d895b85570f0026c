package io.hubroute.demo;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.hubroute.message.Message;
import io.hubroute.message.MessageProperties;
import io.hubroute.sink.RoutedMessage;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * The demo's storage endpoint without Azure: each delivery appended as one JSON line, in IoT Hub's
 * blob JSON shape ({@code EnqueuedTimeUtc}, {@code Properties}, {@code SystemProperties}, {@code
 * Body}), to {@code DIR/<partition>/<yyyy>/<MM>/<dd>/<HH>/<mm>-<subtask>.json}. Flushed on every
 * checkpoint and at the end: at-least-once. For the demo only; real storage endpoints use {@code
 * BlobStorageSink}.
 */
public final class LocalFolderSink implements Sink<RoutedMessage> {
    private static final long serialVersionUID = 1L;
    private final String directory;

    public LocalFolderSink(Path directory) {
        this.directory = directory.toAbsolutePath().toString();
    }

    @Override
    public SinkWriter<RoutedMessage> createWriter(WriterInitContext context) {
        return new Writer(Paths.get(directory), context.getTaskInfo().getIndexOfThisSubtask());
    }

    @Override
    public String toString() {
        return "LocalFolderSink{" + directory + "}";
    }

    private static final class Writer implements SinkWriter<RoutedMessage> {
        private static final JsonFactory JSON = new JsonFactory();
        private final Path directory;
        private final int subtask;
        private final Map<String, OutputStream> open = new HashMap<>();

        Writer(Path directory, int subtask) {
            this.directory = directory;
            this.subtask = subtask;
        }

        @Override
        public void write(RoutedMessage element, Context context) throws IOException {
            Instant time = Instant.ofEpochMilli(element.enqueuedTimeMillis());
            String text = time.toString();
            String relative =
                    element.partition()
                            + "/"
                            + text.substring(0, 4)
                            + "/"
                            + text.substring(5, 7)
                            + "/"
                            + text.substring(8, 10)
                            + "/"
                            + text.substring(11, 13)
                            + "/"
                            + text.substring(14, 16)
                            + "-"
                            + subtask
                            + ".json";
            OutputStream out = open.get(relative);
            if (out == null) {
                if (open.size() > 16) {
                    closeAll();
                }
                Path file = directory.resolve(relative);
                Files.createDirectories(file.getParent());
                out =
                        new BufferedOutputStream(
                                Files.newOutputStream(
                                        file,
                                        StandardOpenOption.CREATE,
                                        StandardOpenOption.APPEND));
                open.put(relative, out);
            }
            out.write(toJsonLine(element.message(), text).getBytes(StandardCharsets.UTF_8));
        }

        static String toJsonLine(Message message, String enqueuedTimeUtc) throws IOException {
            StringWriter text = new StringWriter();
            try (JsonGenerator json = JSON.createGenerator(text)) {
                json.writeStartObject();
                json.writeStringField("EnqueuedTimeUtc", enqueuedTimeUtc);
                writeProperties(json, "Properties", message.appProperties());
                writeProperties(json, "SystemProperties", message.systemProperties());
                json.writeStringField("Body", new String(message.body(), StandardCharsets.UTF_8));
                json.writeEndObject();
            }
            return text.append('\n').toString();
        }

        private static void writeProperties(
                JsonGenerator json, String name, MessageProperties properties) throws IOException {
            json.writeObjectFieldStart(name);
            for (Map.Entry<String, String> entry : properties.toMap().entrySet()) {
                if (entry.getValue() == null) {
                    json.writeNullField(entry.getKey());
                } else {
                    json.writeStringField(entry.getKey(), entry.getValue());
                }
            }
            json.writeEndObject();
        }

        @Override
        public void flush(boolean endOfInput) throws IOException {
            for (OutputStream out : open.values()) {
                out.flush();
            }
        }

        private void closeAll() throws IOException {
            for (OutputStream out : open.values()) {
                out.close();
            }
            open.clear();
        }

        @Override
        public void close() throws IOException {
            closeAll();
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof LocalFolderSink
                && ((LocalFolderSink) other).directory.equals(directory);
    }

    @Override
    public int hashCode() {
        return Objects.hash(directory);
    }
}
