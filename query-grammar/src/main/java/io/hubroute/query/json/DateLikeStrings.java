package io.hubroute.query.json;

/**
 * The strings IoT Hub treats as dates, whose JSON values are therefore undefined in queries (spec
 * §10): ISO-8601 date-times {@code YYYY-MM-DDThh:mm:ss[.f{1,7}][Z|z|±hh|±hhmm|±hh:mm]} that name a
 * real date, and {@code /Date(ticks[±hhmm])/}.
 */
public final class DateLikeStrings {
    private DateLikeStrings() {}

    public static boolean isDateLike(String text) {
        int length = text.length();
        if (length >= 19 && text.charAt(4) == '-') {
            return isIsoDateTime(text, length);
        }
        if (length >= 9 && text.startsWith("/Date(")) {
            return isMicrosoftDate(text, length);
        }
        return false;
    }

    private static boolean isIsoDateTime(String s, int length) {
        if (!digits(s, 0, 4)
                || s.charAt(4) != '-'
                || !digits(s, 5, 2)
                || s.charAt(7) != '-'
                || !digits(s, 8, 2)
                || s.charAt(10) != 'T'
                || !digits(s, 11, 2)
                || s.charAt(13) != ':'
                || !digits(s, 14, 2)
                || s.charAt(16) != ':'
                || !digits(s, 17, 2)) {
            return false;
        }
        int year = number(s, 0, 4);
        int month = number(s, 5, 2);
        int day = number(s, 8, 2);
        int hour = number(s, 11, 2);
        int minute = number(s, 14, 2);
        int second = number(s, 17, 2);
        if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
            return false;
        }
        boolean midnightEnd = hour == 24 && minute == 0 && second == 0;
        if ((hour > 23 && !midnightEnd) || minute > 59 || second > 59) {
            return false;
        }
        int position = 19;
        if (position < length && s.charAt(position) == '.') {
            int fractionStart = ++position;
            while (position < length && isDigit(s.charAt(position))) {
                position++;
            }
            int fractionDigits = position - fractionStart;
            if (fractionDigits < 1 || fractionDigits > 7 || midnightEnd) {
                return false;
            }
        }
        return isZone(s, position, length);
    }

    private static boolean isZone(String s, int position, int length) {
        if (position == length) {
            return true;
        }
        char c = s.charAt(position);
        if (c == 'Z' || c == 'z') {
            return position + 1 == length;
        }
        if (c != '+' && c != '-') {
            return false;
        }
        int rest = length - position - 1;
        int start = position + 1;
        if (rest == 2) {
            return digits(s, start, 2);
        }
        if (rest == 4) {
            return digits(s, start, 4);
        }
        if (rest == 5) {
            return digits(s, start, 2) && s.charAt(start + 2) == ':' && digits(s, start + 3, 2);
        }
        return false;
    }

    private static boolean isMicrosoftDate(String s, int length) {
        if (!s.endsWith(")/")) {
            return false;
        }
        int position = 6;
        int end = length - 2;
        if (position < end && (s.charAt(position) == '-' || s.charAt(position) == '+')) {
            position++;
        }
        int digitsStart = position;
        while (position < end && isDigit(s.charAt(position))) {
            position++;
        }
        if (position == digitsStart) {
            return false;
        }
        if (position == end) {
            return true;
        }
        char sign = s.charAt(position);
        return (sign == '+' || sign == '-')
                && end - position - 1 == 4
                && digits(s, position + 1, 4);
    }

    private static int daysInMonth(int year, int month) {
        switch (month) {
            case 2:
                boolean leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
                return leap ? 29 : 28;
            case 4, 6, 9, 11:
                return 30;
            default:
                return 31;
        }
    }

    private static boolean digits(String s, int start, int count) {
        if (start + count > s.length()) {
            return false;
        }
        for (int i = start; i < start + count; i++) {
            if (!isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static int number(String s, int start, int count) {
        int value = 0;
        for (int i = start; i < start + count; i++) {
            value = value * 10 + (s.charAt(i) - '0');
        }
        return value;
    }
}
