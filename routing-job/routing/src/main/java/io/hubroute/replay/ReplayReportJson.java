package io.hubroute.replay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubroute.message.Json;
import io.hubroute.query.RouteResult;
import io.hubroute.replay.ReplayReport.EndpointCounts;
import io.hubroute.replay.ReplayReport.EndpointRow;
import io.hubroute.replay.ReplayReport.HourRow;
import io.hubroute.replay.ReplayReport.RouteChange;
import io.hubroute.replay.ReplayReport.RouteCounts;
import io.hubroute.replay.ReplayReport.RouteRow;
import io.hubroute.replay.ReplayReport.Sample;
import io.hubroute.replay.ReplayReport.SampleSide;
import io.hubroute.replay.ReplayReport.Side;
import io.hubroute.replay.ReplayReport.Totals;
import io.hubroute.replay.ReplayReport.Undecodable;
import io.hubroute.replay.ReplayReport.UndefinedReason;
import io.hubroute.replay.ReplayReport.UnreadableBlob;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON form of a {@link ReplayReport}, version {@value ReplayReport#VERSION}; {@code
 * docs/replay-report.md} documents it. Keys are written in one fixed order; a change to the shape
 * that is not adding a key raises the version.
 */
final class ReplayReportJson {
    private ReplayReportJson() {}

    static String write(ReplayReport report) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("version", ReplayReport.VERSION);
        root.put("source", report.source());
        root.put("messages", report.messages());
        putInstant(root, "firstEnqueuedTime", report.firstEnqueuedTime());
        putInstant(root, "lastEnqueuedTime", report.lastEnqueuedTime());
        root.put("changedMessages", report.changedMessages());
        writeTotals(root.putObject("baseline"), report.baseline());
        writeTotals(root.putObject("candidate"), report.candidate());

        ArrayNode routes = root.putArray("routes");
        for (RouteRow row : report.routes()) {
            ObjectNode node = routes.addObject();
            node.put("name", row.name());
            writeRouteCounts(node, "baseline", row.baseline());
            writeRouteCounts(node, "candidate", row.candidate());
        }

        ArrayNode endpoints = root.putArray("endpoints");
        for (EndpointRow row : report.endpoints()) {
            ObjectNode node = endpoints.addObject();
            node.put("name", row.name());
            writeEndpointCounts(node, "baseline", row.baseline());
            writeEndpointCounts(node, "candidate", row.candidate());
        }

        ArrayNode samples = root.putArray("samples");
        for (Sample sample : report.samples()) {
            ObjectNode node = samples.addObject();
            ReplayedMessage message = sample.message();
            node.put("messageId", message.messageId());
            node.put("deviceId", message.deviceId());
            node.put("moduleId", message.moduleId());
            putInstant(node, "enqueuedTime", message.enqueuedTime());
            writeSampleSide(node.putObject("baseline"), sample.baseline());
            writeSampleSide(node.putObject("candidate"), sample.candidate());
            ArrayNode changes = node.putArray("changedRoutes");
            for (RouteChange change : sample.changedRoutes()) {
                ObjectNode changeNode = changes.addObject();
                changeNode.put("name", change.route());
                putResult(changeNode, "baseline", change.baseline());
                putResult(changeNode, "candidate", change.candidate());
            }
            node.put("changedRouteCount", sample.changedRouteCount());
        }

        ArrayNode reasons = root.putArray("undefinedReasons");
        for (UndefinedReason reason : report.undefinedReasons()) {
            ObjectNode node = reasons.addObject();
            node.put("side", reason.side().text());
            node.put("reason", reason.reason());
            node.put("count", reason.count());
        }

        ArrayNode hours = root.putArray("deliveriesByHour");
        for (HourRow row : report.deliveriesByHour()) {
            ObjectNode node = hours.addObject();
            putInstant(node, "hour", row.hour());
            node.put("messages", row.messages());
            writeCounts(node.putObject("baseline"), row.baseline());
            writeCounts(node.putObject("candidate"), row.candidate());
        }

        ObjectNode undecodable = root.putObject("undecodable");
        undecodable.put("count", report.undecodableRecords());
        ArrayNode examples = undecodable.putArray("examples");
        for (Undecodable record : report.undecodableExamples()) {
            ObjectNode node = examples.addObject();
            node.put("reason", record.reason());
            node.put("where", record.where());
        }

        ObjectNode unreadable = root.putObject("unreadableBlobs");
        unreadable.put("count", report.unreadableBlobs());
        ArrayNode blobs = unreadable.putArray("blobs");
        for (UnreadableBlob blob : report.unreadableBlobExamples()) {
            ObjectNode node = blobs.addObject();
            node.put("name", blob.name());
            node.put("reason", blob.reason());
        }
        try {
            return Json.PRETTY.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e); // a tree of strings and numbers always serializes
        }
    }

    private static void putInstant(ObjectNode node, String key, Instant instant) {
        if (instant == null) {
            node.putNull(key);
        } else {
            node.put(key, instant.toString());
        }
    }

    private static void putResult(ObjectNode node, String key, RouteResult result) {
        if (result == null) {
            node.putNull(key);
        } else {
            node.put(key, result.text());
        }
    }

    private static void writeTotals(ObjectNode node, Totals totals) {
        node.put("deliveries", totals.deliveries());
        node.put("invalid", totals.invalid());
        node.put("fallback", totals.fallback());
        node.put("orphaned", totals.orphaned());
    }

    private static void writeRouteCounts(ObjectNode parent, String key, RouteCounts counts) {
        if (counts == null) {
            parent.putNull(key);
            return;
        }
        ObjectNode node = parent.putObject(key);
        node.put("true", counts.trueCount());
        node.put("false", counts.falseCount());
        node.put("undefined", counts.undefinedCount());
    }

    private static void writeEndpointCounts(ObjectNode parent, String key, EndpointCounts counts) {
        if (counts == null) {
            parent.putNull(key);
            return;
        }
        ObjectNode node = parent.putObject(key);
        node.put("deliveries", counts.deliveries());
        node.put("invalid", counts.invalid());
    }

    private static void writeSampleSide(ObjectNode node, SampleSide side) {
        ArrayNode endpoints = node.putArray("endpoints");
        for (String endpoint : side.endpoints()) {
            endpoints.add(endpoint);
        }
        node.put("fallback", side.fallback());
    }

    private static void writeCounts(ObjectNode node, Map<String, Long> counts) {
        for (Map.Entry<String, Long> entry : counts.entrySet()) {
            node.put(entry.getKey(), entry.getValue());
        }
    }

    static ReplayReport read(String json) {
        JsonNode root;
        try {
            root = Json.STRICT.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "a replay report is not JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("a replay report is a JSON object, not: " + root);
        }
        JsonNode version = root.get("version");
        if (version == null || !version.isInt() || version.intValue() != ReplayReport.VERSION) {
            throw new IllegalArgumentException(
                    "replay report version "
                            + version
                            + " is not supported: this hubroute reads version "
                            + ReplayReport.VERSION
                            + "; write the report again with this hubroute");
        }
        List<RouteRow> routes = new ArrayList<>();
        for (JsonNode node : array(root, "routes")) {
            routes.add(
                    new RouteRow(
                            text(node, "name"),
                            routeCounts(node, "baseline"),
                            routeCounts(node, "candidate")));
        }
        List<EndpointRow> endpoints = new ArrayList<>();
        for (JsonNode node : array(root, "endpoints")) {
            endpoints.add(
                    new EndpointRow(
                            text(node, "name"),
                            endpointCounts(node, "baseline"),
                            endpointCounts(node, "candidate")));
        }
        List<Sample> samples = new ArrayList<>();
        for (JsonNode node : array(root, "samples")) {
            List<RouteChange> changes = new ArrayList<>();
            for (JsonNode change : array(node, "changedRoutes")) {
                changes.add(
                        new RouteChange(
                                text(change, "name"),
                                result(change, "baseline"),
                                result(change, "candidate")));
            }
            samples.add(
                    new Sample(
                            new ReplayedMessage(
                                    nullableText(node, "messageId"),
                                    text(node, "deviceId"),
                                    nullableText(node, "moduleId"),
                                    instant(node, "enqueuedTime").toEpochMilli()),
                            sampleSide(field(node, "baseline")),
                            sampleSide(field(node, "candidate")),
                            changes,
                            (int) number(node, "changedRouteCount")));
        }
        List<UndefinedReason> reasons = new ArrayList<>();
        for (JsonNode node : array(root, "undefinedReasons")) {
            reasons.add(
                    new UndefinedReason(
                            side(node, "side"), text(node, "reason"), number(node, "count")));
        }
        List<HourRow> hours = new ArrayList<>();
        for (JsonNode node : array(root, "deliveriesByHour")) {
            hours.add(
                    new HourRow(
                            instant(node, "hour"),
                            number(node, "messages"),
                            counts(node, "baseline"),
                            counts(node, "candidate")));
        }
        JsonNode undecodable = field(root, "undecodable");
        List<Undecodable> examples = new ArrayList<>();
        for (JsonNode node : array(undecodable, "examples")) {
            examples.add(new Undecodable(text(node, "reason"), text(node, "where")));
        }
        JsonNode unreadable = field(root, "unreadableBlobs");
        List<UnreadableBlob> blobs = new ArrayList<>();
        for (JsonNode node : array(unreadable, "blobs")) {
            blobs.add(new UnreadableBlob(text(node, "name"), text(node, "reason")));
        }
        return new ReplayReport(
                text(root, "source"),
                number(root, "messages"),
                nullableInstant(root, "firstEnqueuedTime"),
                nullableInstant(root, "lastEnqueuedTime"),
                number(root, "changedMessages"),
                totals(field(root, "baseline")),
                totals(field(root, "candidate")),
                routes,
                endpoints,
                samples,
                reasons,
                hours,
                number(undecodable, "count"),
                examples,
                number(unreadable, "count"),
                blobs);
    }

    private static JsonNode field(JsonNode node, String key) {
        JsonNode value = node.get(key);
        if (value == null) {
            throw new IllegalArgumentException(
                    "a replay report misses \"" + key + "\" in " + abbreviated(node));
        }
        return value;
    }

    private static IllegalArgumentException wrongType(String key, String type, JsonNode value) {
        return new IllegalArgumentException(
                "in a replay report, \"" + key + "\" must be " + type + ", not " + value);
    }

    private static String abbreviated(JsonNode node) {
        String text = node.toString();
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }

    private static Iterable<JsonNode> array(JsonNode node, String key) {
        JsonNode value = field(node, key);
        if (!value.isArray()) {
            throw wrongType(key, "an array", value);
        }
        return value;
    }

    private static String text(JsonNode node, String key) {
        JsonNode value = field(node, key);
        if (!value.isTextual()) {
            throw wrongType(key, "a string", value);
        }
        return value.textValue();
    }

    private static String nullableText(JsonNode node, String key) {
        return field(node, key).isNull() ? null : text(node, key);
    }

    private static long number(JsonNode node, String key) {
        JsonNode value = field(node, key);
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw wrongType(key, "a whole number", value);
        }
        return value.longValue();
    }

    private static boolean bool(JsonNode node, String key) {
        JsonNode value = field(node, key);
        if (!value.isBoolean()) {
            throw wrongType(key, "true or false", value);
        }
        return value.booleanValue();
    }

    private static Instant instant(JsonNode node, String key) {
        String text = text(node, key);
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw wrongType(key, "an ISO-8601 UTC time", field(node, key));
        }
    }

    private static Instant nullableInstant(JsonNode node, String key) {
        return field(node, key).isNull() ? null : instant(node, key);
    }

    private static RouteResult result(JsonNode node, String key) {
        String text = nullableText(node, key);
        if (text == null) {
            return null;
        }
        for (RouteResult result : RouteResult.values()) {
            if (result.text().equals(text)) {
                return result;
            }
        }
        throw wrongType(key, "\"true\", \"false\", \"undefined\" or null", field(node, key));
    }

    private static Side side(JsonNode node, String key) {
        String text = text(node, key);
        for (Side side : Side.values()) {
            if (side.text().equals(text)) {
                return side;
            }
        }
        throw wrongType(key, "\"baseline\" or \"candidate\"", field(node, key));
    }

    private static Totals totals(JsonNode node) {
        return new Totals(
                number(node, "deliveries"),
                number(node, "invalid"),
                number(node, "fallback"),
                number(node, "orphaned"));
    }

    private static RouteCounts routeCounts(JsonNode node, String key) {
        JsonNode value = field(node, key);
        if (value.isNull()) {
            return null;
        }
        return new RouteCounts(
                number(value, "true"), number(value, "false"), number(value, "undefined"));
    }

    private static EndpointCounts endpointCounts(JsonNode node, String key) {
        JsonNode value = field(node, key);
        if (value.isNull()) {
            return null;
        }
        return new EndpointCounts(number(value, "deliveries"), number(value, "invalid"));
    }

    private static SampleSide sampleSide(JsonNode node) {
        List<String> endpoints = new ArrayList<>();
        for (JsonNode endpoint : array(node, "endpoints")) {
            if (!endpoint.isTextual()) {
                throw wrongType("endpoints", "an array of strings", field(node, "endpoints"));
            }
            endpoints.add(endpoint.textValue());
        }
        return new SampleSide(endpoints, bool(node, "fallback"));
    }

    private static Map<String, Long> counts(JsonNode node, String key) {
        JsonNode value = field(node, key);
        if (!value.isObject()) {
            throw wrongType(key, "an object of endpoint counts", value);
        }
        Map<String, Long> counts = new LinkedHashMap<>();
        Iterator<String> names = value.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            counts.put(name, number(value, name));
        }
        return counts;
    }
}
