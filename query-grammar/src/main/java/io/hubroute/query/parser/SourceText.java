package io.hubroute.query.parser;

import io.hubroute.query.CompileError;
import io.hubroute.query.SourcePosition;
import io.hubroute.query.SourceRange;

/**
 * Condition text with positions by code-point index (ANTLR's token indexes): lines end at LF and
 * columns count code points, both 1-based (spec §14).
 */
public final class SourceText {
    private final int[] lines;
    private final int[] columns;
    private final int length;

    public SourceText(String text) {
        this.length = text.codePointCount(0, text.length());
        this.lines = new int[length + 2];
        this.columns = new int[length + 2];
        int line = 1;
        int column = 1;
        int index = 0;
        for (int offset = 0; offset < text.length(); ) {
            int codePoint = text.codePointAt(offset);
            lines[index] = line;
            columns[index] = column;
            if (codePoint == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
            offset += Character.charCount(codePoint);
            index++;
        }
        lines[length] = line;
        columns[length] = column;
        lines[length + 1] = line;
        columns[length + 1] = column + 1;
    }

    /** The number of code points. */
    public int length() {
        return length;
    }

    public SourcePosition position(int index) {
        int clamped = Math.max(0, Math.min(index, length + 1));
        return new SourcePosition(lines[clamped], columns[clamped]);
    }

    /** The range of code points {@code [start, endExclusive)}; an empty range is widened to one. */
    public SourceRange range(int start, int endExclusive) {
        return new SourceRange(position(start), position(Math.max(endExclusive, start + 1)));
    }

    /** The range at end of input: just past the last character, one wide. */
    public SourceRange endOfInput() {
        return range(length, length + 1);
    }

    /** An error whose message gets the {@code at line L:C} suffix of its start. */
    public static CompileError error(String message, SourceRange range) {
        return new CompileError(
                message + " at line " + range.start().line() + ":" + range.start().column(),
                CompileError.Severity.ERROR,
                range);
    }
}
