package io.hubroute.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.Objects;

/** Where a command reads its input and writes its output: the process's own, or a test's. */
record Streams(InputStream in, PrintStream out, PrintStream err) {
    Streams {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(err, "err");
    }
}
