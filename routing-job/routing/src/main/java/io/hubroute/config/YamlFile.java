package io.hubroute.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubroute.query.SourcePosition;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.events.AliasEvent;
import org.snakeyaml.engine.v2.events.CollectionEndEvent;
import org.snakeyaml.engine.v2.events.CollectionStartEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.NodeEvent;
import org.snakeyaml.engine.v2.events.ScalarEvent;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * A YAML file read as positioned nodes, and the problems found in it. Every read helper records a
 * {@link ConfigProblem} at the offending node and returns null, so a caller reports every problem
 * of a file in one pass.
 */
public final class YamlFile {
    /** Deeper than any configuration needs; deep enough nesting would overflow the stack. */
    static final int MAX_DEPTH = 64;

    /**
     * Values that aliases may add to a document once expanded (an alias bomb adds billions); a
     * document without aliases has no limit.
     */
    static final long MAX_ALIASED_VALUES = 1_000_000;

    private final String fileName;
    private final int[][] lines;
    private final Node root;
    private final List<ConfigProblem> problems = new ArrayList<>();
    private boolean empty;

    /** A file that could not be read as text: no document, one problem. */
    private YamlFile(String fileName, ConfigProblem problem) {
        this.fileName = fileName;
        this.lines = new int[0][];
        this.root = null;
        problems.add(problem);
    }

    private YamlFile(String fileName, String text) {
        this.fileName = fileName;
        String[] rawLines = text.split("\n", -1);
        this.lines = new int[rawLines.length][];
        for (int i = 0; i < rawLines.length; i++) {
            String line =
                    rawLines[i].endsWith("\r")
                            ? rawLines[i].substring(0, rawLines[i].length() - 1)
                            : rawLines[i];
            lines[i] = line.codePoints().toArray();
        }
        this.root = compose(text);
    }

    /**
     * Reads {@code text}; a YAML syntax error becomes the file's first problem and the root is
     * null.
     */
    public static YamlFile parse(String text, String fileName) {
        return new YamlFile(fileName, text);
    }

    /**
     * Reads a file as UTF-8. A missing or unreadable file, or bytes that are not UTF-8 (reported at
     * the line and column of the first bad byte), become the file's only problem, and the root is
     * null.
     */
    public static YamlFile read(Path file) {
        String fileName = file.toString();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return failed(fileName, 1, 1, "no such file", "check the path");
        } catch (IOException e) {
            return failed(
                    fileName,
                    1,
                    1,
                    "cannot read the file (" + e.getClass().getSimpleName() + ")",
                    "check the path and its permissions");
        }
        CharsetDecoder decoder =
                StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer input = ByteBuffer.wrap(bytes);
        CharBuffer output = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(input, output, true);
        if (!result.isError()) {
            return new YamlFile(fileName, output.flip().toString());
        }
        // the decoder stopped at the first bad byte: what came before places it
        output.flip();
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < output.length(); i++) {
            if (output.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        String lastLine = output.subSequence(lineStart, output.length()).toString();
        return failed(
                fileName,
                line,
                lastLine.codePointCount(0, lastLine.length()) + 1,
                String.format(
                        java.util.Locale.ROOT,
                        "not UTF-8: byte 0x%02X cannot start or continue a character",
                        bytes[input.position()] & 0xFF),
                "save the file as UTF-8");
    }

    private static YamlFile failed(
            String fileName, int line, int column, String message, String fix) {
        return new YamlFile(fileName, new ConfigProblem(fileName, line, column, message, fix));
    }

    private Node compose(String text) {
        LoadSettings settings =
                LoadSettings.builder().setLabel(fileName).setSchema(new CoreSchema()).build();
        try {
            if (!withinLimits(text, settings)) {
                return null;
            }
            Node node = new Compose(settings).composeString(text).orElse(null);
            if (node == null) {
                empty = true;
                problems.add(
                        new ConfigProblem(
                                fileName, 1, 1, "the file is empty", "write the YAML document"));
            }
            return node;
        } catch (MarkedYamlEngineException e) {
            Mark mark = e.getProblemMark().or(e::getContextMark).orElse(null);
            problems.add(
                    new ConfigProblem(
                            fileName,
                            mark == null ? 1 : mark.getLine() + 1,
                            mark == null ? 1 : mark.getColumn() + 1,
                            "invalid YAML: "
                                    + (e.getProblem() != null ? e.getProblem() : e.getContext()),
                            "fix the YAML syntax at this position"));
            return null;
        } catch (YamlEngineException e) {
            problems.add(
                    new ConfigProblem(
                            fileName,
                            1,
                            1,
                            "invalid YAML: " + e.getMessage(),
                            "fix the YAML syntax"));
            return null;
        }
    }

    /**
     * Walks the document's events (iteratively: no recursion) and refuses, at the offending
     * position, nesting deeper than {@link #MAX_DEPTH} and aliases that expand to more than {@link
     * #MAX_ALIASED_VALUES} values more: composing or walking such a document would overflow the
     * stack or exhaust memory.
     */
    private boolean withinLimits(String text, LoadSettings settings) {
        Map<String, Long> expandedSizeOfAnchor = new HashMap<>();
        Deque<Long> expandedAtStart = new ArrayDeque<>(); // of each open collection
        Deque<String> openAnchors = new ArrayDeque<>();
        long literal = 0; // values written in the file
        long expanded = 0; // values once every alias is replaced by what it names
        for (Event event : new Parse(settings).parseString(text)) {
            if (event instanceof CollectionStartEvent) {
                if (expandedAtStart.size() >= MAX_DEPTH) {
                    problem(
                            event,
                            "nested more than " + MAX_DEPTH + " levels deep",
                            "flatten the document: configuration never needs this depth");
                    return false;
                }
                expandedAtStart.push(expanded);
                openAnchors.push(((NodeEvent) event).getAnchor().map(Object::toString).orElse(""));
                literal++;
                expanded++;
            } else if (event instanceof CollectionEndEvent) {
                long start = expandedAtStart.pop();
                String anchor = openAnchors.pop();
                if (!anchor.isEmpty()) {
                    expandedSizeOfAnchor.put(anchor, expanded - start);
                }
            } else if (event instanceof ScalarEvent) {
                ((ScalarEvent) event)
                        .getAnchor()
                        .ifPresent(anchor -> expandedSizeOfAnchor.put(anchor.toString(), 1L));
                literal++;
                expanded++;
            } else if (event instanceof AliasEvent) {
                expanded +=
                        expandedSizeOfAnchor.getOrDefault(
                                ((AliasEvent) event).getAlias().toString(), 1L);
                if (expanded - literal > MAX_ALIASED_VALUES) {
                    problem(
                            event,
                            "aliases expand the document by more than "
                                    + MAX_ALIASED_VALUES
                                    + " values (each alias repeats all it names)",
                            "write the values out, or nest fewer aliases");
                    return false;
                }
            }
        }
        return true;
    }

    private void problem(Event event, String message, String fix) {
        Mark mark = event.getStartMark().orElse(null);
        problem(
                mark == null ? 1 : mark.getLine() + 1,
                mark == null ? 1 : mark.getColumn() + 1,
                message,
                fix);
    }

    public String fileName() {
        return fileName;
    }

    /** The document's root node, or null when the file is empty or not YAML. */
    public Node root() {
        return root;
    }

    /** Every problem recorded so far, in file order. */
    public List<ConfigProblem> problems() {
        List<ConfigProblem> sorted = new ArrayList<>(problems);
        sorted.sort(
                Comparator.comparingInt(ConfigProblem::line)
                        .thenComparingInt(ConfigProblem::column));
        return sorted;
    }

    /** Whether the file holds no document (empty, or comments only); one problem says so. */
    public boolean isEmpty() {
        return empty;
    }

    public boolean hasProblems() {
        return !problems.isEmpty();
    }

    /** Records a problem at the node's start. */
    public void problem(Node node, String message, String fix) {
        Mark mark = node.getStartMark().orElse(null);
        problems.add(
                new ConfigProblem(
                        fileName,
                        mark == null ? 1 : mark.getLine() + 1,
                        mark == null ? 1 : mark.getColumn() + 1,
                        message,
                        fix));
    }

    /** Records a problem at a known position. */
    public void problem(int line, int column, String message, String fix) {
        problems.add(new ConfigProblem(fileName, line, column, message, fix));
    }

    /**
     * The mapping's entries by key, after checking that keys are scalars, unique and known.
     *
     * @param knownKeys the keys allowed, or null for any key
     */
    public Map<String, NodeTuple> mapping(Node node, String what, Set<String> knownKeys) {
        if (!(node instanceof MappingNode)) {
            problem(node, what + " must be a mapping", "write " + what + " as `key: value` lines");
            return null;
        }
        Map<String, NodeTuple> entries = new LinkedHashMap<>();
        for (NodeTuple tuple : ((MappingNode) node).getValue()) {
            if (!(tuple.getKeyNode() instanceof ScalarNode)) {
                problem(
                        tuple.getKeyNode(),
                        "a key of " + what + " is not a plain name",
                        "use a plain name as the key");
                continue;
            }
            String key = ((ScalarNode) tuple.getKeyNode()).getValue();
            if (knownKeys != null && !knownKeys.contains(key)) {
                problem(
                        tuple.getKeyNode(),
                        "unknown key '" + key + "' in " + what,
                        "use one of: " + String.join(", ", knownKeys));
                continue;
            }
            if (entries.containsKey(key)) {
                problem(
                        tuple.getKeyNode(),
                        "duplicate key '" + key + "' in " + what,
                        "keep one '" + key + "'");
                continue;
            }
            entries.put(key, tuple);
        }
        return entries;
    }

    /** The items of a sequence; an explicit null counts as an empty one. */
    public List<Node> sequence(Node node, String what) {
        if (isNull(node)) {
            return List.of();
        }
        if (!(node instanceof SequenceNode)) {
            problem(
                    node,
                    what + " must be a list",
                    "write " + what + " as a list: `[a, b]` or `- a` lines");
            return null;
        }
        return ((SequenceNode) node).getValue();
    }

    /** A scalar's text (any scalar type: numbers and booleans give their text). */
    public String string(Node node, String what) {
        if (!(node instanceof ScalarNode) || isNull(node)) {
            problem(node, what + " must be a string", "write a single value");
            return null;
        }
        return ((ScalarNode) node).getValue();
    }

    public Boolean bool(Node node, String what) {
        if (node instanceof ScalarNode && Tag.BOOL.equals(node.getTag())) {
            return Boolean.parseBoolean(
                    ((ScalarNode) node).getValue().toLowerCase(java.util.Locale.ROOT));
        }
        problem(node, what + " must be true or false", "write true or false");
        return null;
    }

    public Long integer(Node node, String what) {
        if (node instanceof ScalarNode && Tag.INT.equals(node.getTag())) {
            try {
                return Long.parseLong(((ScalarNode) node).getValue());
            } catch (NumberFormatException e) {
                // falls through: too large, or octal/hex notation
            }
        }
        problem(node, what + " must be a whole number", "write a decimal integer");
        return null;
    }

    public static boolean isNull(Node node) {
        return node instanceof ScalarNode && Tag.NULL.equals(node.getTag());
    }

    /** The node as JSON: plain scalars by their YAML type, quoted ones as strings. */
    public static JsonNode toJson(Node node) {
        JsonNodeFactory factory = JsonNodeFactory.instance;
        if (node instanceof MappingNode) {
            ObjectNode object = factory.objectNode();
            for (NodeTuple tuple : ((MappingNode) node).getValue()) {
                String key =
                        tuple.getKeyNode() instanceof ScalarNode
                                ? ((ScalarNode) tuple.getKeyNode()).getValue()
                                : tuple.getKeyNode().toString();
                object.set(key, toJson(tuple.getValueNode()));
            }
            return object;
        }
        if (node instanceof SequenceNode) {
            ArrayNode array = factory.arrayNode();
            for (Node item : ((SequenceNode) node).getValue()) {
                array.add(toJson(item));
            }
            return array;
        }
        ScalarNode scalar = (ScalarNode) node;
        String text = scalar.getValue();
        Tag tag = scalar.getTag();
        if (Tag.NULL.equals(tag)) {
            return factory.nullNode();
        }
        if (Tag.BOOL.equals(tag)) {
            return factory.booleanNode(
                    Boolean.parseBoolean(text.toLowerCase(java.util.Locale.ROOT)));
        }
        if (Tag.INT.equals(tag)) {
            try {
                return factory.numberNode(
                        new BigInteger(text.startsWith("+") ? text.substring(1) : text));
            } catch (NumberFormatException e) {
                return factory.textNode(text);
            }
        }
        if (Tag.FLOAT.equals(tag)) {
            try {
                return factory.numberNode(Double.parseDouble(text));
            } catch (NumberFormatException e) {
                return factory.textNode(text);
            }
        }
        return factory.textNode(text);
    }

    /**
     * Where a position inside a scalar's value lies in the file. Exact for plain, single- and
     * double-quoted scalars on one line (quotes, {@code ''} and backslash escapes are accounted
     * for) and for literal blocks ({@code |}); for values folded over several lines (plain, quoted
     * or {@code >}), each folded line break is taken as one character, which is exact unless a line
     * has trailing spaces or the value holds empty lines.
     */
    public SourcePosition positionIn(ScalarNode node, SourcePosition inValue) {
        Mark start = node.getStartMark().orElse(null);
        if (start == null) {
            return inValue;
        }
        int target = offsetOf(node.getValue(), inValue);
        ScalarStyle style = node.getScalarStyle();
        boolean block = style == ScalarStyle.LITERAL || style == ScalarStyle.FOLDED;
        boolean singleQuoted = style == ScalarStyle.SINGLE_QUOTED;
        boolean doubleQuoted =
                style == ScalarStyle.DOUBLE_QUOTED || style == ScalarStyle.JSON_SCALAR_STYLE;
        int line = start.getLine();
        int column = start.getColumn();
        int indent = 0;
        if (block) {
            line++;
            indent = blockIndent(line);
            column = line < lines.length ? Math.min(indent, lines[line].length) : 0;
        } else if (singleQuoted || doubleQuoted) {
            column++;
        }
        int consumed = 0;
        while (consumed < target && line < lines.length) {
            int[] raw = lines[line];
            if (column >= raw.length) {
                if (line + 1 >= lines.length) {
                    break;
                }
                line++;
                column =
                        block
                                ? Math.min(indent, lines[line].length)
                                : leadingWhitespace(lines[line]);
                consumed++;
                continue;
            }
            int character = raw[column];
            if (singleQuoted
                    && character == '\''
                    && column + 1 < raw.length
                    && raw[column + 1] == '\'') {
                column += 2;
            } else if (doubleQuoted && character == '\\') {
                if (column + 1 >= raw.length) {
                    // an escaped line break joins the lines without a character
                    if (line + 1 >= lines.length) {
                        break;
                    }
                    line++;
                    column = leadingWhitespace(lines[line]);
                    continue;
                }
                int escape = raw[column + 1];
                column += escape == 'x' ? 4 : escape == 'u' ? 6 : escape == 'U' ? 10 : 2;
            } else {
                column++;
            }
            consumed++;
        }
        return new SourcePosition(line + 1, column + 1);
    }

    private int blockIndent(int firstContentLine) {
        for (int i = firstContentLine; i < lines.length; i++) {
            int spaces = leadingWhitespace(lines[i]);
            if (spaces < lines[i].length) {
                return spaces;
            }
        }
        return 0;
    }

    private static int leadingWhitespace(int[] line) {
        int i = 0;
        while (i < line.length && (line[i] == ' ' || line[i] == '\t')) {
            i++;
        }
        return i;
    }

    /** The code-point offset of a 1-based line:column in {@code value}, clamped to its length. */
    private static int offsetOf(String value, SourcePosition position) {
        int[] codePoints = value.codePoints().toArray();
        int line = 1;
        int offset = 0;
        while (offset < codePoints.length && line < position.line()) {
            if (codePoints[offset] == '\n') {
                line++;
            }
            offset++;
        }
        return Math.min(offset + position.column() - 1, codePoints.length);
    }
}
