package io.hubroute.query;

import java.util.Objects;

/** A range of condition text: {@code start} is the first character, {@code end} is exclusive. */
public record SourceRange(SourcePosition start, SourcePosition end) {
    public SourceRange {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
    }

    @Override
    public String toString() {
        return start + "-" + end;
    }
}
