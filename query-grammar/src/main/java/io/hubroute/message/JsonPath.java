package io.hubroute.message;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A path into a JSON document as the query language writes it (spec §10): names separated by dots,
 * each optionally followed by zero-based indexes, such as {@code Weather.History[0].Month}. Names
 * are case-sensitive. Immutable.
 */
public final class JsonPath {
    private final String text;
    private final List<Step> steps;
    private final int hash;

    /** One step: a member name, or an array index when {@code name} is null. */
    public record Step(String name, long index) {
        public boolean isIndex() {
            return name == null;
        }

        static Step member(String name) {
            return new Step(Objects.requireNonNull(name), -1);
        }

        static Step index(long index) {
            return new Step(null, index);
        }
    }

    private JsonPath(String text, List<Step> steps) {
        this.text = text;
        this.steps = steps;
        this.hash = steps.hashCode();
    }

    /**
     * Parses a path, or returns null when it does not fully match the path grammar: an empty path
     * or segment, {@code []}, a non-digit index, text after {@code ]}, an all-digit name, or a
     * character that is not a name character.
     */
    public static JsonPath parseOrNull(String text) {
        List<Step> steps = new ArrayList<>();
        int length = text.length();
        int position = 0;
        if (length == 0) {
            return null;
        }
        while (true) {
            int nameStart = position;
            boolean allDigits = true;
            while (position < length) {
                char c = text.charAt(position);
                if (c == '.' || c == '[' || c == ']' || !isNameChar(c)) {
                    break;
                }
                if (c < '0' || c > '9') {
                    allDigits = false;
                }
                position++;
            }
            if (position == nameStart || allDigits) {
                return null;
            }
            steps.add(Step.member(text.substring(nameStart, position)));
            while (position < length && text.charAt(position) == '[') {
                int digitsStart = ++position;
                long index = 0;
                while (position < length
                        && text.charAt(position) >= '0'
                        && text.charAt(position) <= '9') {
                    index =
                            index > Integer.MAX_VALUE
                                    ? index
                                    : index * 10 + (text.charAt(position) - '0');
                    position++;
                }
                if (position == digitsStart || position >= length || text.charAt(position) != ']') {
                    return null;
                }
                position++;
                steps.add(Step.index(index));
            }
            if (position == length) {
                return new JsonPath(text, List.copyOf(steps));
            }
            if (text.charAt(position) != '.') {
                return null;
            }
            position++;
        }
    }

    /**
     * Name characters of the language: everything but whitespace and {@code ( ) < > @ , ; : \ " / [
     * ] ? = { }}.
     */
    public static boolean isNameChar(int c) {
        switch (c) {
            case ' ',
            '\t',
            '\r',
            '\n',
            '(',
            ')',
            '<',
            '>',
            '@',
            ',',
            ';',
            ':',
            '\\',
            '"',
            '/',
            '[',
            ']',
            '?',
            '=',
            '{',
            '}':
                return false;
            default:
                return true;
        }
    }

    /** The path as written. */
    public String text() {
        return text;
    }

    public List<Step> steps() {
        return steps;
    }

    /** Whether any step is an array index. */
    public boolean hasIndexes() {
        for (Step step : steps) {
            if (step.isIndex()) {
                return true;
            }
        }
        return false;
    }

    /** The path without its first {@code count} steps; the text is rebuilt. */
    public JsonPath drop(int count) {
        List<Step> rest = steps.subList(count, steps.size());
        StringBuilder rebuilt = new StringBuilder();
        for (Step step : rest) {
            if (step.isIndex()) {
                rebuilt.append('[').append(step.index()).append(']');
            } else {
                if (rebuilt.length() > 0) {
                    rebuilt.append('.');
                }
                rebuilt.append(step.name());
            }
        }
        return new JsonPath(rebuilt.toString(), List.copyOf(rest));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof JsonPath && ((JsonPath) other).steps.equals(steps);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return text;
    }
}
