package io.hubroute.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Input made to hurt the reader (deep nesting, alias bombs, bytes that are not UTF-8) gets a
 * positioned problem and the command's "invalid file" exit code, never a stack trace or an
 * exhausted heap.
 */
class HostileInputTest {
    @TempDir Path directory;

    private static String aliasBomb() {
        StringBuilder bomb = new StringBuilder("a0: &a0 [");
        bomb.append("x, ".repeat(199)).append("x]\n");
        for (int i = 1; i <= 15; i++) {
            bomb.append("a").append(i).append(": &a").append(i).append(" [");
            bomb.append(("*a" + (i - 1) + ", ").repeat(9)).append("*a").append(i - 1).append("]\n");
        }
        return bomb.toString();
    }

    @Test
    void validateReportsDeepNestingWithItsPosition() throws IOException {
        Path routes =
                Files.writeString(
                        directory.resolve("routes.yaml"),
                        "hubName: h\nroutes: " + "[".repeat(2000) + "]".repeat(2000) + "\n");

        CommandTestSupport.Run run = CommandTestSupport.run("validate", routes.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains(routes + ":2:").contains("nested more than 64 levels deep");
    }

    @Test
    void validateReportsAByteThatIsNotUtf8WhereItIs() throws IOException {
        Path routes = directory.resolve("routes.yaml");
        byte[] text = "hubName: h\nroutes: []\n# x \n".getBytes(StandardCharsets.UTF_8);
        text[text.length - 2] = (byte) 0xFF;
        Files.write(routes, text);

        CommandTestSupport.Run run = CommandTestSupport.run("validate", routes.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out())
                .contains(routes + ":3:4: not UTF-8: byte 0xFF")
                .contains("fix: save the file as UTF-8");
    }

    @Test
    void testRefusesAnAliasBombInTheCasesFile() throws IOException {
        Path cases = Files.writeString(directory.resolve("tests.yaml"), aliasBomb());

        CommandTestSupport.Run run = CommandTestSupport.run("test", cases.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out() + run.err())
                .contains(cases + ":")
                .contains("aliases expand the document by more than 1000000 values");
    }
}
