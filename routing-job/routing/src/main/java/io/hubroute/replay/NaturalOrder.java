package io.hubroute.replay;

/**
 * Orders text with numbers by their value: {@code part-2/offset-9} before {@code part-2/offset-10},
 * so "the first" undecodable records are the first a reader met. A total order: texts equal by
 * value ({@code 007} and {@code 7}) fall back to plain string order.
 */
final class NaturalOrder {
    private NaturalOrder() {}

    static int compare(String left, String right) {
        int i = 0;
        int j = 0;
        while (i < left.length() && j < right.length()) {
            char a = left.charAt(i);
            char b = right.charAt(j);
            if (isDigit(a) && isDigit(b)) {
                int leftEnd = digitsEnd(left, i);
                int rightEnd = digitsEnd(right, j);
                int leftStart = skipZeros(left, i, leftEnd);
                int rightStart = skipZeros(right, j, rightEnd);
                int byLength = Integer.compare(leftEnd - leftStart, rightEnd - rightStart);
                if (byLength != 0) {
                    return byLength;
                }
                for (int k = 0; k < leftEnd - leftStart; k++) {
                    int byDigit =
                            Character.compare(
                                    left.charAt(leftStart + k), right.charAt(rightStart + k));
                    if (byDigit != 0) {
                        return byDigit;
                    }
                }
                i = leftEnd;
                j = rightEnd;
            } else {
                if (a != b) {
                    return Character.compare(a, b);
                }
                i++;
                j++;
            }
        }
        int byRest = Integer.compare(left.length() - i, right.length() - j);
        return byRest != 0 ? byRest : left.compareTo(right);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static int digitsEnd(String text, int start) {
        int end = start;
        while (end < text.length() && isDigit(text.charAt(end))) {
            end++;
        }
        return end;
    }

    private static int skipZeros(String text, int start, int end) {
        int first = start;
        while (first < end - 1 && text.charAt(first) == '0') {
            first++;
        }
        return first;
    }
}
