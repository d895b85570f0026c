package io.hubroute.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hubroute savepoint} and {@code replay --twins-from-savepoint} on what is not a savepoint,
 * and their usage errors (real savepoints: SavepointToolsITCase in the checkpoints module and
 * SavepointE2ECase).
 */
class SavepointCommandTest {
    @TempDir Path work;

    @Test
    void aFolderWithoutMetadataIsNotASavepoint() throws Exception {
        Path empty = Files.createDirectories(work.resolve("empty"));

        CommandTestSupport.Run inspect =
                CommandTestSupport.run("savepoint", "inspect", empty.toString());
        assertThat(inspect.exitCode()).isEqualTo(1);
        assertThat(inspect.out()).isEmpty();
        assertThat(inspect.err())
                .isEqualTo(
                        "hubroute savepoint inspect: "
                                + empty
                                + " is not a savepoint: no _metadata file (a savepoint directory"
                                + " holds one)\n");

        Path output = work.resolve("twins.jsonl");
        CommandTestSupport.Run export =
                CommandTestSupport.run(
                        "savepoint",
                        "export-twins",
                        empty.toString(),
                        "--output",
                        output.toString());
        assertThat(export.exitCode()).isEqualTo(1);
        assertThat(export.err())
                .startsWith("hubroute savepoint export-twins: " + empty + " is not a savepoint");
        assertThat(output).doesNotExist();
    }

    @Test
    void usageErrorsExitWithTwo() {
        CommandTestSupport.Run noOutput =
                CommandTestSupport.run("savepoint", "export-twins", work.toString());
        assertThat(noOutput.exitCode()).isEqualTo(2);
        assertThat(noOutput.err()).contains("--output");

        CommandTestSupport.Run noPath = CommandTestSupport.run("savepoint", "inspect");
        assertThat(noPath.exitCode()).isEqualTo(2);
        assertThat(noPath.err()).contains("PATH");

        CommandTestSupport.Run noSubcommand = CommandTestSupport.run("savepoint");
        assertThat(noSubcommand.exitCode()).isEqualTo(2);
        assertThat(noSubcommand.err()).contains("inspect").contains("export-twins");
    }

    @Test
    void replayTakesTwinsFromAFileOrFromASavepointNotBoth() throws Exception {
        Path twins = Files.writeString(work.resolve("twins.jsonl"), "");
        CommandTestSupport.Run both =
                CommandTestSupport.run(
                        "replay",
                        "--routes",
                        "routes.yaml",
                        "--blobs",
                        work.toString(),
                        "--twins",
                        twins.toString(),
                        "--twins-from-savepoint",
                        work.toString());
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err())
                .isEqualTo(
                        "hubroute replay: --twins and --twins-from-savepoint both give the twins at"
                                + " the start: keep one (hubroute replay --help lists every"
                                + " option)\n");
    }
}
