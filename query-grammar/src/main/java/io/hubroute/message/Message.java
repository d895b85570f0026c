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

    /** The system property under any of its spellings, or empty when missing or null. */
    public Optional<String> systemProperty(String name) {
        Object value =
                findSystemProperty(
                        SystemPropertyNames.foldedSpellings(name),
                        SystemPropertyNames.isEnqueuedTime(name));
        return value instanceof String ? Optional.of((String) value) : Optional.empty();
    }

    public Optional<String> deviceId() {
        return systemProperty(SystemPropertyNames.CONNECTION_DEVICE_ID);
    }

    public Optional<String> moduleId() {
        return systemProperty(SystemPropertyNames.CONNECTION_MODULE_ID);
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
