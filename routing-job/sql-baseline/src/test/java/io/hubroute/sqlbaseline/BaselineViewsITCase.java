package io.hubroute.sqlbaseline;

import static org.apache.flink.table.api.DataTypes.BYTES;
import static org.apache.flink.table.api.DataTypes.FIELD;
import static org.apache.flink.table.api.DataTypes.MAP;
import static org.apache.flink.table.api.DataTypes.ROW;
import static org.apache.flink.table.api.DataTypes.STRING;
import static org.apache.flink.table.api.DataTypes.TIMESTAMP_LTZ;
import static org.assertj.core.api.Assertions.assertThat;

import io.hubroute.config.RoutingConfig;
import io.hubroute.demo.IotHubRecords;
import io.hubroute.message.Twin;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

/**
 * The views of {@link BaselineStatements} run by Flink over hand-made records instead of Kafka: the
 * AMQP header decoding (str8, str32, other types), the device id from the key, the body
 * preconditions, twins of devices and modules, and the DeviceMessages filter.
 */
class BaselineViewsITCase {
    private static final Map<String, Twin> TWINS =
            Map.of(
                    "sensor-1-a",
                    Twin.parse(
                            "{\"tags\": {\"site\": \"site-1\"}, \"properties\": {\"reported\": {\"fw\": 1.5}}}"),
                    "sensor-2-a/m1",
                    Twin.parse("{\"tags\": {\"site\": \"module-site\"}}"),
                    "sensor-9-a",
                    Twin.parse("{\"tags\": {\"site\": \"2024-05-01T08:30:00Z\"}}"));

    @Test
    void theViewsDecodeWhatTheRoutesRead() throws Exception {
        RoutingConfig config =
                RouteSqlTest.parse(
                        "hubName: h",
                        "routes:",
                        "  - {name: a, source: DeviceMessages, condition: 'deviceType = ''x''', endpointNames: [events]}",
                        "  - {name: b, source: DeviceMessages, condition: 'as_number(severity) > 1', endpointNames: [events]}",
                        "  - {name: c, source: DeviceMessages, condition: '$body.temperature > 1 OR $body.name = ''n''', endpointNames: [events]}",
                        "  - {name: d, source: DeviceMessages, condition: '$twin.tags.site = ''s'' OR $twin.properties.reported.fw > 1', endpointNames: [events]}",
                        "  - {name: e, source: DeviceMessages, condition: '$connectionModuleId = ''m1''', endpointNames: [events]}");
        BaselineStatements statements =
                BaselineStatements.of(
                        config,
                        RouteSql.translate(config),
                        TWINS,
                        new BaselineStatements.Kafka("unused:9092", "d2c", "g", "p-"));

        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        ProducerRecord<byte[], byte[]> plain =
                IotHubRecords.telemetry(
                        "d2c",
                        "sensor-1-a",
                        "m1",
                        1000,
                        Map.of("deviceType", "type-1", "severity", " 7 "),
                        "{\"temperature\": 21, \"name\": \"n1\"}");
        records.add(plain);

        ProducerRecord<byte[], byte[]> fromKeyWithModule =
                IotHubRecords.telemetry(
                        "d2c",
                        "sensor-2-a",
                        "m2",
                        2000,
                        Map.of("deviceType", "y".repeat(300)),
                        "{\"temperature\": 22.5, \"name\": \"n2\"}");
        fromKeyWithModule.headers().remove("iothub-connection-device-id");
        fromKeyWithModule
                .headers()
                .add("iothub-connection-module-id", IotHubRecords.amqpString("m1"));
        replace(fromKeyWithModule, "content-type", "Application/JSON; charset=utf-8");
        replace(fromKeyWithModule, "content-encoding", "UTF-8");
        records.add(fromKeyWithModule);

        ProducerRecord<byte[], byte[]> notJson =
                IotHubRecords.telemetry(
                        "d2c", "sensor-3-a", "m3", 3000, Map.of(), "{\"temperature\": 23}");
        replace(notJson, "content-type", "text/plain");
        notJson.headers()
                .add("deviceType", ByteBuffer.allocate(9).put((byte) 0x81).putLong(42).array());
        records.add(notJson);

        records.add(
                IotHubRecords.twinChangeEvent(
                        "d2c", "h", "sensor-4-a", "updateTwin", 4000, "{\"tags\": {}}"));

        records.add(
                IotHubRecords.telemetry(
                        "d2c", "sensor-9-a", "m9", 9000, Map.of(), "{\"temperature\": \"warm\"}"));

        Map<String, Row> rows = run(statements, records);

        assertThat(rows).containsOnlyKeys("sensor-1-a", "sensor-2-a", "sensor-3-a", "sensor-9-a");

        Row first = rows.get("sensor-1-a");
        assertThat(first.getField("app:deviceType")).isEqualTo("type-1");
        assertThat(first.getField("as_number(app:severity)")).isEqualTo(7.0);
        assertThat(first.getField("sys:connectionModuleId")).isNull();
        assertThat(first.getField("body:temperature:number")).isEqualTo(21.0);
        assertThat(first.getField("body:name:string")).isEqualTo("n1");
        assertThat(first.getField("twin:tags.site:string")).isEqualTo("site-1");
        assertThat(first.getField("twin:properties.reported.fw:number")).isEqualTo(1.5);

        Row second = rows.get("sensor-2-a");
        assertThat(second.getField("app:deviceType")).as("str32").isEqualTo("y".repeat(300));
        assertThat(second.getField("sys:connectionModuleId")).isEqualTo("m1");
        assertThat(second.getField("body:temperature:number")).isEqualTo(22.5);
        assertThat(second.getField("twin:tags.site:string"))
                .as("the module's twin")
                .isEqualTo("module-site");
        assertThat(second.getField("twin:properties.reported.fw:number")).isNull();

        Row third = rows.get("sensor-3-a");
        assertThat(third.getField("app:deviceType")).as("an AMQP long").isNull();
        assertThat(third.getField("body:temperature:number")).as("not JSON").isNull();
        assertThat(third.getField("twin:tags.site:string")).as("no twin").isNull();

        Row ninth = rows.get("sensor-9-a");
        assertThat(ninth.getField("body:temperature:number")).as("a JSON string").isNull();
        assertThat(ninth.getField("twin:tags.site:string")).as("date-like").isNull();
    }

    private static void replace(
            ProducerRecord<byte[], byte[]> record, String header, String value) {
        record.headers().remove(header);
        record.headers().add(header, value.getBytes(StandardCharsets.UTF_8));
    }

    /** The rows of the last view, by device id. */
    private static Map<String, Row> run(
            BaselineStatements statements, List<ProducerRecord<byte[], byte[]>> records)
            throws Exception {
        TableEnvironment tables = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
        List<Row> values = new ArrayList<>();
        for (ProducerRecord<byte[], byte[]> record : records) {
            Map<String, byte[]> headers = new LinkedHashMap<>();
            for (Header header : record.headers()) {
                headers.put(header.key(), header.value());
            }
            values.add(
                    Row.of(
                            record.key(),
                            record.value(),
                            headers,
                            Instant.ofEpochMilli(record.timestamp())));
        }
        tables.createTemporaryView(
                BaselineStatements.SOURCE_TABLE,
                tables.fromValues(
                        ROW(
                                FIELD("key", BYTES()),
                                FIELD("value", BYTES()),
                                FIELD("headers", MAP(STRING(), BYTES())),
                                FIELD("timestamp", TIMESTAMP_LTZ(3))),
                        values));
        for (BaselineStatements.View view : statements.views()) {
            tables.createTemporaryView(view.name(), tables.sqlQuery(view.query()));
        }
        List<BaselineStatements.View> views = statements.views();
        String last = views.get(views.size() - 1).name();
        Map<String, Row> rows = new LinkedHashMap<>();
        try (CloseableIterator<Row> iterator =
                tables.sqlQuery("SELECT * FROM " + RouteSql.identifier(last)).execute().collect()) {
            while (iterator.hasNext()) {
                Row row = iterator.next();
                rows.put((String) row.getField("sys:connectionDeviceId"), row);
            }
        }
        return rows;
    }
}
