package io.hubroute.message;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes the JSON form of messages used by {@code test-route} and the route-test harness:
 * {@code {"systemProperties": {...}, "appProperties": {...}, "body": "text" | "bodyBase64":
 * "..."}}, property values strings or null, and twins as {@code {"tags": {...}, "properties":
 * {"desired": {...}, "reported": {...}}}}.
 */
public final class MessageJson {

    private MessageJson() {}

    /**
     * A message from its JSON object; throws {@link IllegalArgumentException} naming what is wrong.
     */
    public static Message parseMessage(JsonNode node, RoutingSource source) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return Message.builder(source).build();
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException(
                    "\"message\" must be a JSON object, got "
                            + node.getNodeType().name().toLowerCase());
        }
        Message.Builder builder =
                Message.builder(source)
                        .systemProperties(
                                properties(node.get("systemProperties"), "systemProperties"))
                        .appProperties(properties(node.get("appProperties"), "appProperties"));
        JsonNode body = node.get("body");
        JsonNode base64 = node.get("bodyBase64");
        if (body != null && !body.isNull() && base64 != null && !base64.isNull()) {
            throw new IllegalArgumentException("give either \"body\" or \"bodyBase64\", not both");
        }
        if (body != null && !body.isNull()) {
            builder.body(body.isTextual() ? body.textValue() : body.toString());
        } else if (base64 != null && !base64.isNull()) {
            if (!base64.isTextual()) {
                throw new IllegalArgumentException("\"bodyBase64\" must be a string");
            }
            try {
                builder.body(Base64.getDecoder().decode(base64.textValue().trim()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "\"bodyBase64\" is not valid base64: " + e.getMessage());
            }
        }
        return builder.build();
    }

    private static MessageProperties properties(JsonNode node, String field) {
        if (node == null || node.isNull()) {
            return MessageProperties.empty();
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException(
                    "\"" + field + "\" must be a JSON object of names to string values");
        }
        List<MessageProperties.Property> entries = new ArrayList<>(node.size());
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> entry = fields.next();
            JsonNode value = entry.getValue();
            String text =
                    value.isNull()
                            ? null
                            : value.isTextual() ? value.textValue() : value.toString();
            entries.add(new MessageProperties.Property(entry.getKey(), text));
        }
        return MessageProperties.of(entries);
    }

    /** A twin from its JSON object, or null for JSON null / absent. */
    public static Twin parseTwin(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException(
                    "\"twin\" must be a JSON object like {\"tags\": {...}, \"properties\": {\"desired\": {...}, \"reported\": {...}}}");
        }
        return Twin.of(node);
    }
}
