package io.hubroute.sqlbaseline;

import static io.hubroute.sqlbaseline.RouteSql.doubleLiteral;
import static io.hubroute.sqlbaseline.RouteSql.identifier;
import static io.hubroute.sqlbaseline.RouteSql.stringLiteral;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubroute.config.Endpoint;
import io.hubroute.config.RoutingConfig;
import io.hubroute.enrichment.Enrichment;
import io.hubroute.message.JsonPath;
import io.hubroute.message.SystemPropertyNames;
import io.hubroute.message.Twin;
import io.hubroute.query.json.DateLikeStrings;
import io.hubroute.sqlbaseline.RouteSql.AppPropertyColumn;
import io.hubroute.sqlbaseline.RouteSql.AsNumberColumn;
import io.hubroute.sqlbaseline.RouteSql.BodyColumn;
import io.hubroute.sqlbaseline.RouteSql.MessageColumn;
import io.hubroute.sqlbaseline.RouteSql.RouteFilter;
import io.hubroute.sqlbaseline.RouteSql.SystemPropertyColumn;
import io.hubroute.sqlbaseline.RouteSql.TwinColumn;
import io.hubroute.sqlbaseline.RouteSql.ValueKind;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The Flink SQL of the baseline: the Kafka source table, temporary views of the decoded values the
 * routes read (computed once per message for all INSERTs, see {@link #views()}), one Kafka sink
 * table per endpoint and one INSERT per route and endpoint, all for one statement set.
 *
 * <p>How the message is read, as the Event Hubs Kafka endpoint presents IoT Hub events (see {@code
 * IotHubRecordDecoder}):
 *
 * <ul>
 *   <li>{@code key} and {@code value} are raw BYTES (the device id and the body); {@code headers}
 *       the {@code MAP<STRING, BYTES>} metadata, {@code timestamp} the record's.
 *   <li>Application properties and {@code iothub-*} annotations are AMQP-typed headers: a column
 *       per property read decodes str8 ({@code 0xA1}, a length byte, UTF-8) and str32 ({@code
 *       0xB1}, four length bytes) by {@code SUBSTRING(CAST(header AS STRING) FROM 3 | 6)}; Java's
 *       UTF-8 decoder turns the constructor and each length byte into one U+FFFD (str32 lengths
 *       from 48.5 KiB up, where two length bytes may decode as one character, are not read right).
 *       Other AMQP types (numbers, timestamps) and plain UTF-8 headers read as NULL. {@code
 *       message-id}, {@code content-type}, {@code content-encoding}, ... are plain UTF-8.
 *   <li>{@code $body.path} is {@code JSON_VALUE} over the body when {@code contentType} is
 *       application/json and {@code contentEncoding} utf-8, NULL otherwise; as a number it is
 *       {@code TRY_CAST(JSON_VALUE(...) AS DOUBLE)}, because {@code JSON_VALUE ... RETURNING
 *       DOUBLE} throws a ClassCastException on integral JSON numbers in Flink 2.2.
 *   <li>{@code $twin.path} is a map literal of the export's values looked up by the twin key
 *       ({@code MAP['sensor-3-a', 'site-3', ...][`twin key`]}, the key being {@code device} or
 *       {@code device/module}): stateless and computed once per message. A join with a table of
 *       twins would have to keep every message in state (a regular streaming join does, whatever
 *       the other side's size), a lookup join needs a lookup-capable connector, and a {@code CASE
 *       key WHEN ...} repeats the key's expression in every branch once the planner has merged the
 *       view's projections. The twins are the export's: twin change events in the stream do not
 *       update them.
 *   <li>Only DeviceMessages ({@code iothub-message-source} absent, or the AMQP string Telemetry or
 *       DeviceMessages in that case) with a device id reach the views, as only those reach
 *       hubroute's DeviceMessages routes.
 * </ul>
 *
 * <p>Each endpoint is a Kafka topic {@code <prefix><endpoint>} written at least once with the
 * producer settings of hubroute's Event Hubs sink (idempotent, acks=all, linger.ms=0); records keep
 * key, body, timestamp and their headers as read (AMQP-typed; hubroute's sink writes UTF-8), plus
 * the endpoint's enrichments as AMQP strings ({@code MAP_UNION}: a header of the same name, in the
 * same case, is replaced). Two routes to one endpoint write a message twice (hubroute delivers it
 * once).
 *
 * <pre>{@code
 * BaselineStatements statements = BaselineStatements.of(config, RouteSql.translate(config), twins,
 *     new BaselineStatements.Kafka("127.0.0.1:9092", "d2c", "sql-baseline", "sql-"));
 * statements.ddl().forEach(tableEnv::executeSql); // source, views, sinks
 * StatementSet set = tableEnv.createStatementSet();
 * statements.inserts().forEach(insert -> set.addInsertSql(insert.sql()));
 * }</pre>
 */
public final class BaselineStatements {
    static final String SOURCE_TABLE = "iothub_messages";
    static final String DECODED_VIEW = "decoded_messages";
    static final String ROUTED_VIEW = "routed_messages";
    static final String BODY = "body";
    static final String TWIN_KEY = "twin key";

    /** What hubroute's Event Hubs sink sets on its at-least-once producer. */
    static final Map<String, String> PRODUCER_PROPERTIES =
            orderedMap(
                    "enable.idempotence", "true",
                    "acks", "all",
                    "max.in.flight.requests.per.connection", "5",
                    "linger.ms", "0",
                    "delivery.timeout.ms", "120000",
                    "request.timeout.ms", "30000",
                    "max.block.ms", "120000");

    /** Where the baseline reads and writes. */
    public record Kafka(
            String bootstrapServers, String inputTopic, String groupId, String outputPrefix) {
        public Kafka {
            Objects.requireNonNull(bootstrapServers, "bootstrapServers");
            Objects.requireNonNull(inputTopic, "inputTopic");
            Objects.requireNonNull(groupId, "groupId");
            Objects.requireNonNull(outputPrefix, "outputPrefix");
        }

        /** The topic an endpoint's records go to. */
        public String topic(String endpointName) {
            return outputPrefix + endpointName;
        }
    }

    /** A temporary view: its name and its query. */
    public record View(String name, String query) {
        /** CREATE TEMPORARY VIEW of the query. */
        public String ddl() {
            return "CREATE TEMPORARY VIEW " + identifier(name) + " AS\n" + query;
        }
    }

    /** One INSERT: the route it comes from, the endpoint it writes to, and its text. */
    public record Insert(String routeName, String endpointName, String sql) {}

    /** A header of a system property and how its value is written. */
    private record SystemHeader(String name, boolean amqpTyped) {}

    private final String sourceTable;
    private final List<View> views;
    private final Map<String, String> sinkTables;
    private final List<Insert> inserts;

    private BaselineStatements(
            String sourceTable,
            List<View> views,
            Map<String, String> sinkTables,
            List<Insert> inserts) {
        this.sourceTable = sourceTable;
        this.views = List.copyOf(views);
        this.sinkTables = sinkTables;
        this.inserts = List.copyOf(inserts);
    }

    /**
     * The statements for {@code routes} (translated from {@code config}) over {@code twins} (by
     * twin key; empty when no twin is known).
     */
    public static BaselineStatements of(
            RoutingConfig config, RouteSql routes, Map<String, Twin> twins, Kafka kafka) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(routes, "routes");
        Objects.requireNonNull(twins, "twins");
        Objects.requireNonNull(kafka, "kafka");
        List<RouteFilter> filters = new ArrayList<>(routes.filters());
        routes.fallback().ifPresent(filters::add);

        Set<String> endpoints = new LinkedHashSet<>();
        for (Endpoint endpoint : config.allEndpoints()) {
            for (RouteFilter filter : filters) {
                if (filter.endpointNames().contains(endpoint.name())) {
                    endpoints.add(endpoint.name());
                    break;
                }
            }
        }
        Map<String, String> headersByEndpoint = new LinkedHashMap<>();
        Set<String> enrichedFromTwins = new LinkedHashSet<>();
        for (String endpoint : endpoints) {
            List<Enrichment> enrichments = new ArrayList<>();
            for (Enrichment enrichment : config.enrichments()) {
                if (enrichment.endpointNames().contains(endpoint)) {
                    enrichments.add(enrichment);
                    if (enrichment.value().readsTwin()) {
                        enrichedFromTwins.add(endpoint);
                    }
                }
            }
            headersByEndpoint.put(endpoint, headers(enrichments, config.hubName(), twins));
        }

        Map<String, String> sinkTables = new LinkedHashMap<>();
        for (String endpoint : endpoints) {
            sinkTables.put(endpoint, sinkTable(endpoint, kafka));
        }
        Views views = new Views(routes.columns(), twins, !enrichedFromTwins.isEmpty());
        List<Insert> inserts = new ArrayList<>();
        for (RouteFilter filter : filters) {
            for (String endpoint : filter.endpointNames()) {
                boolean routed =
                        enrichedFromTwins.contains(endpoint) || views.needsRouted(filter.columns());
                inserts.add(
                        new Insert(
                                filter.routeName(),
                                endpoint,
                                "INSERT INTO "
                                        + identifier(sinkName(endpoint))
                                        + " SELECT `key`, `value`, "
                                        + headersByEndpoint.get(endpoint)
                                        + " AS `headers`, `timestamp` FROM "
                                        + identifier(routed ? ROUTED_VIEW : DECODED_VIEW)
                                        + " WHERE "
                                        + filter.where()));
            }
        }
        return new BaselineStatements(sourceTable(kafka), views.list(), sinkTables, inserts);
    }

    /** CREATE TEMPORARY TABLE of the device-to-cloud topic, read from its start to its end. */
    public String sourceTable() {
        return sourceTable;
    }

    /**
     * The views, each over the one before: {@code decoded_messages} (the headers the routes read,
     * decoded, and only DeviceMessages with a device id) and, when a route reads the body, a twin
     * or {@code as_number}, {@code routed_messages} (those values too). An INSERT reads the first
     * view that has its columns.
     */
    public List<View> views() {
        return views;
    }

    /** CREATE TEMPORARY TABLE of each endpoint's topic, by endpoint name. */
    public Map<String, String> sinkTables() {
        return sinkTables;
    }

    /** The INSERTs, one per route and endpoint, in file order; the fallback route's last. */
    public List<Insert> inserts() {
        return inserts;
    }

    /** Source, views and sinks: to run before the INSERTs. */
    public List<String> ddl() {
        List<String> ddl = new ArrayList<>();
        ddl.add(sourceTable);
        for (View view : views) {
            ddl.add(view.ddl());
        }
        ddl.addAll(sinkTables.values());
        return ddl;
    }

    static String sinkName(String endpoint) {
        return "endpoint:" + endpoint;
    }

    private static String sourceTable(Kafka kafka) {
        Map<String, String> options = kafkaOptions(kafka.bootstrapServers(), kafka.inputTopic());
        options.put("properties.group.id", kafka.groupId());
        options.put("scan.startup.mode", "earliest-offset");
        // the end offsets at the start: the job finishes once it has read the topic
        options.put("scan.bounded.mode", "latest-offset");
        return table(SOURCE_TABLE, options);
    }

    private static String sinkTable(String endpoint, Kafka kafka) {
        Map<String, String> options = kafkaOptions(kafka.bootstrapServers(), kafka.topic(endpoint));
        options.put("sink.delivery-guarantee", "at-least-once");
        for (Map.Entry<String, String> property : PRODUCER_PROPERTIES.entrySet()) {
            options.put("properties." + property.getKey(), property.getValue());
        }
        return table(sinkName(endpoint), options);
    }

    private static Map<String, String> kafkaOptions(String bootstrapServers, String topic) {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("connector", "kafka");
        options.put("topic", topic);
        options.put("properties.bootstrap.servers", bootstrapServers);
        options.put("key.format", "raw");
        options.put("key.fields", "key");
        options.put("value.format", "raw");
        options.put("value.fields-include", "EXCEPT_KEY");
        return options;
    }

    private static String table(String name, Map<String, String> options) {
        StringBuilder sql =
                new StringBuilder("CREATE TEMPORARY TABLE ")
                        .append(identifier(name))
                        .append(" (\n")
                        .append("  `key` BYTES,\n")
                        .append("  `value` BYTES,\n")
                        .append("  `headers` MAP<STRING, BYTES> METADATA,\n")
                        .append("  `timestamp` TIMESTAMP_LTZ(3) METADATA\n")
                        .append(") WITH (");
        String separator = "\n  ";
        for (Map.Entry<String, String> option : options.entrySet()) {
            sql.append(separator)
                    .append(stringLiteral(option.getKey()))
                    .append(" = ")
                    .append(stringLiteral(option.getValue()));
            separator = ",\n  ";
        }
        return sql.append("\n)").toString();
    }

    /**
     * The two views. Each INSERT that reads a view makes it a node of the plan shared by all of
     * them, computed once per message; within one view the planner merges the projections into one
     * and repeats an expression wherever a column that holds it is read, so the values that read
     * other decoded values (the body, the twin key) are computed in the second view, from the
     * first's columns.
     */
    private static final class Views {
        private final Map<String, String> decoded = new LinkedHashMap<>();
        private final Map<String, String> derived = new LinkedHashMap<>();
        private final Map<String, String> values = new LinkedHashMap<>();
        private final Set<String> routedColumns = new LinkedHashSet<>();

        Views(List<MessageColumn> columns, Map<String, Twin> twins, boolean enrichmentsReadTwins) {
            systemColumn(SystemPropertyNames.CONNECTION_DEVICE_ID, decoded);
            boolean readsTwins = enrichmentsReadTwins;
            boolean readsBody = false;
            for (MessageColumn column : columns) {
                if (column instanceof AppPropertyColumn) {
                    appColumn((AppPropertyColumn) column, decoded);
                } else if (column instanceof SystemPropertyColumn) {
                    systemColumn(((SystemPropertyColumn) column).property(), decoded);
                } else if (column instanceof AsNumberColumn) {
                    MessageColumn text = ((AsNumberColumn) column).text();
                    if (text instanceof AppPropertyColumn) {
                        appColumn((AppPropertyColumn) text, decoded);
                    } else {
                        systemColumn(((SystemPropertyColumn) text).property(), decoded);
                    }
                    values.put(
                            column.name(), "TRY_CAST(" + identifier(text.name()) + " AS DOUBLE)");
                } else if (column instanceof BodyColumn) {
                    readsBody = true;
                    BodyColumn body = (BodyColumn) column;
                    String value =
                            "JSON_VALUE("
                                    + identifier(BODY)
                                    + ", "
                                    + stringLiteral(jsonPath(body.path()))
                                    + ")";
                    values.put(
                            column.name(),
                            body.kind() == ValueKind.NUMBER
                                    ? "TRY_CAST(" + value + " AS DOUBLE)"
                                    : value);
                } else {
                    readsTwins = true;
                    values.put(column.name(), twinValue((TwinColumn) column, twins));
                }
            }
            if (readsBody) {
                systemColumn(SystemPropertyNames.CONTENT_TYPE, decoded);
                systemColumn(SystemPropertyNames.CONTENT_ENCODING, decoded);
                derived.put(
                        BODY,
                        "CASE WHEN LOWER(TRIM(SPLIT_INDEX("
                                + identifier("sys:" + SystemPropertyNames.CONTENT_TYPE)
                                + ", ';', 0))) = 'application/json' AND LOWER("
                                + identifier("sys:" + SystemPropertyNames.CONTENT_ENCODING)
                                + ") = 'utf-8' THEN CAST(`value` AS STRING) END");
            }
            if (readsTwins) {
                systemColumn(SystemPropertyNames.CONNECTION_MODULE_ID, decoded);
                String device = identifier("sys:" + SystemPropertyNames.CONNECTION_DEVICE_ID);
                String module = identifier("sys:" + SystemPropertyNames.CONNECTION_MODULE_ID);
                derived.put(
                        TWIN_KEY,
                        "CASE WHEN "
                                + module
                                + " IS NULL THEN "
                                + device
                                + " ELSE "
                                + device
                                + " || '/' || "
                                + module
                                + " END");
            }
            routedColumns.addAll(values.keySet());
        }

        /** Whether a route that reads {@code columns} reads the second view. */
        boolean needsRouted(List<MessageColumn> columns) {
            for (MessageColumn column : columns) {
                if (routedColumns.contains(column.name())) {
                    return true;
                }
            }
            return false;
        }

        List<View> list() {
            String device = identifier("sys:" + SystemPropertyNames.CONNECTION_DEVICE_ID);
            StringBuilder first =
                    new StringBuilder(
                            "SELECT * FROM (\n  SELECT `key`, `value`, `headers`, `timestamp`");
            appendColumns(first, decoded, "\n    ");
            first.append("\n  FROM ")
                    .append(identifier(SOURCE_TABLE))
                    .append("\n)\nWHERE ")
                    .append(device)
                    .append(" IS NOT NULL AND ")
                    .append(isDeviceMessage(header("iothub-message-source")));
            List<View> views = new ArrayList<>();
            views.add(new View(DECODED_VIEW, first.toString()));
            if (derived.isEmpty() && values.isEmpty()) {
                return views;
            }
            StringBuilder second = new StringBuilder("SELECT m.*");
            appendColumns(second, values, "\n  ");
            second.append("\nFROM (\n  SELECT d.*");
            appendColumns(second, derived, "\n    ");
            second.append("\n  FROM ").append(identifier(DECODED_VIEW)).append(" AS d\n) AS m");
            views.add(new View(ROUTED_VIEW, second.toString()));
            return views;
        }
    }

    /**
     * Whether {@code iothub-message-source} makes the message a DeviceMessages one: absent, or
     * Telemetry as IoT Hub writes it (compared as AMQP bytes; hubroute also accepts other cases).
     */
    private static String isDeviceMessage(String header) {
        return "("
                + header
                + " IS NULL OR "
                + header
                + " IN ("
                + bytesLiteral(amqpBytes("Telemetry"))
                + ", "
                + bytesLiteral(amqpBytes("DeviceMessages"))
                + "))";
    }

    private static void appColumn(AppPropertyColumn column, Map<String, String> decoded) {
        decoded.put(column.name(), amqpString(header(column.property())));
    }

    private static void appendColumns(
            StringBuilder sql, Map<String, String> columns, String indent) {
        for (Map.Entry<String, String> column : columns.entrySet()) {
            sql.append(",")
                    .append(indent)
                    .append(column.getValue())
                    .append(" AS ")
                    .append(identifier(column.getKey()));
        }
    }

    private static String header(String name) {
        return "`headers`[" + stringLiteral(name) + "]";
    }

    /**
     * The text of an AMQP str8 or str32 header, or NULL: the constructor and length bytes each
     * decode to one U+FFFD (or their ASCII character), so the text starts at character 3 or 6.
     */
    static String amqpString(String header) {
        String text = "CAST(" + header + " AS STRING)";
        return "CASE WHEN "
                + header
                + " >= X'A1' AND "
                + header
                + " < X'A2' THEN SUBSTRING("
                + text
                + " FROM 3) WHEN "
                + header
                + " >= X'B1' AND "
                + header
                + " < X'B2' THEN SUBSTRING("
                + text
                + " FROM 6) END";
    }

    /** The headers a system property arrives under, in the order that decides (spec §5). */
    private static List<SystemHeader> systemHeaders(String property) {
        switch (property) {
            case SystemPropertyNames.MESSAGE_ID:
                return List.of(new SystemHeader("message-id", false));
            case SystemPropertyNames.USER_ID:
                return List.of(new SystemHeader("user-id", false));
            case SystemPropertyNames.TO:
                return List.of(new SystemHeader("to", false));
            case SystemPropertyNames.CORRELATION_ID:
                return List.of(new SystemHeader("correlation-id", true));
            case SystemPropertyNames.CONTENT_TYPE:
                return List.of(
                        new SystemHeader("content-type", false),
                        new SystemHeader("iothub-content-type", true));
            case SystemPropertyNames.CONTENT_ENCODING:
                return List.of(
                        new SystemHeader("content-encoding", false),
                        new SystemHeader("iothub-content-encoding", true));
            case SystemPropertyNames.CONNECTION_DEVICE_ID:
                return List.of(new SystemHeader("iothub-connection-device-id", true));
            case SystemPropertyNames.CONNECTION_MODULE_ID:
                return List.of(new SystemHeader("iothub-connection-module-id", true));
            case SystemPropertyNames.CONNECTION_DEVICE_GENERATION_ID:
                return List.of(new SystemHeader("iothub-connection-auth-generation-id", true));
            case SystemPropertyNames.CONNECTION_AUTH_METHOD:
                return List.of(new SystemHeader("iothub-connection-auth-method", true));
            case SystemPropertyNames.DT_DATASCHEMA:
                return List.of(new SystemHeader("dt-dataschema", true));
            case SystemPropertyNames.DT_SUBJECT:
                return List.of(new SystemHeader("dt-subject", true));
            default:
                throw new IllegalArgumentException("no headers known for $" + property);
        }
    }

    private static void systemColumn(String property, Map<String, String> decoded) {
        String name = "sys:" + property;
        if (decoded.containsKey(name)) {
            return;
        }
        List<String> candidates = new ArrayList<>();
        for (SystemHeader header : systemHeaders(property)) {
            String value = header(header.name());
            candidates.add(
                    header.amqpTyped() ? amqpString(value) : "CAST(" + value + " AS STRING)");
        }
        String expression;
        if (property.equals(SystemPropertyNames.CONNECTION_DEVICE_ID)) {
            // no device id header: the record key is the device id
            expression = "COALESCE(" + candidates.get(0) + ", CAST(`key` AS STRING))";
        } else if (candidates.size() == 1) {
            expression = candidates.get(0);
        } else {
            expression = "COALESCE(" + String.join(", ", candidates) + ")";
        }
        decoded.put(name, expression);
    }

    /** A JSON path as Flink's JSON functions read it: {@code $.a.b[0]} or {@code $['a b']}. */
    static String jsonPath(JsonPath path) {
        StringBuilder text = new StringBuilder("$");
        for (JsonPath.Step step : path.steps()) {
            if (step.isIndex()) {
                text.append('[').append(step.index()).append(']');
            } else if (isPlainName(step.name())) {
                text.append('.').append(step.name());
            } else {
                text.append("['")
                        .append(step.name().replace("\\", "\\\\").replace("'", "\\'"))
                        .append("']");
            }
        }
        return text.toString();
    }

    private static boolean isPlainName(String name) {
        if (name.isEmpty() || !(Character.isLetter(name.charAt(0)) || name.charAt(0) == '_')) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c < 128 && (Character.isLetterOrDigit(c) || c == '_'))) {
                return false;
            }
        }
        return true;
    }

    /**
     * A twin value per twin key, exactly as spec §11 makes it for a comparison with a string (a
     * JSON string that is not date-like) or a number (a JSON number); NULL for every other value,
     * and for devices the export does not know. A map literal looked up by the twin key, not a
     * {@code CASE}: the planner merges the view's projections into one, and a {@code CASE key WHEN
     * ...} would evaluate the key's whole expression once per branch.
     */
    private static String twinValue(TwinColumn column, Map<String, Twin> twins) {
        StringBuilder map = new StringBuilder("MAP[");
        int entries = 0;
        for (Map.Entry<String, Twin> twin : twins.entrySet()) {
            JsonNode node = twin.getValue().find(column.section(), column.path());
            String value = null;
            if (node != null) {
                if (column.kind() == ValueKind.NUMBER && node.isNumber()) {
                    value = doubleLiteral(node.doubleValue());
                } else if (column.kind() == ValueKind.STRING
                        && node.isTextual()
                        && !DateLikeStrings.isDateLike(node.textValue())) {
                    value = stringLiteral(node.textValue());
                }
            }
            if (value != null) {
                map.append(entries == 0 ? "" : ", ")
                        .append(stringLiteral(twin.getKey()))
                        .append(", ")
                        .append(value);
                entries++;
            }
        }
        String type = column.kind() == ValueKind.NUMBER ? "DOUBLE" : "STRING";
        if (entries == 0) {
            return "CAST(NULL AS " + type + ")";
        }
        return "CAST(" + map + "] AS MAP<STRING, " + type + ">)[" + identifier(TWIN_KEY) + "]";
    }

    /** The headers written to an endpoint: as read, plus its enrichments (replacing same keys). */
    private static String headers(
            List<Enrichment> enrichments, String hubName, Map<String, Twin> twins) {
        if (enrichments.isEmpty()) {
            return "`headers`";
        }
        StringBuilder added = new StringBuilder("MAP[");
        for (int i = 0; i < enrichments.size(); i++) {
            Enrichment enrichment = enrichments.get(i);
            if (i > 0) {
                added.append(", ");
            }
            added.append(stringLiteral(enrichment.key())).append(", ");
            if (!enrichment.value().readsTwin()) {
                added.append(bytesLiteral(amqpBytes(enrichment.value().resolve(hubName, null))));
                continue;
            }
            // per twin key; devices without a twin get the path text, as IoT Hub does
            added.append("CASE ").append(identifier(TWIN_KEY));
            for (Map.Entry<String, Twin> twin : twins.entrySet()) {
                added.append(" WHEN ")
                        .append(stringLiteral(twin.getKey()))
                        .append(" THEN ")
                        .append(
                                bytesLiteral(
                                        amqpBytes(
                                                enrichment
                                                        .value()
                                                        .resolve(hubName, twin.getValue()))));
            }
            added.append(" ELSE ")
                    .append(bytesLiteral(amqpBytes(enrichment.value().resolve(hubName, null))))
                    .append(" END");
        }
        return "MAP_UNION(`headers`, CAST(" + added + "] AS MAP<STRING, BYTES>))";
    }

    /** An AMQP string, as IoT Hub writes one: str8 up to 255 UTF-8 bytes, else str32. */
    static byte[] amqpBytes(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        if (utf8.length <= 255) {
            return ByteBuffer.allocate(2 + utf8.length)
                    .put((byte) 0xA1)
                    .put((byte) utf8.length)
                    .put(utf8)
                    .array();
        }
        return ByteBuffer.allocate(5 + utf8.length)
                .put((byte) 0xB1)
                .putInt(utf8.length)
                .put(utf8)
                .array();
    }

    static String bytesLiteral(byte[] bytes) {
        StringBuilder hex = new StringBuilder(3 + bytes.length * 2).append("X'");
        for (byte b : bytes) {
            hex.append(Character.forDigit((b >> 4) & 0xF, 16))
                    .append(Character.forDigit(b & 0xF, 16));
        }
        return hex.append('\'').toString();
    }

    private static Map<String, String> orderedMap(String... keysAndValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(map);
    }
}
