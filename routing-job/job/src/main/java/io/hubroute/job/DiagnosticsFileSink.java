package io.hubroute.job;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Appends each string as a line to {@code DIR/part-<subtask>.jsonl}; flushed on checkpoints. For
 * diagnostics.
 */
public final class DiagnosticsFileSink implements Sink<String> {
    private static final long serialVersionUID = 1L;
    private final String directory;
    private final String filePrefix;

    public DiagnosticsFileSink(Path directory) {
        this(directory, "part-");
    }

    /**
     * @param filePrefix the start of each subtask's file name: distinct per operator, since two
     *     operators' subtasks of the same index run in one process
     */
    public DiagnosticsFileSink(Path directory, String filePrefix) {
        this.directory = directory.toAbsolutePath().toString();
        this.filePrefix = filePrefix;
    }

    @Override
    public SinkWriter<String> createWriter(WriterInitContext context) throws IOException {
        Path dir = Paths.get(directory);
        Files.createDirectories(dir);
        BufferedWriter writer =
                Files.newBufferedWriter(
                        dir.resolve(
                                filePrefix
                                        + context.getTaskInfo().getIndexOfThisSubtask()
                                        + ".jsonl"),
                        StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
        return new SinkWriter<>() {
            @Override
            public void write(String element, Context context) throws IOException {
                writer.write(element);
                writer.newLine();
            }

            @Override
            public void flush(boolean endOfInput) throws IOException {
                writer.flush();
            }

            @Override
            public void close() throws IOException {
                writer.close();
            }
        };
    }
}
