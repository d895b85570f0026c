package io.hubroute.message;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A device-to-cloud message as the router sees it: application properties, system properties, body
 * bytes and the routing source. Immutable; the body array is shared, not copied, and must not be
 * modified.
 *
 * <pre>{@code
 * Message message = Message.builder(RoutingSource.DEVICE_MESSAGES)
 *     .systemProperties(MessageProperties.of("contentType", "application/json", "contentEncoding", "utf-8"))
 *     .appProperties(MessageProperties.of("level", "critical"))
 *     .body("{\"temperature\": 31.5}")
 *     .build();
 * }</pre>
 */
public final class Message {
    private static final byte[] NO_BODY = new byte[0];
    private static final DateTimeFormatter ISO_SEVEN_DIGITS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSS'Z'")
                    .withZone(ZoneOffset.UTC);

    private final RoutingSource source;
    private final MessageProperties appProperties;
    private final MessageProperties systemProperties;
    private final byte[] body;

    /**
     * The device and module ids, read once: every operator on the way asks (keying, twins, sinks).
     * Racy single-check caching of immutable strings; {@link #ABSENT} when the message has none.
     */
    private String deviceId;

    private String moduleId;

    /** See {@link #systemRows()}. */
    private SystemRows systemRows;

    /** A final field publishes the filled array safely to any thread that sees the holder. */
    private static final class SystemRows {
        final Object[] values;

        SystemRows(Object[] values) {
            this.values = values;
        }
    }

    private static final String ABSENT = new String("<absent>");

    private Message(
            RoutingSource source,
            MessageProperties appProperties,
            MessageProperties systemProperties,
            byte[] body) {
        this.source = Objects.requireNonNull(source, "source");
        this.appProperties = Objects.requireNonNull(appProperties, "appProperties");
        this.systemProperties = Objects.requireNonNull(systemProperties, "systemProperties");
        this.body = Objects.requireNonNull(body, "body");
    }

    public static Builder builder(RoutingSource source) {
        return new Builder(source);
    }

    public RoutingSource source() {
        return source;
    }

    public MessageProperties appProperties() {
        return appProperties;
    }

    public MessageProperties systemProperties() {
        return systemProperties;
    }

    /** The body bytes, shared: do not modify. */
    public byte[] body() {
        return body;
    }

    /** This message with other application properties (enrichment). */
    public Message withAppProperties(MessageProperties properties) {
        return new Message(source, properties, systemProperties, body);
    }

    /**
     * The system property written as {@code name} (any alias of §5, in any case): the value string,
     * {@link MessageProperties#NULL_VALUE} or {@link MessageProperties#MISSING}. An enqueued time
     * given in epoch milliseconds is rendered as ISO-8601 UTC with seven fraction digits.
     */
    public Object findSystemProperty(List<String> foldedSpellings, boolean enqueuedTime) {
        int row = SystemPropertyNames.rowOf(foldedSpellings);
        if (row >= 0) {
            Object value = systemRows()[row];
            if (value == null) {
                return MessageProperties.MISSING;
            }
            return enqueuedTime && value instanceof String
                    ? renderEnqueuedTime((String) value)
                    : value;
        }
        for (int i = 0; i < foldedSpellings.size(); i++) {
            Object value = systemProperties.find(foldedSpellings.get(i));
            if (value != MessageProperties.MISSING) {
                return enqueuedTime && value instanceof String
                        ? renderEnqueuedTime((String) value)
                        : value;
            }
        }
        return MessageProperties.MISSING;
    }

    /**
     * The value of each system property row (null: none), as {@link #findSystemProperty} would find
     * it by scanning: the earliest spelling of the row wins, and of one spelling the last entry.
     * Made on first use with one pass over the properties; every later lookup is an array read.
     */
    private Object[] systemRows() {
        SystemRows known = systemRows;
        if (known != null) {
            return known.values;
        }
        Object[] rows = new Object[SystemPropertyNames.rowCount()];
        int[] ranks = new int[rows.length];
        for (MessageProperties.Property property : systemProperties.entries()) {
            int position = SystemPropertyNames.position(property.name());
            if (position < 0) {
                continue;
            }
            int row = position / SystemPropertyNames.RANKS;
            int rank = position % SystemPropertyNames.RANKS;
            if (rows[row] == null || rank <= ranks[row]) {
                rows[row] =
                        property.value() == null ? MessageProperties.NULL_VALUE : property.value();
                ranks[row] = rank;
            }
        }
        systemRows = new SystemRows(rows);
        return rows;
    }

    /** The system property under any of its spellings, or empty when missing or null. */
    public Optional<String> systemProperty(String name) {
        SystemPropertyNames.Lookup lookup = SystemPropertyNames.lookup(name);
        Object value = findSystemProperty(lookup.foldedSpellings(), lookup.enqueuedTime());
        return value instanceof String ? Optional.of((String) value) : Optional.empty();
    }

    public Optional<String> deviceId() {
        String id = deviceId;
        if (id == null) {
            id = systemProperty(SystemPropertyNames.CONNECTION_DEVICE_ID).orElse(ABSENT);
            deviceId = id;
        }
        return id == ABSENT ? Optional.empty() : Optional.of(id);
    }

    public Optional<String> moduleId() {
        String id = moduleId;
        if (id == null) {
            id = systemProperty(SystemPropertyNames.CONNECTION_MODULE_ID).orElse(ABSENT);
            moduleId = id;
        }
        return id == ABSENT ? Optional.empty() : Optional.of(id);
    }

    public Optional<String> messageId() {
        return systemProperty(SystemPropertyNames.MESSAGE_ID);
    }

    /** The enqueued time, when it is present and parses as ISO-8601 or epoch milliseconds. */
    public Optional<Instant> enqueuedTime() {
        Optional<String> text = systemProperty(SystemPropertyNames.ENQUEUED_TIME);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(text.get()));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    static String renderEnqueuedTime(String value) {
        if (value.isEmpty() || value.length() > 18) {
            return value;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return value;
            }
        }
        return ISO_SEVEN_DIGITS.format(Instant.ofEpochMilli(Long.parseLong(value)));
    }

    @Override
    public String toString() {
        return "Message{source="
                + source
                + ", appProperties="
                + appProperties
                + ", systemProperties="
                + systemProperties
                + ", body="
                + body.length
                + " bytes}";
    }

    /** Builds a {@link Message}; properties default to empty and the body to no bytes. */
    public static final class Builder {
        private final RoutingSource source;
        private MessageProperties appProperties = MessageProperties.empty();
        private MessageProperties systemProperties = MessageProperties.empty();
        private byte[] body = NO_BODY;

        private Builder(RoutingSource source) {
            this.source = Objects.requireNonNull(source, "source");
        }

        public Builder appProperties(MessageProperties properties) {
            this.appProperties = Objects.requireNonNull(properties, "appProperties");
            return this;
        }

        public Builder systemProperties(MessageProperties properties) {
            this.systemProperties = Objects.requireNonNull(properties, "systemProperties");
            return this;
        }

        /** The body bytes; the array is kept, not copied. */
        public Builder body(byte[] bytes) {
            this.body = Objects.requireNonNull(bytes, "body");
            return this;
        }

        /** The body as UTF-8 text. */
        public Builder body(String text) {
            this.body = Objects.requireNonNull(text, "body").getBytes(StandardCharsets.UTF_8);
            return this;
        }

        public Message build() {
            return new Message(source, appProperties, systemProperties, body);
        }
    }
}
