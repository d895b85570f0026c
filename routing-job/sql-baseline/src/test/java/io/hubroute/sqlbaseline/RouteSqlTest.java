package io.hubroute.sqlbaseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hubroute.config.RoutingConfig;
import io.hubroute.config.RoutingConfigLoader;
import io.hubroute.message.JsonPath;
import io.hubroute.message.Twin;
import io.hubroute.sqlbaseline.RouteSql.AppPropertyColumn;
import io.hubroute.sqlbaseline.RouteSql.AsNumberColumn;
import io.hubroute.sqlbaseline.RouteSql.BodyColumn;
import io.hubroute.sqlbaseline.RouteSql.MessageColumn;
import io.hubroute.sqlbaseline.RouteSql.RouteFilter;
import io.hubroute.sqlbaseline.RouteSql.SystemPropertyColumn;
import io.hubroute.sqlbaseline.RouteSql.TwinColumn;
import io.hubroute.sqlbaseline.RouteSql.ValueKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Conditions to WHERE clauses: every form the bench route files use, and what is refused. */
class RouteSqlTest {
    static final Path BENCH = Path.of("..", "..", "examples", "bench");

    private final Map<String, MessageColumn> columns = new LinkedHashMap<>();

    private String where(String condition) {
        return RouteSql.where("r", condition, columns);
    }

    @Test
    void applicationPropertyEqualityReadsTheDecodedProperty() {
        assertThat(where("deviceType = 'type-3'")).isEqualTo("`app:deviceType` = 'type-3'");
        assertThat(columns.values()).containsExactly(new AppPropertyColumn("deviceType"));
    }

    @Test
    void bodyComparisonReadsTheBodyValueAsANumber() {
        assertThat(where("$body.temperature > 9")).isEqualTo("`body:temperature:number` > 9.0E0");
        assertThat(columns.values())
                .containsExactly(
                        new BodyColumn(JsonPath.parseOrNull("temperature"), ValueKind.NUMBER));
    }

    @Test
    void literalOnTheLeftStaysOnTheLeft() {
        assertThat(where("31.5 < $body.temperature"))
                .isEqualTo("31.5E0 < `body:temperature:number`");
        assertThat(where("10.22 >= $body.humidity")).isEqualTo("10.22E0 >= `body:humidity:number`");
        assertThat(where("$body.temperature >= 76.95"))
                .isEqualTo("`body:temperature:number` >= 76.95E0");
        assertThat(where("$body.humidity <= 3.74")).isEqualTo("`body:humidity:number` <= 3.74E0");
    }

    @Test
    void systemPropertyAndApplicationProperty() {
        assertThat(where("$contentType = 'application/json' AND level = 'l49'"))
                .isEqualTo("(`sys:contentType` = 'application/json' AND `app:level` = 'l49')");
        assertThat(columns.values())
                .containsExactly(
                        new SystemPropertyColumn("contentType"), new AppPropertyColumn("level"));
    }

    @Test
    void twinTagEqualityReadsTheTwinValueAsAString() {
        assertThat(where("$twin.tags.site = 'site-19'"))
                .isEqualTo("`twin:tags.site:string` = 'site-19'");
        assertThat(where("$twin.properties.reported.firmware >= 1.5"))
                .isEqualTo("`twin:properties.reported.firmware:number` >= 1.5E0");
        assertThat(columns.values())
                .containsExactly(
                        new TwinColumn(
                                Twin.Section.TAGS, JsonPath.parseOrNull("site"), ValueKind.STRING),
                        new TwinColumn(
                                Twin.Section.REPORTED,
                                JsonPath.parseOrNull("firmware"),
                                ValueKind.NUMBER));
    }

    @Test
    void asNumberOfAPropertyAndABodyRange() {
        assertThat(where("as_number(severity) >= 39 AND $body.humidity < 50"))
                .isEqualTo(
                        "(`as_number(app:severity)` >= 39.0E0 AND `body:humidity:number` < 50.0E0)");
        assertThat(columns.values())
                .containsExactly(
                        new AsNumberColumn(new AppPropertyColumn("severity")),
                        new BodyColumn(JsonPath.parseOrNull("humidity"), ValueKind.NUMBER));
        assertThat(where("as_number($body.count) = 2")).isEqualTo("`body:count:number` = 2.0E0");
    }

    @Test
    void startsWithIsALikePrefix() {
        assertThat(where("starts_with($connectionDeviceId, 'sensor-29-')"))
                .isEqualTo("`sys:connectionDeviceId` LIKE 'sensor-29-%'");
        assertThat(where("ends_with(level, 'x')")).isEqualTo("`app:level` LIKE '%x'");
        assertThat(where("contains(level, 'x')")).isEqualTo("`app:level` LIKE '%x%'");
        assertThat(where("starts_with(level, '5%_!')"))
                .isEqualTo("`app:level` LIKE '5!%!_!!%' ESCAPE '!'");
    }

    @ParameterizedTest
    @CsvSource(
            delimiterString = " => ",
            quoteCharacter = '"',
            value = {
                "level = 'a'  => `app:level` = 'a'",
                "level != 'a' => `app:level` <> 'a'",
                "level <> 'a' => `app:level` <> 'a'",
                "level < 'a'  => `app:level` < 'a'",
                "level <= 'a' => `app:level` <= 'a'",
                "level > 'a'  => `app:level` > 'a'",
                "level >= 'a' => `app:level` >= 'a'",
                "level = model => `app:level` = `app:model`",
                "$body.name = 'x' => `body:name:string` = 'x'",
                "$body.readings[1] != 2 => `body:readings[1]:number` <> 2.0E0",
                "$body.status.code < -1 => `body:status.code:number` < -1.0E0",
                "{$contentType} = 'a' => `sys:contentType` = 'a'",
                "$content-type = 'a' => `sys:contentType` = 'a'",
                "$iothub-connection-device-id = 'd' => `sys:connectionDeviceId` = 'd'",
                "$connectionModuleId = 'm' => `sys:connectionModuleId` = 'm'",
                "$messageId = 'm' => `sys:messageId` = 'm'",
                "$dt-dataschema = 'm' => `sys:dt-dataschema` = 'm'",
                "level = 'it\\'s' => `app:level` = 'it''s'",
                "a`b = 'x' => `app:a``b` = 'x'",
            })
    void comparisons(String condition, String expected) {
        assertThat(where(condition)).isEqualTo(expected);
    }

    @Test
    void logicCombinesWithParentheses() {
        assertThat(where("NOT (level = 'a') OR model = 'b' AND level = 'c'"))
                .isEqualTo(
                        "(NOT (`app:level` = 'a') OR (`app:model` = 'b' AND `app:level` = 'c'))");
        assertThat(where("NOT (NOT (level = 'a'))")).isEqualTo("NOT (NOT (`app:level` = 'a'))");
    }

    @Test
    void constantsAndBlankConditions() {
        assertThat(where("")).isEqualTo("TRUE");
        assertThat(where("  ")).isEqualTo("TRUE");
        assertThat(where("true")).isEqualTo("TRUE");
        assertThat(where("false")).isEqualTo("FALSE");
        assertThat(where("undefined")).isEqualTo("CAST(NULL AS BOOLEAN)");
        assertThat(where("null")).isEqualTo("FALSE");
        assertThat(columns).isEmpty();
    }

    @Test
    void aColumnReadByManyRoutesIsListedOnce() {
        where("level = 'a'");
        where("level = 'b' OR level = 'c'");
        assertThat(columns.values()).containsExactly(new AppPropertyColumn("level"));
    }

    @ParameterizedTest
    @CsvSource(
            delimiterString = " => ",
            quoteCharacter = '"',
            value = {
                "as_number(severity) + 1 > 3 => arithmetic '+'",
                "- as_number(severity) > 3 => unary '-'",
                "lower(level) = 'x' => function 'lower'",
                "length(level) > 3 => function 'length'",
                "is_defined(level) => function 'is_defined'",
                "level || 'x' = 'ax' => function 'concat'",
                "(severity ?? 'low') = 'low' => '??'",
                "$body.ok => a $body or $twin value used as a condition",
                "$body.ok AND level = 'a' => a $body or $twin value used as a condition",
                "$body.a = $body.b => a comparison of two $body or $twin values",
                "$body.x = null => a comparison with the literal null",
                "$body.ok = true => a comparison with the literal true",
                "$enqueuedTime > '2024' => system property '$enqueuedTime'",
                "$iothub-enqueuedtime > '2024' => system property '$iothub-enqueuedtime'",
                "$creation-time-utc > '2024' => system property '$creation-time-utc'",
                "starts_with(level, model) => function 'starts_with' with a second argument that is not a string literal",
                "as_number($twin.tags.x) > 1 => function 'as_number' of a $twin value",
                "level = 3 => condition does not compile: operator '=' cannot compare string with number",
                "level = => condition does not compile",
            })
    void unsupportedConstructsAreRefusedNamingTheRoute(String condition, String construct) {
        assertThatThrownBy(() -> RouteSql.where("alerts", condition, columns))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("route 'alerts': ")
                .hasMessageContaining(construct);
    }

    @Test
    void aRefusalNamesTheConditionAndTheBaseline() {
        assertThatThrownBy(() -> RouteSql.where("alerts", "lower(level) = 'x'", columns))
                .hasMessage(
                        "route 'alerts': function 'lower' is not supported by the SQL baseline"
                                + " (condition: lower(level) = 'x')");
    }

    @Test
    void translateKeepsEnabledDeviceMessagesRoutesAndWritesTheFallback() {
        RoutingConfig config =
                parse(
                        "hubName: h",
                        "endpoints:",
                        "  eventHubs:",
                        "    - {name: a, connectionString: '${env:X}'}",
                        "    - {name: b, connectionString: '${env:X}'}",
                        "routes:",
                        "  - {name: one, source: DeviceMessages, condition: 'level = ''x''', endpointNames: [a, b]}",
                        "  - {name: off, source: DeviceMessages, condition: 'level = ''y''', endpointNames: [a], isEnabled: false}",
                        "  - {name: twin, source: TwinChangeEvents, condition: '', endpointNames: [a]}",
                        "  - {name: two, source: DeviceMessages, condition: '$body.t > 3', endpointNames: [b]}",
                        "fallbackRoute: {isEnabled: true, endpointNames: [events], condition: 'model = ''m'''}");
        RouteSql sql = RouteSql.translate(config);

        assertThat(sql.filters())
                .containsExactly(
                        new RouteFilter(
                                "one",
                                List.of("a", "b"),
                                "`app:level` = 'x'",
                                List.of(new AppPropertyColumn("level"))),
                        new RouteFilter(
                                "two",
                                List.of("b"),
                                "`body:t:number` > 3.0E0",
                                List.of(
                                        new BodyColumn(
                                                JsonPath.parseOrNull("t"), ValueKind.NUMBER))));
        RouteFilter fallback = sql.fallback().orElseThrow();
        assertThat(fallback.routeName()).isEqualTo("$fallback");
        assertThat(fallback.endpointNames()).containsExactly("events");
        assertThat(fallback.where())
                .isEqualTo(
                        "(`app:level` = 'x' OR `body:t:number` > 3.0E0) IS NOT TRUE"
                                + " AND `app:model` = 'm'");
        assertThat(fallback.columns()).isEqualTo(sql.columns());
        assertThat(sql.columns())
                .extracting(MessageColumn::name)
                .containsExactly("app:level", "body:t:number", "app:model");
    }

    @Test
    void theFallbackOfManyRoutesIsABalancedOrTree() {
        StringBuilder yaml = new StringBuilder("hubName: h\nroutes:\n");
        for (int i = 0; i < 5; i++) {
            yaml.append("  - {name: r")
                    .append(i)
                    .append(", source: DeviceMessages, condition: 'level = ''")
                    .append(i)
                    .append("''', endpointNames: [events]}\n");
        }
        RouteSql sql = RouteSql.translate(parse(yaml.toString()));

        assertThat(sql.fallback().orElseThrow().where())
                .isEqualTo(
                        "((`app:level` = '0' OR `app:level` = '1') OR (`app:level` = '2'"
                                + " OR (`app:level` = '3' OR `app:level` = '4'))) IS NOT TRUE");
    }

    @Test
    void theFallbackOfOneRouteNegatesItsCondition() {
        RouteSql sql =
                RouteSql.translate(
                        parse(
                                "hubName: h",
                                "routes:",
                                "  - {name: one, source: DeviceMessages, condition: 'level = ''x''', endpointNames: [events]}"));

        assertThat(sql.fallback().orElseThrow().where())
                .isEqualTo("(`app:level` = 'x') IS NOT TRUE");
    }

    @Test
    void aDisabledFallbackWritesNothing() {
        RoutingConfig config =
                parse(
                        "hubName: h",
                        "routes:",
                        "  - {name: one, source: DeviceMessages, condition: '', endpointNames: [events]}",
                        "fallbackRoute: {isEnabled: false, endpointNames: [events]}");
        RouteSql sql = RouteSql.translate(config);

        assertThat(sql.filters())
                .containsExactly(new RouteFilter("one", List.of("events"), "TRUE", List.of()));
        assertThat(sql.fallback()).isEmpty();
    }

    @Test
    void anUnsupportedRouteFailsTheWholeTranslation() {
        RoutingConfig config =
                parse(
                        "hubName: h",
                        "routes:",
                        "  - {name: fine, source: DeviceMessages, condition: 'level = ''x''', endpointNames: [events]}",
                        "  - {name: lowered, source: DeviceMessages, condition: 'lower(level) = ''x''', endpointNames: [events]}");

        assertThatThrownBy(() -> RouteSql.translate(config))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("route 'lowered': function 'lower'");
    }

    @Test
    void everyRouteOfEveryBenchFileTranslates() throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> listed = Files.list(BENCH)) {
            listed.filter(path -> path.getFileName().toString().matches("routes.*\\.yaml"))
                    .sorted()
                    .forEach(files::add);
        }
        assertThat(files)
                .extracting(path -> path.getFileName().toString())
                .contains("routes-100.yaml", "routes-1000.yaml");
        for (Path file : files) {
            RoutingConfig config = RoutingConfigLoader.withoutSecrets().load(file).orThrow();
            RouteSql sql = RouteSql.translate(config);
            assertThat(sql.filters()).as(file.toString()).hasSize(config.routes().size());
            assertThat(sql.fallback()).as(file.toString()).isPresent();
        }
    }

    static RoutingConfig parse(String... lines) {
        return RoutingConfigLoader.withoutSecrets()
                .parse(String.join("\n", lines) + "\n", "routes.yaml", Path.of("."))
                .orThrow();
    }
}
