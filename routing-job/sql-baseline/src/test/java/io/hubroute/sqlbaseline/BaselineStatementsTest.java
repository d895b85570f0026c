package io.hubroute.sqlbaseline;

import static org.assertj.core.api.Assertions.assertThat;

import io.hubroute.config.RoutingConfig;
import io.hubroute.config.RoutingConfigLoader;
import io.hubroute.message.JsonPath;
import io.hubroute.message.Twin;
import io.hubroute.sqlbaseline.BaselineStatements.Insert;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The statement set's text: tables, views and INSERTs for a route file. */
class BaselineStatementsTest {
    private static final BaselineStatements.Kafka KAFKA =
            new BaselineStatements.Kafka("127.0.0.1:9092", "d2c", "group", "sql-");

    private static BaselineStatements routes100(Map<String, Twin> twins) {
        RoutingConfig config =
                RoutingConfigLoader.withoutSecrets()
                        .load(RouteSqlTest.BENCH.resolve("routes-100.yaml"))
                        .orThrow();
        return BaselineStatements.of(config, RouteSql.translate(config), twins, KAFKA);
    }

    @Test
    void theSourceReadsTheTopicFromItsStartToItsEnd() {
        String source = routes100(Map.of()).sourceTable();

        assertThat(source)
                .startsWith("CREATE TEMPORARY TABLE `iothub_messages` (")
                .contains(
                        "`headers` MAP<STRING, BYTES> METADATA",
                        "`timestamp` TIMESTAMP_LTZ(3) METADATA",
                        "'connector' = 'kafka'",
                        "'topic' = 'd2c'",
                        "'properties.bootstrap.servers' = '127.0.0.1:9092'",
                        "'properties.group.id' = 'group'",
                        "'key.format' = 'raw'",
                        "'value.format' = 'raw'",
                        "'scan.startup.mode' = 'earliest-offset'",
                        "'scan.bounded.mode' = 'latest-offset'");
    }

    @Test
    void eachEndpointIsATopicWrittenAsHubroutesEventHubsSinkWrites() {
        BaselineStatements statements = routes100(Map.of());

        assertThat(statements.sinkTables().keySet())
                .containsExactly(
                        "events", "hub0", "hub1", "hub2", "hub3", "hub4", "hub5", "hub6", "hub7",
                        "hub8", "hub9");
        assertThat(statements.sinkTables().get("hub3"))
                .startsWith("CREATE TEMPORARY TABLE `endpoint:hub3` (")
                .contains(
                        "'topic' = 'sql-hub3'",
                        "'sink.delivery-guarantee' = 'at-least-once'",
                        "'properties.enable.idempotence' = 'true'",
                        "'properties.acks' = 'all'",
                        "'properties.max.in.flight.requests.per.connection' = '5'",
                        "'properties.linger.ms' = '0'",
                        "'properties.delivery.timeout.ms' = '120000'");
    }

    @Test
    void oneInsertPerRouteAndEndpointThenTheFallback() {
        List<Insert> inserts = routes100(Map.of()).inserts();

        assertThat(inserts).hasSize(101);
        assertThat(inserts.get(0))
                .isEqualTo(
                        new Insert(
                                "route0",
                                "hub0",
                                "INSERT INTO `endpoint:hub0` SELECT `key`, `value`,"
                                        + " MAP_UNION(`headers`, CAST(MAP['hub', X'a10962656e63682d687562']"
                                        + " AS MAP<STRING, BYTES>)) AS `headers`, `timestamp`"
                                        + " FROM `decoded_messages` WHERE `app:deviceType` = 'type-0'"));
        assertThat(inserts.get(3).sql())
                .as("no enrichment for hub3")
                .isEqualTo(
                        "INSERT INTO `endpoint:hub3` SELECT `key`, `value`, `headers` AS `headers`,"
                                + " `timestamp` FROM `decoded_messages` WHERE `app:deviceType` = 'type-3'");
        assertThat(inserts.get(9).sql())
                .as("a body route reads the second view")
                .endsWith("FROM `routed_messages` WHERE `body:temperature:number` > 9.0E0");
        assertThat(inserts.get(2).sql())
                .as("hub2 is enriched from the twin")
                .contains("FROM `routed_messages`");
        assertThat(inserts.get(100).routeName()).isEqualTo("$fallback");
        assertThat(inserts.get(100).endpointName()).isEqualTo("events");
        assertThat(inserts.get(100).sql()).contains(" IS NOT TRUE");
    }

    @Test
    void aRouteToTwoEndpointsIsTwoInserts() {
        RoutingConfig config =
                RouteSqlTest.parse(
                        "hubName: h",
                        "endpoints:",
                        "  eventHubs:",
                        "    - {name: a, connectionString: '${env:X}'}",
                        "    - {name: b, connectionString: '${env:X}'}",
                        "routes:",
                        "  - {name: both, source: DeviceMessages, condition: 'level = ''x''', endpointNames: [a, b]}",
                        "fallbackRoute: {isEnabled: false, endpointNames: [events]}");
        BaselineStatements statements =
                BaselineStatements.of(config, RouteSql.translate(config), Map.of(), KAFKA);

        assertThat(statements.inserts())
                .extracting(Insert::routeName, Insert::endpointName)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("both", "a"),
                        org.assertj.core.groups.Tuple.tuple("both", "b"));
        assertThat(statements.sinkTables()).containsOnlyKeys("a", "b");
        assertThat(statements.views())
                .extracting(BaselineStatements.View::name)
                .containsExactly("decoded_messages");
    }

    @Test
    void theViewsDecodeOnlyWhatTheRoutesRead() {
        BaselineStatements statements =
                routes100(
                        Map.of(
                                "sensor-3-a", Twin.parse("{\"tags\": {\"site\": \"site-3\"}}"),
                                "sensor-4-a", Twin.parse("{\"tags\": {\"site\": 4}}")));
        String decoded = statements.views().get(0).query();
        String routed = statements.views().get(1).query();

        assertThat(decoded)
                .contains(
                        "CASE WHEN `headers`['deviceType'] >= X'A1' AND `headers`['deviceType'] < X'A2'"
                                + " THEN SUBSTRING(CAST(`headers`['deviceType'] AS STRING) FROM 3)"
                                + " WHEN `headers`['deviceType'] >= X'B1' AND `headers`['deviceType'] < X'B2'"
                                + " THEN SUBSTRING(CAST(`headers`['deviceType'] AS STRING) FROM 6) END"
                                + " AS `app:deviceType`",
                        "AS `app:model`",
                        "AS `app:level`",
                        "AS `app:severity`",
                        "AS `sys:contentType`",
                        "AS `sys:connectionModuleId`",
                        ", CAST(`key` AS STRING)) AS `sys:connectionDeviceId`",
                        "WHERE `sys:connectionDeviceId` IS NOT NULL AND (`headers`['iothub-message-source'] IS NULL")
                .doesNotContain("JSON_VALUE", "twin");
        assertThat(routed)
                .contains(
                        "TRY_CAST(JSON_VALUE(`body`, '$.temperature') AS DOUBLE) AS `body:temperature:number`",
                        "CAST(MAP['sensor-3-a', 'site-3'] AS MAP<STRING, STRING>)[`twin key`]"
                                + " AS `twin:tags.site:string`",
                        "TRY_CAST(`app:severity` AS DOUBLE) AS `as_number(app:severity)`",
                        "THEN CAST(`value` AS STRING) END AS `body`",
                        "AS `twin key`",
                        "FROM `decoded_messages` AS d");
    }

    @Test
    void aTwinEnrichmentIsTheTwinValueOrThePathText() {
        String hub2 =
                routes100(Map.of("sensor-3-a", Twin.parse("{\"tags\": {\"site\": \"site-3\"}}")))
                        .inserts()
                        .get(2)
                        .sql();

        assertThat(hub2)
                .contains(
                        "MAP['site', CASE `twin key` WHEN 'sensor-3-a' THEN "
                                + BaselineStatements.bytesLiteral(
                                        BaselineStatements.amqpBytes("site-3"))
                                + " ELSE "
                                + BaselineStatements.bytesLiteral(
                                        BaselineStatements.amqpBytes("$twin.tags.site"))
                                + " END]");
    }

    @Test
    void jsonPathsAsFlinkReadsThem() {
        assertThat(BaselineStatements.jsonPath(JsonPath.parseOrNull("a.b[0].c")))
                .isEqualTo("$.a.b[0].c");
        assertThat(BaselineStatements.jsonPath(JsonPath.parseOrNull("größe")))
                .isEqualTo("$['größe']");
        assertThat(BaselineStatements.jsonPath(JsonPath.parseOrNull("it's")))
                .isEqualTo("$['it\\'s']");
        assertThat(BaselineStatements.jsonPath(JsonPath.parseOrNull("a-b"))).isEqualTo("$['a-b']");
    }

    @Test
    void amqpStringsAsIotHubWritesThem() {
        assertThat(BaselineStatements.bytesLiteral(BaselineStatements.amqpBytes("hub")))
                .isEqualTo("X'a103687562'");
        byte[] long32 = BaselineStatements.amqpBytes("x".repeat(256));
        assertThat(long32).hasSize(261);
        assertThat(BaselineStatements.bytesLiteral(java.util.Arrays.copyOf(long32, 5)))
                .isEqualTo("X'b100000100'");
    }
}
