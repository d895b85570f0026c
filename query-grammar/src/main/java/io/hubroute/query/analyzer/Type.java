package io.hubroute.query.analyzer;

import java.util.Locale;

/** Static types (spec §4). {@link #ERROR} marks a subexpression that already has an error. */
public enum Type {
    NUMBER,
    STRING,
    BOOL,
    NULL,
    UNDEFINED,
    JSON,
    ERROR;

    /** The name used in messages: {@code number}, {@code string}, ... */
    public String displayName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether json may meet this type in a comparison or {@code ??} (spec §4, §7, §9). */
    boolean mixesWithJson() {
        return this == JSON || this == NUMBER || this == STRING || this == BOOL || this == NULL;
    }
}
