package io.hubroute.query.parser;

/** Decoding of literal tokens (spec §2). */
final class Literals {
    private Literals() {}

    /**
     * The value of a string token, quotes removed and escapes applied; null when an escape is not
     * one of {@code \\ \' \" \}{@code uXXXX}. {@code badEscape[0]} receives the offending escape.
     */
    static String decodeString(String token, String[] badEscape) {
        String body = token.substring(1, token.length() - 1);
        if (body.indexOf('\\') < 0) {
            return body;
        }
        StringBuilder decoded = new StringBuilder(body.length());
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c != '\\') {
                decoded.append(c);
                continue;
            }
            char next = i + 1 < body.length() ? body.charAt(i + 1) : 0;
            if (next == '\\' || next == '\'' || next == '"') {
                decoded.append(next);
                i++;
            } else if (next == 'u' && i + 6 <= body.length() && isHex(body, i + 2, 4)) {
                decoded.append((char) Integer.parseInt(body.substring(i + 2, i + 6), 16));
                i += 5;
            } else {
                int end = Math.min(body.length(), i + (next == 'u' ? 6 : 2));
                badEscape[0] = body.substring(i, Math.max(end, i + 1));
                return null;
            }
        }
        return decoded.toString();
    }

    private static boolean isHex(String s, int start, int count) {
        for (int i = start; i < start + count; i++) {
            if (Character.digit(s.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * A decimal literal's value, or null (the undefined constant) when it has no mantissa digit.
     */
    static Double decimal(String token) {
        int exponent = indexOfExponent(token);
        String mantissa = exponent >= 0 ? token.substring(0, exponent) : token;
        boolean hasDigit = false;
        for (int i = 0; i < mantissa.length(); i++) {
            if (mantissa.charAt(i) >= '0' && mantissa.charAt(i) <= '9') {
                hasDigit = true;
                break;
            }
        }
        if (!hasDigit) {
            return null;
        }
        return Double.parseDouble(token);
    }

    private static int indexOfExponent(String token) {
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c == 'e' || c == 'E') {
                return i;
            }
        }
        return -1;
    }

    /**
     * A hex literal: leading zeros skipped, at most 16 digits read as a 64-bit two's complement
     * value; null (the undefined constant) for more digits.
     */
    static Double hex(String token) {
        String digits = token.substring(2);
        int start = 0;
        while (start < digits.length() - 1 && digits.charAt(start) == '0') {
            start++;
        }
        String significant = digits.substring(start);
        if (significant.length() > 16) {
            return null;
        }
        return (double) Long.parseUnsignedLong(significant, 16);
    }
}
