package io.hubroute.query;

/** The result of a route condition (spec §15): only {@link #TRUE} routes the message. */
public enum RouteResult {
    TRUE("true"),
    FALSE("false"),
    UNDEFINED("undefined");

    private final String text;

    RouteResult(String text) {
        this.text = text;
    }

    /** {@code true}, {@code false} or {@code undefined}, as IoT Hub's Test route API writes it. */
    public String text() {
        return text;
    }

    @Override
    public String toString() {
        return text;
    }
}
