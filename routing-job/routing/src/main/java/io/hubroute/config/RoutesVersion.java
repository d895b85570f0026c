package io.hubroute.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubroute.message.Json;
import java.io.IOException;
import java.time.Instant;
import java.util.Objects;

/**
 * One version of a routes file as {@code hubroute routes push} publishes it to the control topic
 * and the job keeps it in its broadcast state: a JSON object {@code {"version": 7, "fileName":
 * "routes.yaml", "routes": "<the file's text>", "publishedAt": "2026-12-01T10:00:00Z"}}. The text
 * holds secret references, never secrets: route conditions need none.
 *
 * @param version increasing: the job activates a version only when it is higher than its own
 */
public record RoutesVersion(long version, String fileName, String routes, Instant publishedAt) {
    public RoutesVersion {
        Objects.requireNonNull(fileName, "fileName");
        Objects.requireNonNull(routes, "routes");
        Objects.requireNonNull(publishedAt, "publishedAt");
        if (version < 1) {
            throw new IllegalArgumentException("version must be 1 or more, got " + version);
        }
    }

    public String toJson() {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("version", version);
        node.put("fileName", fileName);
        node.put("routes", routes);
        node.put("publishedAt", publishedAt.toString());
        return node.toString();
    }

    /**
     * Reads one control topic record.
     *
     * @throws IllegalArgumentException naming what is wrong with it
     */
    public static RoutesVersion fromJson(String json) {
        JsonNode node;
        try {
            node = Json.STRICT.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a route version (JSON): " + e.getMessage());
        }
        if (node == null
                || !node.path("version").canConvertToLong()
                || !node.path("routes").isTextual()) {
            throw new IllegalArgumentException(
                    "not a route version: needs a numeric \"version\" and the routes file's text"
                            + " as \"routes\" (publish with hubroute routes push)");
        }
        Instant published;
        try {
            published =
                    node.hasNonNull("publishedAt")
                            ? Instant.parse(node.get("publishedAt").asText())
                            : Instant.EPOCH;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "not a route version: publishedAt is not an ISO-8601 time");
        }
        return new RoutesVersion(
                node.get("version").asLong(),
                node.path("fileName").asText("routes.yaml"),
                node.get("routes").asText(),
                published);
    }
}
