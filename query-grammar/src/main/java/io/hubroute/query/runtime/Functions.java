package io.hubroute.query.runtime;

/**
 * Leaf rules of the builtins (spec §13) that both engines share: text to number, case mapping,
 * substring bounds and {@code power}. Undefined results are NaN (numbers) or null (strings).
 */
public final class Functions {
    private Functions() {}

    /**
     * {@code as_number} on text: trimmed of U+0009–U+000D and U+0020, then {@code Infinity}
     * (signed, any case) or a decimal with one sign (leading, trailing, or parentheses for
     * negative), {@code ,} separators in the integer part, a fraction and an exponent. NaN when the
     * text is anything else.
     */
    public static double parseNumber(String text) {
        int start = 0;
        int end = text.length();
        while (start < end && isTrimmed(text.charAt(start))) {
            start++;
        }
        while (end > start && isTrimmed(text.charAt(end - 1))) {
            end--;
        }
        if (start == end) {
            return Double.NaN;
        }
        boolean negative = false;
        char first = text.charAt(start);
        char last = text.charAt(end - 1);
        if (first == '(' && last == ')' && end - start >= 2) {
            negative = true;
            start++;
            end--;
        } else if (first == '+' || first == '-') {
            negative = first == '-';
            start++;
        } else if (last == '+' || last == '-') {
            negative = last == '-';
            end--;
        }
        if (start >= end) {
            return Double.NaN;
        }
        String body = text.substring(start, end);
        if (body.equalsIgnoreCase("infinity")) {
            return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        StringBuilder plain = new StringBuilder(body.length() + 1);
        if (negative) {
            plain.append('-');
        }
        int i = 0;
        int n = body.length();
        int digits = 0;
        while (i < n && (isDigit(body.charAt(i)) || (body.charAt(i) == ',' && digits > 0))) {
            if (body.charAt(i) != ',') {
                plain.append(body.charAt(i));
                digits++;
            }
            i++;
        }
        if (i < n && body.charAt(i) == '.') {
            plain.append('.');
            i++;
            while (i < n && isDigit(body.charAt(i))) {
                plain.append(body.charAt(i));
                digits++;
                i++;
            }
        }
        if (digits == 0) {
            return Double.NaN;
        }
        if (i < n && (body.charAt(i) == 'e' || body.charAt(i) == 'E')) {
            plain.append('e');
            i++;
            if (i < n && (body.charAt(i) == '+' || body.charAt(i) == '-')) {
                plain.append(body.charAt(i));
                i++;
            }
            int exponentDigits = 0;
            while (i < n && isDigit(body.charAt(i))) {
                plain.append(body.charAt(i));
                exponentDigits++;
                i++;
            }
            if (exponentDigits == 0) {
                return Double.NaN;
            }
        }
        if (i != n) {
            return Double.NaN;
        }
        if (plain.charAt(plain.length() - 1) == '.') {
            plain.append('0');
        }
        return Double.parseDouble(plain.toString());
    }

    private static boolean isTrimmed(char c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** Simple, locale-free lower-case mapping per code point that never changes the length. */
    public static String lower(String s) {
        return mapCase(s, false);
    }

    /** Simple, locale-free upper-case mapping per code point that never changes the length. */
    public static String upper(String s) {
        return mapCase(s, true);
    }

    private static String mapCase(String s, boolean upper) {
        StringBuilder mapped = null;
        for (int i = 0; i < s.length(); ) {
            int codePoint = s.codePointAt(i);
            int width = Character.charCount(codePoint);
            int target =
                    upper ? Character.toUpperCase(codePoint) : Character.toLowerCase(codePoint);
            if (target != codePoint && Character.charCount(target) == width) {
                if (mapped == null) {
                    mapped = new StringBuilder(s.length()).append(s, 0, i);
                }
                mapped.appendCodePoint(target);
            } else if (mapped != null) {
                mapped.appendCodePoint(codePoint);
            }
            i += width;
        }
        return mapped == null ? s : mapped.toString();
    }

    /** {@code substring(s, start)}: defined iff 0 ≤ start ≤ length; start truncated toward 0. */
    public static String substring(String s, double start) {
        if (!(start >= 0 && start <= s.length())) {
            return null;
        }
        return s.substring((int) start);
    }

    /**
     * {@code substring(s, start, length)}: defined iff 0 ≤ start < n and 0 ≤ length ≤ n − start,
     * tested before truncation toward 0.
     */
    public static String substring(String s, double start, double length) {
        int n = s.length();
        if (!(start >= 0 && start < n && length >= 0 && length <= n - start)) {
            return null;
        }
        int from = (int) start;
        return s.substring(from, from + (int) length);
    }

    /** IEEE pow, except pow(±1, ±∞) = 1; NaN means undefined. */
    public static double power(double x, double y) {
        if (Double.isInfinite(y) && Math.abs(x) == 1) {
            return 1;
        }
        return Math.pow(x, y);
    }

    /** sign: -1, 0 or 1. */
    public static double sign(double x) {
        return x > 0 ? 1 : x < 0 ? -1 : 0;
    }
}
