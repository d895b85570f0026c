package io.hubroute.sink.blob.internal;

import com.azure.storage.blob.BlobUrlParts;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A parsed {@code fileNameFormat}: literal text and IoT Hub's tokens. Token values are escaped so
 * that no value can add a path segment or climb out of one: only {@code A-Z a-z 0-9 - _} pass as
 * they are, every other byte of a value is written as {@code %XX}.
 */
public final class BlobNameFormat {
    private static final List<String> TOKENS =
            List.of("{iothub}", "{partition}", "{YYYY}", "{MM}", "{DD}", "{HH}", "{mm}");
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private final List<Object> parts;

    private enum Token {
        IOTHUB,
        PARTITION,
        YEAR,
        MONTH,
        DAY,
        HOUR,
        MINUTE
    }

    private BlobNameFormat(List<Object> parts) {
        this.parts = parts;
    }

    /**
     * Parses a format.
     *
     * @throws IllegalArgumentException naming the problem and the fix
     */
    public static BlobNameFormat parse(String format) {
        List<Object> parts = new ArrayList<>();
        Set<String> missing = new TreeSet<>(TOKENS);
        StringBuilder literal = new StringBuilder();
        int position = 0;
        while (position < format.length()) {
            char c = format.charAt(position);
            if (c == '{') {
                int end = format.indexOf('}', position);
                String token =
                        end < 0 ? format.substring(position) : format.substring(position, end + 1);
                int index = TOKENS.indexOf(token);
                if (index < 0) {
                    throw new IllegalArgumentException(
                            "fileNameFormat '"
                                    + format
                                    + "' has an unknown token '"
                                    + token
                                    + "' at column "
                                    + (position + 1)
                                    + ": use "
                                    + String.join(", ", TOKENS));
                }
                if (literal.length() > 0) {
                    parts.add(literal.toString());
                    literal.setLength(0);
                }
                parts.add(Token.values()[index]);
                missing.remove(token);
                position = end + 1;
            } else {
                if (c == '}' || c == '\\' || c < 0x20) {
                    throw new IllegalArgumentException(
                            "fileNameFormat '"
                                    + format
                                    + "' has a character not allowed in blob names at column "
                                    + (position + 1));
                }
                literal.append(c);
                position++;
            }
        }
        if (literal.length() > 0) {
            parts.add(literal.toString());
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(
                    "fileNameFormat '"
                            + format
                            + "' lacks "
                            + String.join(", ", missing)
                            + ": as on IoT Hub, every token must appear (in any order)");
        }
        if (format.startsWith("/") || format.contains("//")) {
            throw new IllegalArgumentException(
                    "fileNameFormat '"
                            + format
                            + "' has an empty path segment: remove the leading or doubled '/'");
        }
        for (String segment : format.split("/", -1)) {
            if (segment.equals(".") || segment.equals("..") || segment.isEmpty()) {
                throw new IllegalArgumentException(
                        "fileNameFormat '"
                                + format
                                + "' has a '"
                                + segment
                                + "' path segment: remove it");
            }
        }
        return new BlobNameFormat(List.copyOf(parts));
    }

    /**
     * The base blob name for a partition and the minute (epoch minutes, UTC) of the enqueued time.
     */
    public String resolve(String hubName, int partition, long epochMinute) {
        LocalDateTime time = LocalDateTime.ofEpochSecond(epochMinute * 60, 0, ZoneOffset.UTC);
        StringBuilder name = new StringBuilder(64);
        for (Object part : parts) {
            if (part instanceof String) {
                name.append((String) part);
                continue;
            }
            switch ((Token) part) {
                case IOTHUB:
                    appendEscaped(name, hubName);
                    break;
                case PARTITION:
                    name.append(partition);
                    break;
                case YEAR:
                    appendPadded(name, time.getYear(), 4);
                    break;
                case MONTH:
                    appendPadded(name, time.getMonthValue(), 2);
                    break;
                case DAY:
                    appendPadded(name, time.getDayOfMonth(), 2);
                    break;
                case HOUR:
                    appendPadded(name, time.getHour(), 2);
                    break;
                default:
                    appendPadded(name, time.getMinute(), 2);
                    break;
            }
        }
        return name.toString();
    }

    /**
     * The name of the {@code sequence}-th blob a subtask writes under one base name: the base name
     * itself for subtask 0's first, else {@code base_<subtask>_<sequence>}, so subtasks never
     * collide.
     */
    public static String blobName(String baseName, int subtask, int sequence) {
        if (subtask == 0 && sequence == 0) {
            return baseName;
        }
        return baseName + "_" + subtask + "_" + sequence;
    }

    /** The container a SAS URL names, or null when it is an account URL. */
    public static String containerOfUrl(String url) {
        try {
            String container = BlobUrlParts.parse(url).getBlobContainerName();
            return container == null || container.isEmpty() ? null : container;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "not a valid blob service URL: check the SAS URL's scheme and host");
        }
    }

    static void appendEscaped(StringBuilder target, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        for (byte b : bytes) {
            int c = b & 0xff;
            boolean plain =
                    (c >= 'a' && c <= 'z')
                            || (c >= 'A' && c <= 'Z')
                            || (c >= '0' && c <= '9')
                            || c == '-'
                            || c == '_';
            if (plain) {
                target.append((char) c);
            } else {
                target.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
            }
        }
    }

    private static void appendPadded(StringBuilder target, int value, int width) {
        String digits = Integer.toString(value);
        for (int i = digits.length(); i < width; i++) {
            target.append('0');
        }
        target.append(digits);
    }
}
