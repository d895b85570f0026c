package io.hubroute.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompletionCommandTest {
    @Test
    void printsABashScriptThatNamesEveryCommand() {
        CommandTestSupport.Run run = CommandTestSupport.run("completion");

        assertThat(run.exitCode()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out())
                .startsWith("#!/usr/bin/env bash")
                .contains("complete -F _complete_hubroute")
                .contains(
                        "run",
                        "submit",
                        "test-route",
                        "test-all",
                        "test",
                        "validate",
                        "import-arm",
                        "bench",
                        "completion",
                        "help")
                .contains("--condition", "--resolve-secrets", "--jobmanager", "--junit-xml")
                .contains("DeviceLifecycleEvents");
    }

    /** Bash itself completes with the script: commands, then a command's options. */
    @Test
    void bashCompletesCommandsAndOptions(@TempDir Path directory)
            throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "needs /bin/bash");
        Path script = directory.resolve("hubroute.bash");
        Files.writeString(script, CommandTestSupport.run("completion").out());

        assertThat(complete(script, "bin/hubroute", "test-")).isEqualTo("test-route test-all");
        assertThat(complete(script, "bin/hubroute", "validate", "--res"))
                .isEqualTo("--resolve-secrets");
    }

    /** What the script's completion function offers for the last word. */
    private static String complete(Path script, String... words)
            throws IOException, InterruptedException {
        String shell =
                "source \"$1\"; shift; COMP_WORDS=(\"$@\"); COMP_CWORD=$(($# - 1));"
                        + " COMP_LINE=\"$*\"; COMP_POINT=${#COMP_LINE};"
                        + " _complete_hubroute; echo \"${COMPREPLY[*]}\"";
        List<String> command = new ArrayList<>(List.of("/bin/bash", "-c", shell, "bash"));
        command.add(script.toString());
        command.addAll(List.of(words));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    }
}
