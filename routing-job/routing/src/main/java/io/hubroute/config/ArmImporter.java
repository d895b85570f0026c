package io.hubroute.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;

/**
 * Converts IoT Hub's routing resource model into a route file: from an ARM template (the {@code
 * Microsoft.Devices/IotHubs} resource), from {@code az iot hub show} output, or from a bare {@code
 * properties.routing} object. Inline connection strings never reach the file: each becomes a {@code
 * ${env:NAME}} reference, and the result lists the variables to set.
 *
 * <pre>{@code
 * ArmImporter.Result result = ArmImporter.convert(Json.MAPPER.readTree(file), null);
 * Files.writeString(Path.of("routes.yaml"), result.yaml());
 * }</pre>
 */
public final class ArmImporter {
    private static final String IOT_HUB_TYPE = "Microsoft.Devices/IotHubs";
    private static final List<String> ENDPOINT_LISTS =
            List.of("storageContainers", "serviceBusQueues", "serviceBusTopics", "eventHubs");

    /** An environment variable the converted file refers to, and what it must hold. */
    public record EnvironmentVariable(String name, String purpose) {}

    /** The route file text, the variables it needs, and what could not be converted. */
    public record Result(String yaml, List<EnvironmentVariable> variables, List<String> warnings) {
        public Result {
            variables = List.copyOf(variables);
            warnings = List.copyOf(warnings);
        }
    }

    private final List<EnvironmentVariable> variables = new ArrayList<>();
    private final Set<String> usedNames = new HashSet<>();
    private final List<String> warnings = new ArrayList<>();

    private ArmImporter() {}

    /**
     * Converts a document.
     *
     * @param hubNameOverride the hub name to write, or null to take the document's
     * @throws IllegalArgumentException when the document holds no IoT hub routing
     */
    public static Result convert(JsonNode document, String hubNameOverride) {
        return new ArmImporter().run(document, hubNameOverride);
    }

    private Result run(JsonNode document, String hubNameOverride) {
        JsonNode hub = findHub(document);
        JsonNode properties = hub.path("properties");
        JsonNode routing = properties.has("routing") ? properties.get("routing") : hub;
        String hubName = hubNameOverride != null ? hubNameOverride : hub.path("name").asText("");
        if (hubName.isEmpty() || hubName.startsWith("[")) {
            warnings.add(
                    "the hub name "
                            + (hubName.isEmpty()
                                    ? "is missing"
                                    : "is an ARM expression (" + hubName + ")")
                            + ": edit hubName, or pass --hub-name");
            hubName = "my-hub";
        }
        Map<String, Object> file = new LinkedHashMap<>();
        file.put("hubName", hubName);
        JsonNode events = properties.path("eventHubEndpoints").path("events");
        if (events.isObject()) {
            Map<String, Object> builtIn = new LinkedHashMap<>();
            builtIn.put(
                    "connectionString",
                    reference(
                            "EVENTS",
                            "the Event Hubs-compatible connection string of the built-in events endpoint"));
            if (events.hasNonNull("path")) {
                builtIn.put("entityPath", events.get("path").asText());
            }
            file.put("builtInEndpoint", builtIn);
        }
        file.put("endpoints", endpoints(routing.path("endpoints")));
        List<Object> routes = new ArrayList<>();
        for (JsonNode route : routing.path("routes")) {
            Map<String, Object> converted = new LinkedHashMap<>();
            converted.put("name", route.path("name").asText());
            converted.put("source", route.path("source").asText("DeviceMessages"));
            if (route.hasNonNull("condition")) {
                converted.put("condition", route.get("condition").asText());
            }
            converted.put("endpointNames", strings(route.path("endpointNames")));
            converted.put("isEnabled", route.path("isEnabled").asBoolean(true));
            routes.add(converted);
        }
        file.put("routes", routes);
        JsonNode fallback = routing.path("fallbackRoute");
        if (fallback.isObject()) {
            Map<String, Object> converted = new LinkedHashMap<>();
            converted.put("isEnabled", fallback.path("isEnabled").asBoolean(true));
            converted.put(
                    "endpointNames",
                    fallback.has("endpointNames")
                            ? strings(fallback.get("endpointNames"))
                            : List.of("events"));
            if (fallback.hasNonNull("condition")
                    && !fallback.get("condition").asText().equals("true")) {
                converted.put("condition", fallback.get("condition").asText());
            }
            file.put("fallbackRoute", converted);
        }
        List<Object> enrichments = new ArrayList<>();
        for (JsonNode enrichment : routing.path("enrichments")) {
            Map<String, Object> converted = new LinkedHashMap<>();
            converted.put("key", enrichment.path("key").asText());
            converted.put("value", enrichment.path("value").asText());
            converted.put("endpointNames", strings(enrichment.path("endpointNames")));
            enrichments.add(converted);
        }
        if (!enrichments.isEmpty()) {
            file.put("enrichments", enrichments);
        }
        DumpSettings settings =
                DumpSettings.builder().setDefaultFlowStyle(FlowStyle.BLOCK).setWidth(200).build();
        String yaml =
                "# imported from IoT Hub's routing resource model by hubroute import-arm\n"
                        + new Dump(settings).dumpToString(file);
        return new Result(yaml, variables, warnings);
    }

    private static JsonNode findHub(JsonNode document) {
        if (document == null || !document.isObject()) {
            throw new IllegalArgumentException(
                    "expected a JSON object: an ARM template or `az iot hub show` output");
        }
        if (document.has("resources")) {
            for (JsonNode resource : document.get("resources")) {
                if (resource.path("type").asText().equalsIgnoreCase(IOT_HUB_TYPE)) {
                    return resource;
                }
            }
            throw new IllegalArgumentException(
                    "the ARM template has no " + IOT_HUB_TYPE + " resource");
        }
        if (document.path("properties").has("routing")
                || document.has("endpoints")
                || document.has("routes")) {
            return document;
        }
        throw new IllegalArgumentException(
                "found no IoT hub routing: expected an ARM template, `az iot hub show` output or a properties.routing object");
    }

    private Map<String, Object> endpoints(JsonNode endpoints) {
        Map<String, Object> converted = new LinkedHashMap<>();
        Iterator<String> kinds = endpoints.fieldNames();
        while (kinds.hasNext()) {
            String kind = kinds.next();
            if (!ENDPOINT_LISTS.contains(kind)) {
                if (endpoints.get(kind).size() > 0) {
                    warnings.add(
                            "skipped endpoints."
                                    + kind
                                    + ": hubroute does not support that endpoint kind");
                }
                continue;
            }
            List<Object> list = new ArrayList<>();
            for (JsonNode endpoint : endpoints.get(kind)) {
                list.add(endpoint(kind, endpoint));
            }
            converted.put(kind, list);
        }
        return converted;
    }

    private Map<String, Object> endpoint(String kind, JsonNode endpoint) {
        Map<String, Object> converted = new LinkedHashMap<>();
        String name = endpoint.path("name").asText();
        converted.put("name", name);
        String connection = endpoint.path("connectionString").asText("");
        if (!connection.isBlank()) {
            converted.put(
                    "connectionString",
                    Secret.isReference(connection)
                            ? connection
                            : reference(
                                    RoutingConfigLoader.environmentName(name)
                                            .replaceFirst("_CONNECTION$", ""),
                                    "the connection string of endpoint " + name));
        }
        if (endpoint.hasNonNull("endpointUri")) {
            converted.put("endpointUri", endpoint.get("endpointUri").asText());
        }
        if (endpoint.hasNonNull("entityPath")) {
            converted.put("entityPath", endpoint.get("entityPath").asText());
        }
        if (kind.equals("storageContainers")) {
            converted.put("containerName", endpoint.path("containerName").asText());
            if (endpoint.hasNonNull("encoding")) {
                converted.put(
                        "encoding", endpoint.get("encoding").asText().toLowerCase(Locale.ROOT));
            }
            if (endpoint.hasNonNull("fileNameFormat")) {
                converted.put("fileNameFormat", endpoint.get("fileNameFormat").asText());
            }
            if (endpoint.hasNonNull("batchFrequencyInSeconds")) {
                converted.put(
                        "batchFrequencyInSeconds",
                        endpoint.get("batchFrequencyInSeconds").asLong());
            }
            if (endpoint.hasNonNull("maxChunkSizeInBytes")) {
                converted.put("maxChunkSizeInBytes", endpoint.get("maxChunkSizeInBytes").asLong());
            }
        }
        return converted;
    }

    /** A fresh {@code ${env:...}} reference; the inline value is dropped here, never written. */
    private String reference(String stem, String purpose) {
        String name = stem + "_CONNECTION";
        for (int suffix = 2; !usedNames.add(name); suffix++) {
            name = stem + "_" + suffix + "_CONNECTION";
        }
        variables.add(new EnvironmentVariable(name, purpose));
        return "${env:" + name + "}";
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        for (JsonNode item : array) {
            values.add(item.asText());
        }
        return values;
    }
}
