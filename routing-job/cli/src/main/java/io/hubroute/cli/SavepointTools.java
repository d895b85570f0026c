package io.hubroute.cli;

import io.hubroute.checkpoints.InvalidSavepointException;
import io.hubroute.checkpoints.SavepointInspector;
import io.hubroute.checkpoints.SavepointReport;
import io.hubroute.checkpoints.SavepointReportText;
import io.hubroute.checkpoints.TwinExporter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/** What {@code hubroute savepoint} does, on the checkpoints module's savepoint readers. */
final class SavepointTools {
    private SavepointTools() {}

    static int inspect(String path, boolean json, PrintStream out, PrintStream err)
            throws IOException {
        SavepointReport report;
        try {
            report = SavepointInspector.inspect(path);
        } catch (InvalidSavepointException e) {
            err.println("hubroute savepoint inspect: " + e.getMessage());
            return 1;
        }
        out.print(
                json ? SavepointReportText.json(report) + "\n" : SavepointReportText.table(report));
        return 0;
    }

    static int exportTwins(String path, Path output, PrintStream out, PrintStream err)
            throws IOException {
        Map<String, byte[]> twins;
        try {
            twins = TwinExporter.read(path);
        } catch (InvalidSavepointException e) {
            err.println("hubroute savepoint export-twins: " + e.getMessage());
            return 1;
        }
        // written beside the output and moved: a failure never leaves half a file behind
        Path target = output.toAbsolutePath();
        Files.createDirectories(target.getParent());
        Path partial = Files.createTempFile(target.getParent(), ".twins-", ".partial");
        try {
            try (Writer writer = Files.newBufferedWriter(partial, StandardCharsets.UTF_8)) {
                TwinExporter.write(twins, writer);
            }
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(partial);
        }
        long modules = twins.keySet().stream().filter(key -> key.indexOf('/') >= 0).count();
        out.println(
                "hubroute savepoint export-twins: "
                        + count(twins.size(), "twin")
                        + " ("
                        + count(twins.size() - modules, "device")
                        + ", "
                        + count(modules, "module")
                        + ") written to "
                        + output);
        return 0;
    }

    private static String count(long count, String noun) {
        return count + " " + noun + (count == 1 ? "" : "s");
    }
}
