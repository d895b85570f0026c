package io.hubroute.message;

import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * IoT Hub's system properties and the other spellings they arrive under (spec §5). Each row is one
 * property: its queryable name first, then the accepted aliases, in the order that decides which
 * wins when a message carries several.
 */
public final class SystemPropertyNames {
    public static final String MESSAGE_ID = "messageId";
    public static final String USER_ID = "userId";
    public static final String TO = "to";
    public static final String CORRELATION_ID = "correlationId";
    public static final String CONTENT_TYPE = "contentType";
    public static final String CONTENT_ENCODING = "contentEncoding";
    public static final String CONNECTION_DEVICE_ID = "connectionDeviceId";
    public static final String CONNECTION_MODULE_ID = "connectionModuleId";
    public static final String CONNECTION_DEVICE_GENERATION_ID = "connectionDeviceGenerationId";
    public static final String CONNECTION_AUTH_METHOD = "connectionAuthMethod";
    public static final String ENQUEUED_TIME = "enqueuedTime";
    public static final String CREATION_TIME_UTC = "creation-time-utc";
    public static final String DT_DATASCHEMA = "dt-dataschema";
    public static final String DT_SUBJECT = "dt-subject";

    private static final List<List<String>> ROWS =
            List.of(
                    List.of(MESSAGE_ID, "message-id"),
                    List.of(USER_ID, "user-id"),
                    List.of(TO),
                    List.of(CORRELATION_ID, "correlation-id", "cid"),
                    List.of(CONTENT_TYPE, "content-type", "iothub-content-type"),
                    List.of(CONTENT_ENCODING, "content-encoding", "iothub-content-encoding"),
                    List.of(CONNECTION_DEVICE_ID, "iothub-connection-device-id"),
                    List.of(CONNECTION_MODULE_ID, "iothub-connection-module-id"),
                    List.of(
                            CONNECTION_DEVICE_GENERATION_ID,
                            "iothub-connection-auth-generation-id"),
                    List.of(CONNECTION_AUTH_METHOD, "iothub-connection-auth-method"),
                    List.of(ENQUEUED_TIME, "iothub-enqueuedtime"),
                    List.of(
                            CREATION_TIME_UTC,
                            "iothub-creation-time-utc",
                            "iothub-app-iothub-creation-time-utc",
                            "creationTime"),
                    List.of(DT_DATASCHEMA, "modelId"),
                    List.of(DT_SUBJECT, "componentName"));

    private static final Map<String, List<String>> FOLDED_ROW_BY_FOLDED_SPELLING = new HashMap<>();

    /** Row number × {@link #RANKS} + the spelling's rank in its row, by folded spelling. */
    private static final Map<String, Integer> POSITION_BY_FOLDED_SPELLING = new HashMap<>();

    /** The row number of each row's folded spellings list, by identity. */
    private static final Map<List<String>, Integer> ROW_BY_FOLDED_ROW = new IdentityHashMap<>();

    /** More than any row's spellings. */
    static final int RANKS = 8;

    /** Positions of names as they arrive (any case), so that each is folded only once. */
    private static final Map<String, Integer> POSITION_BY_NAME = new ConcurrentHashMap<>();

    /** Names kept in {@link #POSITION_BY_NAME} at most: a flood of odd names cannot grow it. */
    private static final int NAMES_KEPT = 4096;

    private static final Integer NOT_A_ROW = -1;

    static {
        for (int number = 0; number < ROWS.size(); number++) {
            List<String> row = ROWS.get(number);
            List<String> folded = row.stream().map(CaseInsensitiveNames::fold).toList();
            ROW_BY_FOLDED_ROW.put(folded, number);
            for (int rank = 0; rank < folded.size(); rank++) {
                String spelling = folded.get(rank);
                FOLDED_ROW_BY_FOLDED_SPELLING.put(spelling, folded);
                POSITION_BY_FOLDED_SPELLING.put(spelling, number * RANKS + rank);
            }
        }
    }

    /** The number of rows: system properties with their aliases. */
    static int rowCount() {
        return ROWS.size();
    }

    /**
     * Where a property name (any spelling, any case) sits: row × {@link #RANKS} + rank, or -1 when
     * it is in no row.
     */
    static int position(String name) {
        Integer known = POSITION_BY_NAME.get(name);
        if (known != null) {
            return known;
        }
        Integer position = POSITION_BY_FOLDED_SPELLING.get(CaseInsensitiveNames.fold(name));
        int result = position == null ? NOT_A_ROW : position;
        if (POSITION_BY_NAME.size() < NAMES_KEPT) {
            POSITION_BY_NAME.put(name, result);
        }
        return result;
    }

    /** The row of a list {@link #foldedSpellings} returned, or -1 for a name in no row. */
    static int rowOf(List<String> foldedSpellings) {
        Integer row = ROW_BY_FOLDED_ROW.get(foldedSpellings);
        return row == null ? -1 : row;
    }

    /** Every spelling as written in the rows, and its lookup: a constant name costs no folding. */
    private static final Map<String, Lookup> LOOKUP_BY_SPELLING = new HashMap<>();

    static {
        for (List<String> row : ROWS) {
            for (String spelling : row) {
                LOOKUP_BY_SPELLING.put(spelling, lookupOf(spelling));
            }
        }
    }

    /**
     * How to find a system property written as some name: the folded spellings to try, in order,
     * and whether its values are the enqueued time.
     */
    public record Lookup(List<String> foldedSpellings, boolean enqueuedTime) {}

    private SystemPropertyNames() {}

    /** {@link #foldedSpellings} and {@link #isEnqueuedTime} of a name, in one. */
    public static Lookup lookup(String name) {
        Lookup known = LOOKUP_BY_SPELLING.get(name);
        return known != null ? known : lookupOf(name);
    }

    private static Lookup lookupOf(String name) {
        return new Lookup(foldedSpellings(name), isEnqueuedTime(name));
    }

    /**
     * The folded spellings to try, in order, for a system property written as {@code name}: the
     * whole alias row when {@code name} is in one, else just {@code name}.
     */
    public static List<String> foldedSpellings(String name) {
        String folded = CaseInsensitiveNames.fold(name);
        List<String> row = FOLDED_ROW_BY_FOLDED_SPELLING.get(folded);
        return row != null ? row : List.of(folded);
    }

    /**
     * The queryable (storage) name of a spelling, such as {@code connectionDeviceId} for {@code
     * iothub-connection-device-id}; the name itself when it is in no row.
     */
    public static String canonicalName(String name) {
        // by the position, which is kept per spelling as it arrives: no folding per call
        int position = position(name);
        return position < 0 ? name : ROWS.get(position / RANKS).get(0);
    }

    /**
     * Whether the name is the enqueued time under any spelling (its epoch-millisecond values render
     * as ISO-8601).
     */
    public static boolean isEnqueuedTime(String name) {
        return ENQUEUED_TIME.equals(canonicalName(name));
    }
}
