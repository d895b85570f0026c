package io.hubroute.message;

/**
 * The one definition of "names are case-insensitive" used by properties and the query language: two
 * names are equal when they are equal under {@link String#CASE_INSENSITIVE_ORDER}, and {@link
 * #fold} maps equal names to the same key.
 */
public final class CaseInsensitiveNames {
    private CaseInsensitiveNames() {}

    /** A key that is equal for exactly the names that differ only in case. */
    public static String fold(String name) {
        int length = name.length();
        for (int i = 0; i < length; i++) {
            char c = name.charAt(i);
            if (foldChar(c) != c) {
                return foldFrom(name, i);
            }
        }
        return name;
    }

    /**
     * Whether {@code name} folds to {@code folded} (a {@link #fold}ed name), without building the
     * folded string.
     */
    public static boolean matchesFolded(String name, String folded) {
        int length = name.length();
        if (length != folded.length()) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = name.charAt(i);
            char f = folded.charAt(i);
            if (c != f && foldChar(c) != f) {
                return false;
            }
        }
        return true;
    }

    private static String foldFrom(String name, int start) {
        char[] chars = name.toCharArray();
        for (int i = start; i < chars.length; i++) {
            chars[i] = foldChar(chars[i]);
        }
        return new String(chars);
    }

    private static char foldChar(char c) {
        if (c < 0x80) {
            return (c >= 'A' && c <= 'Z') ? (char) (c + 32) : c;
        }
        return Character.toLowerCase(Character.toUpperCase(c));
    }
}
