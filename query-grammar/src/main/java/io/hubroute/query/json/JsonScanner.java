package io.hubroute.query.json;

import java.nio.charset.StandardCharsets;

/**
 * One strict RFC 8259 pass over UTF-8 bytes that materialises only what a {@link PathExtractor}
 * trie asks for: member names at levels the trie descends into, and the values at its paths.
 * Everything else is validated byte by byte and skipped, without building strings, numbers or
 * trees. Malformed UTF-8 inside strings is not an error (decoded text gets U+FFFD), as in spec §10.
 * Limits follow Jackson's defaults, which the reference engine uses: nesting depth 1000, numbers of
 * at most 1000 characters.
 */
final class JsonScanner {
    /** The body is not strict JSON; the message says what and where. */
    static final class InvalidJsonException extends Exception {
        InvalidJsonException(String message) {
            super(message, null, false, false);
        }
    }

    private static final int MAX_DEPTH = 1000;
    private static final int MAX_NUMBER_LENGTH = 1000;

    private final byte[] bytes;
    private final int end;
    private int position;
    private int depth;

    JsonScanner(byte[] bytes, int offset) {
        this.bytes = bytes;
        this.end = bytes.length;
        this.position = offset;
    }

    /**
     * Scans a whole document whose top level must be an object. Returns false when it is not one.
     */
    boolean scanDocument(PathExtractor.Node root, Object[] values) throws InvalidJsonException {
        skipWhitespace();
        if (position >= end) {
            return false;
        }
        boolean isObject = bytes[position] == '{';
        value(isObject ? root : null, values);
        skipWhitespace();
        if (position != end) {
            throw error("unexpected content after the top-level value");
        }
        return isObject;
    }

    private InvalidJsonException error(String what) {
        return new InvalidJsonException(what + " at byte " + position);
    }

    private void skipWhitespace() {
        while (position < end) {
            byte b = bytes[position];
            if (b == ' ' || b == '\n' || b == '\r' || b == '\t') {
                position++;
            } else {
                return;
            }
        }
    }

    private void expect(char c) throws InvalidJsonException {
        skipWhitespace();
        if (position >= end || bytes[position] != c) {
            throw error(
                    position >= end
                            ? "unexpected end of input, expected '" + c + "'"
                            : "expected '" + c + "'");
        }
        position++;
    }

    /** Reads one value; when {@code node} has a slot, stores the value there. A null node skips. */
    private void value(PathExtractor.Node node, Object[] values) throws InvalidJsonException {
        skipWhitespace();
        if (position >= end) {
            throw error("unexpected end of input");
        }
        int slot = node == null ? -1 : node.slot;
        byte b = bytes[position];
        switch (b) {
            case '{':
                object(node, values);
                return;
            case '[':
                array(node, values);
                return;
            case '"':
                if (slot >= 0) {
                    values[slot] = JsonValues.fromString(readString());
                } else {
                    skipString();
                }
                return;
            case 't':
                literal("true");
                if (slot >= 0) {
                    values[slot] = Boolean.TRUE;
                }
                return;
            case 'f':
                literal("false");
                if (slot >= 0) {
                    values[slot] = Boolean.FALSE;
                }
                return;
            case 'n':
                literal("null");
                if (slot >= 0) {
                    values[slot] = JsonValues.NULL;
                }
                return;
            default:
                if (b == '-' || (b >= '0' && b <= '9')) {
                    int start = position;
                    number();
                    if (slot >= 0) {
                        values[slot] =
                                Double.parseDouble(
                                        new String(
                                                bytes,
                                                start,
                                                position - start,
                                                StandardCharsets.ISO_8859_1));
                    }
                    return;
                }
                throw error("unexpected character");
        }
    }

    private void object(PathExtractor.Node node, Object[] values) throws InvalidJsonException {
        if (++depth > MAX_DEPTH) {
            throw error("nesting deeper than " + MAX_DEPTH);
        }
        position++;
        if (node != null && node.slot >= 0) {
            values[node.slot] = JsonValues.UNDEFINED;
        }
        boolean namesMatter = node != null && node.members != null;
        skipWhitespace();
        if (position < end && bytes[position] == '}') {
            position++;
            depth--;
            return;
        }
        while (true) {
            skipWhitespace();
            if (position >= end || bytes[position] != '"') {
                throw error("expected a member name");
            }
            PathExtractor.Node child = null;
            if (namesMatter) {
                child = node.members.get(readString());
            } else {
                skipString();
            }
            expect(':');
            if (child != null) {
                child.reset(values);
            }
            value(child, values);
            skipWhitespace();
            if (position >= end) {
                throw error("unexpected end of input in an object");
            }
            byte separator = bytes[position++];
            if (separator == '}') {
                depth--;
                return;
            }
            if (separator != ',') {
                position--;
                throw error("expected ',' or '}'");
            }
        }
    }

    private void array(PathExtractor.Node node, Object[] values) throws InvalidJsonException {
        if (++depth > MAX_DEPTH) {
            throw error("nesting deeper than " + MAX_DEPTH);
        }
        position++;
        if (node != null && node.slot >= 0) {
            values[node.slot] = JsonValues.UNDEFINED;
        }
        boolean indexesMatter = node != null && node.indexes != null;
        skipWhitespace();
        if (position < end && bytes[position] == ']') {
            position++;
            depth--;
            return;
        }
        int index = 0;
        while (true) {
            value(indexesMatter ? node.indexes.get(index) : null, values);
            index++;
            skipWhitespace();
            if (position >= end) {
                throw error("unexpected end of input in an array");
            }
            byte separator = bytes[position++];
            if (separator == ']') {
                depth--;
                return;
            }
            if (separator != ',') {
                position--;
                throw error("expected ',' or ']'");
            }
        }
    }

    private void literal(String word) throws InvalidJsonException {
        int length = word.length();
        if (position + length > end) {
            throw error("unexpected end of input");
        }
        for (int i = 0; i < length; i++) {
            if (bytes[position + i] != word.charAt(i)) {
                throw error("unexpected character");
            }
        }
        position += length;
    }

    /** -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)? */
    private void number() throws InvalidJsonException {
        int start = position;
        if (bytes[position] == '-') {
            position++;
        }
        if (position >= end) {
            throw error("unexpected end of input in a number");
        }
        if (bytes[position] == '0') {
            position++;
            if (position < end && isDigit(bytes[position])) {
                throw error("leading zero in a number");
            }
        } else if (isDigit(bytes[position])) {
            while (position < end && isDigit(bytes[position])) {
                position++;
            }
        } else {
            throw error("expected a digit");
        }
        if (position < end && bytes[position] == '.') {
            position++;
            if (position >= end || !isDigit(bytes[position])) {
                throw error("expected a digit after '.'");
            }
            while (position < end && isDigit(bytes[position])) {
                position++;
            }
        }
        if (position < end && (bytes[position] == 'e' || bytes[position] == 'E')) {
            position++;
            if (position < end && (bytes[position] == '+' || bytes[position] == '-')) {
                position++;
            }
            if (position >= end || !isDigit(bytes[position])) {
                throw error("expected a digit in the exponent");
            }
            while (position < end && isDigit(bytes[position])) {
                position++;
            }
        }
        if (position - start > MAX_NUMBER_LENGTH) {
            throw error("number longer than " + MAX_NUMBER_LENGTH + " characters");
        }
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    /** Skips a string, checking escapes and control characters; returns whether it had escapes. */
    private boolean skipString() throws InvalidJsonException {
        position++;
        boolean escaped = false;
        while (position < end) {
            byte b = bytes[position];
            if (b == '"') {
                position++;
                return escaped;
            }
            if (b == '\\') {
                escaped = true;
                escape();
            } else if (b >= 0 && b < 0x20) {
                throw error("unescaped control character in a string");
            } else {
                position++;
            }
        }
        throw error("unterminated string");
    }

    private void escape() throws InvalidJsonException {
        if (position + 1 >= end) {
            throw error("unterminated string");
        }
        byte next = bytes[position + 1];
        switch (next) {
            case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
                position += 2;
                return;
            case 'u':
                if (position + 6 > end) {
                    throw error("unterminated \\u escape");
                }
                for (int i = position + 2; i < position + 6; i++) {
                    if (Character.digit(bytes[i], 16) < 0) {
                        throw error("invalid \\u escape");
                    }
                }
                position += 6;
                return;
            default:
                throw error("invalid escape");
        }
    }

    private String readString() throws InvalidJsonException {
        int start = position + 1;
        boolean escaped = skipString();
        int stop = position - 1;
        if (!escaped) {
            return new String(bytes, start, stop - start, StandardCharsets.UTF_8);
        }
        StringBuilder text = new StringBuilder(stop - start);
        int runStart = start;
        for (int i = start; i < stop; i++) {
            if (bytes[i] != '\\') {
                continue;
            }
            text.append(new String(bytes, runStart, i - runStart, StandardCharsets.UTF_8));
            byte next = bytes[i + 1];
            switch (next) {
                case 'b' -> text.append('\b');
                case 'f' -> text.append('\f');
                case 'n' -> text.append('\n');
                case 'r' -> text.append('\r');
                case 't' -> text.append('\t');
                case 'u' -> {
                    text.append(
                            (char)
                                    Integer.parseInt(
                                            new String(
                                                    bytes, i + 2, 4, StandardCharsets.ISO_8859_1),
                                            16));
                    i += 4;
                }
                default -> text.append((char) next);
            }
            i++;
            runStart = i + 1;
        }
        text.append(new String(bytes, runStart, stop - runStart, StandardCharsets.UTF_8));
        return text.toString();
    }
}
