package io.hubroute.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A CustomResourceDefinition's {@code openAPIV3Schema} as a JSON Schema (draft 4, which OpenAPI
 * 3.0's schema objects follow), checking what the API server checks with strict field validation
 * (kubectl's default): types, enums, required fields, and no field the schema does not declare,
 * except under {@code x-kubernetes-preserve-unknown-fields}. The other {@code x-kubernetes-*}
 * extensions are dropped ({@code int-or-string} is spelled out as {@code anyOf} beside it).
 */
final class CrdSchema {
    private final Schema schema;
    private final String apiVersion;
    private final String kind;

    private CrdSchema(Schema schema, String apiVersion, String kind) {
        this.schema = schema;
        this.apiVersion = apiVersion;
        this.kind = kind;
    }

    /** The schema of {@code version} in the CRD at {@code resource} on the test class path. */
    static CrdSchema fromClassPath(String resource, String version) {
        try (InputStream in = CrdSchema.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no " + resource + " on the class path");
            }
            JsonNode crd = Fixtures.YAML.readTree(in);
            for (JsonNode served : crd.path("spec").path("versions")) {
                if (served.path("name").asText().equals(version)) {
                    ObjectNode openApi = served.path("schema").path("openAPIV3Schema").deepCopy();
                    // what the API server itself checks of every object: the CRD leaves them out
                    ObjectNode properties = (ObjectNode) openApi.path("properties");
                    properties.putObject("apiVersion").put("type", "string");
                    properties.putObject("kind").put("type", "string");
                    properties.putObject("metadata").put("type", "object");
                    strict(openApi);
                    return new CrdSchema(
                            SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4)
                                    .getSchema(openApi),
                            crd.path("spec").path("group").asText() + "/" + version,
                            crd.path("spec").path("names").path("kind").asText());
                }
            }
            throw new IllegalArgumentException(resource + " has no version " + version);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every violation, as {@code /json/pointer: message}. */
    List<String> violations(JsonNode document) {
        List<String> violations = new ArrayList<>();
        if (!document.path("apiVersion").asText().equals(apiVersion)) {
            violations.add("/apiVersion: not " + apiVersion);
        }
        if (!document.path("kind").asText().equals(kind)) {
            violations.add("/kind: not " + kind);
        }
        if (document.at("/metadata/name").asText().isEmpty()) {
            violations.add("/metadata/name required");
        }
        for (Error error : schema.validate(document)) {
            violations.add(error.getInstanceLocation() + " " + error.getKeyword() + ": " + error);
        }
        return violations;
    }

    private static void strict(JsonNode node) {
        if (node.isArray()) {
            node.forEach(CrdSchema::strict);
            return;
        }
        if (!node.isObject()) {
            return;
        }
        ObjectNode object = (ObjectNode) node;
        boolean preserveUnknown = object.path("x-kubernetes-preserve-unknown-fields").asBoolean();
        Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (field.getKey().startsWith("x-kubernetes-") || field.getKey().equals("nullable")) {
                fields.remove();
            } else if (field.getKey().equals("properties")) {
                // property names, each with a schema
                field.getValue().forEach(CrdSchema::strict);
            } else {
                strict(field.getValue());
            }
        }
        if (object.has("properties") && !object.has("additionalProperties") && !preserveUnknown) {
            object.set("additionalProperties", BooleanNode.FALSE);
        }
    }
}
