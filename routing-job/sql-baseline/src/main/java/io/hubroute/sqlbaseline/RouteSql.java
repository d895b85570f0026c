package io.hubroute.sqlbaseline;

import io.hubroute.config.FallbackRoute;
import io.hubroute.config.Route;
import io.hubroute.config.RoutingConfig;
import io.hubroute.message.JsonPath;
import io.hubroute.message.RoutingSource;
import io.hubroute.message.SystemPropertyNames;
import io.hubroute.message.Twin;
import io.hubroute.query.CompileError;
import io.hubroute.query.analyzer.Analyzer;
import io.hubroute.query.analyzer.Builtin;
import io.hubroute.query.analyzer.Type;
import io.hubroute.query.analyzer.TypedExpression;
import io.hubroute.query.analyzer.TypedExpression.AppProperty;
import io.hubroute.query.analyzer.TypedExpression.BodyQuery;
import io.hubroute.query.analyzer.TypedExpression.Call;
import io.hubroute.query.analyzer.TypedExpression.Comparison;
import io.hubroute.query.analyzer.TypedExpression.Constant;
import io.hubroute.query.analyzer.TypedExpression.Logical;
import io.hubroute.query.analyzer.TypedExpression.Not;
import io.hubroute.query.analyzer.TypedExpression.SystemProperty;
import io.hubroute.query.analyzer.TypedExpression.TwinQuery;
import io.hubroute.query.ast.Operator;
import io.hubroute.query.parser.ConditionParser;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Translates the routes of a route file into Flink SQL {@code WHERE} clauses over the views of
 * decoded message values that {@link BaselineStatements} writes: one {@link RouteFilter} per
 * enabled {@code DeviceMessages} route, and the {@link MessageColumn}s they read, each computed
 * once per message for all routes.
 *
 * <p>What translates (everything the bench route files use, and their AND/OR/NOT combinations):
 *
 * <ul>
 *   <li>comparisons {@code = != <> < <= > >=} between a value and a string or number literal, or
 *       between two property values: application properties ({@code level}), system properties
 *       ({@code $contentType}, {@code $connectionDeviceId}, ... but not {@code $enqueuedTime}),
 *       {@code $body.path} and {@code $twin.tags|properties.desired|properties.reported.path};
 *   <li>{@code as_number(x)} of a property or a {@code $body} value;
 *   <li>{@code starts_with}, {@code ends_with} and {@code contains} with a literal second argument
 *       ({@code LIKE}).
 * </ul>
 *
 * Anything else (arithmetic, {@code ??}, other functions, a {@code $body} value as a condition, a
 * comparison with {@code true}, {@code false} or {@code null}) is refused with an {@link
 * IllegalArgumentException} that names the route and the construct.
 *
 * <p>Semantics: a route matches only when its condition is TRUE, and SQL's three-valued logic is
 * the spec's Kleene logic with NULL as undefined. Where the SQL differs from the spec (sections of
 * shared/spec/routing-query-language.md), not at all or not cheaply fixable in plain SQL:
 *
 * <ul>
 *   <li>§5 property names are case-sensitive: {@code headers['level']} does not find a property
 *       sent as {@code Level}. The {@code $name} shadowing by an application property keyed {@code
 *       $name} is not reproduced.
 *   <li>§7 json with a literal of another kind: a {@code $body} or {@code $twin} value is compared
 *       as a number ({@code TRY_CAST(JSON_VALUE(...) AS DOUBLE)}) against a number and as text
 *       against a string, so a {@code $body} string {@code "30"} equals 30 and a {@code $body}
 *       number 5 equals {@code '5'} ({@code $twin} values of the other kind are NULL); the spec's
 *       cross-kind order (bool &lt; number &lt; string &lt; null) is not reproduced: a value of
 *       another kind, a missing path or JSON null gives NULL where the spec orders it, so {@code
 *       $body.missing > 9} or {@code $twin.tags.site != 'x'} without a site are T in the spec and
 *       no match here (equalities agree). Date-like {@code $body} strings compare as strings (the
 *       spec makes them undefined; date-like {@code $twin} strings are NULL, as there).
 *   <li>§7 strings compare by UTF-8 bytes, not UTF-16 units (differs only between supplementary
 *       characters and U+E000..U+FFFF).
 *   <li>§10 {@code $body} needs {@code contentType} application/json and {@code contentEncoding}
 *       utf-8 (UTF-16/32 bodies are undefined here); JSON is parsed leniently and a UTF-8 BOM is
 *       not skipped.
 *   <li>§13 {@code as_number} is {@code TRY_CAST(x AS DOUBLE)}: no {@code ,} separators, trailing
 *       signs or parentheses.
 * </ul>
 *
 * <pre>{@code
 * RouteSql sql = RouteSql.translate(config);
 * for (RouteSql.RouteFilter filter : sql.filters()) {
 *     ... "INSERT INTO ... SELECT ... FROM routed_messages WHERE " + filter.where()
 * }
 * }</pre>
 */
public final class RouteSql {
    /**
     * One route: the endpoints it writes to, its condition as a SQL boolean expression, and the
     * view columns that expression reads.
     */
    public record RouteFilter(
            String routeName,
            List<String> endpointNames,
            String where,
            List<MessageColumn> columns) {
        public RouteFilter {
            Objects.requireNonNull(routeName, "routeName");
            endpointNames = List.copyOf(endpointNames);
            Objects.requireNonNull(where, "where");
            columns = List.copyOf(columns);
        }
    }

    /** How a {@code $body} or {@code $twin} value is compared. */
    public enum ValueKind {
        STRING,
        NUMBER
    }

    /** A value of the message that conditions read, computed once per message in the view. */
    public sealed interface MessageColumn
            permits AppPropertyColumn,
                    SystemPropertyColumn,
                    BodyColumn,
                    TwinColumn,
                    AsNumberColumn {
        /** The view's column name (quote it with {@link #identifier(String)}). */
        String name();
    }

    /** An application property, decoded from its AMQP-typed header. */
    public record AppPropertyColumn(String property) implements MessageColumn {
        @Override
        public String name() {
            return "app:" + property;
        }
    }

    /** A system property under its queryable name ({@link SystemPropertyNames}). */
    public record SystemPropertyColumn(String property) implements MessageColumn {
        @Override
        public String name() {
            return "sys:" + property;
        }
    }

    /** {@code $body.path}, as text or as a number. */
    public record BodyColumn(JsonPath path, ValueKind kind) implements MessageColumn {
        @Override
        public String name() {
            return "body:" + path.text() + ":" + kind.name().toLowerCase(Locale.ROOT);
        }
    }

    /** {@code $twin.<section>.path} of the message's device or module, as text or as a number. */
    public record TwinColumn(Twin.Section section, JsonPath path, ValueKind kind)
            implements MessageColumn {
        @Override
        public String name() {
            return "twin:"
                    + sectionPrefix(section)
                    + path.text()
                    + ":"
                    + kind.name().toLowerCase(Locale.ROOT);
        }
    }

    /** {@code as_number(property)}. */
    public record AsNumberColumn(MessageColumn text) implements MessageColumn {
        @Override
        public String name() {
            return "as_number(" + text.name() + ")";
        }
    }

    /** The system properties the view can read: queryable name first, in spec §5 order. */
    static final List<String> SUPPORTED_SYSTEM_PROPERTIES =
            List.of(
                    SystemPropertyNames.MESSAGE_ID,
                    SystemPropertyNames.USER_ID,
                    SystemPropertyNames.TO,
                    SystemPropertyNames.CORRELATION_ID,
                    SystemPropertyNames.CONTENT_TYPE,
                    SystemPropertyNames.CONTENT_ENCODING,
                    SystemPropertyNames.CONNECTION_DEVICE_ID,
                    SystemPropertyNames.CONNECTION_MODULE_ID,
                    SystemPropertyNames.CONNECTION_DEVICE_GENERATION_ID,
                    SystemPropertyNames.CONNECTION_AUTH_METHOD,
                    SystemPropertyNames.DT_DATASCHEMA,
                    SystemPropertyNames.DT_SUBJECT);

    /** The name IoT Hub gives the fallback route. */
    public static final String FALLBACK_ROUTE_NAME = "$fallback";

    private final List<RouteFilter> filters;
    private final RouteFilter fallback;
    private final List<MessageColumn> columns;

    private RouteSql(List<RouteFilter> filters, RouteFilter fallback, List<MessageColumn> columns) {
        this.filters = List.copyOf(filters);
        this.fallback = fallback;
        this.columns = List.copyOf(columns);
    }

    /**
     * Translates every enabled {@code DeviceMessages} route, in file order; routes of other sources
     * never see telemetry and are left out, as are disabled routes.
     *
     * @throws IllegalArgumentException naming the first route whose condition does not translate
     *     and what in it does not
     */
    public static RouteSql translate(RoutingConfig config) {
        Objects.requireNonNull(config, "config");
        Map<String, MessageColumn> columns = new LinkedHashMap<>();
        List<RouteFilter> filters = new ArrayList<>();
        for (Route route : config.routes()) {
            if (!route.enabled() || route.source() != RoutingSource.DEVICE_MESSAGES) {
                continue;
            }
            List<MessageColumn> read = new ArrayList<>();
            String where = where(route.name(), route.condition(), columns, read);
            filters.add(new RouteFilter(route.name(), route.endpointNames(), where, read));
        }
        FallbackRoute fallback = config.fallbackRoute();
        RouteFilter fallbackFilter = null;
        if (fallback.enabled() && !fallback.endpointNames().isEmpty()) {
            String own =
                    where(FALLBACK_ROUTE_NAME, fallback.condition(), columns, new ArrayList<>());
            List<String> conditions = new ArrayList<>();
            for (RouteFilter filter : filters) {
                conditions.add(filter.where());
            }
            // "matched no route": no condition is TRUE (FALSE and NULL both count as no match)
            String where =
                    filters.isEmpty()
                            ? own
                            : (conditions.size() == 1
                                            ? "(" + conditions.get(0) + ")"
                                            : anyOf(conditions, 0, conditions.size()))
                                    + " IS NOT TRUE"
                                    + (own.equals("TRUE") ? "" : " AND " + own);
            fallbackFilter =
                    new RouteFilter(
                            FALLBACK_ROUTE_NAME,
                            fallback.endpointNames(),
                            where,
                            new ArrayList<>(columns.values()));
        }
        return new RouteSql(filters, fallbackFilter, new ArrayList<>(columns.values()));
    }

    /**
     * One condition of a {@code DeviceMessages} route as a SQL boolean expression; the columns it
     * reads are added to {@code columns} (keyed by name, in first-use order).
     *
     * @throws IllegalArgumentException when the condition does not translate
     */
    static String where(String routeName, String condition, Map<String, MessageColumn> columns) {
        return where(routeName, condition, columns, new ArrayList<>());
    }

    /** As {@link #where(String, String, Map)}, also listing in {@code read} what it reads. */
    static String where(
            String routeName,
            String condition,
            Map<String, MessageColumn> columns,
            List<MessageColumn> read) {
        if (condition.isBlank()) {
            return "TRUE";
        }
        ConditionParser.ParseResult parsed = ConditionParser.parse(condition);
        if (parsed.error() != null) {
            throw new IllegalArgumentException(
                    "route '"
                            + routeName
                            + "': condition does not compile: "
                            + parsed.error().message());
        }
        Analyzer.Analysis analysis =
                Analyzer.analyze(parsed.expression(), RoutingSource.DEVICE_MESSAGES);
        if (!analysis.errors().isEmpty()) {
            CompileError first = analysis.errors().get(0);
            throw new IllegalArgumentException(
                    "route '" + routeName + "': condition does not compile: " + first.message());
        }
        return new Translator(routeName, condition, columns, read).condition(analysis.expression());
    }

    /**
     * {@code (a OR b OR ...)} of {@code conditions[from, to)}, parenthesized as a balanced tree: a
     * chain of a thousand ORs is a thousand levels of recursion in the SQL parser and converter,
     * more than the default thread stack holds.
     */
    private static String anyOf(List<String> conditions, int from, int to) {
        if (to - from == 1) {
            return conditions.get(from);
        }
        int middle = (from + to) >>> 1;
        return "(" + anyOf(conditions, from, middle) + " OR " + anyOf(conditions, middle, to) + ")";
    }

    /** The routes' filters, in file order. */
    public List<RouteFilter> filters() {
        return filters;
    }

    /**
     * The fallback route when it is enabled: DeviceMessages for which no route's condition is TRUE
     * (and the fallback's own condition is), to the fallback's endpoints (spec §15).
     */
    public Optional<RouteFilter> fallback() {
        return Optional.ofNullable(fallback);
    }

    /** The columns the filters read, each once, in first-use order. */
    public List<MessageColumn> columns() {
        return columns;
    }

    /** A Flink SQL identifier: backquoted, inner backquotes doubled. */
    public static String identifier(String name) {
        return "`" + name.replace("`", "``") + "`";
    }

    /** A Flink SQL string literal. */
    public static String stringLiteral(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    /** A Flink SQL DOUBLE literal of exactly {@code value}. */
    public static String doubleLiteral(double value) {
        if (Double.isNaN(value)) {
            return "CAST(NULL AS DOUBLE)";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "CAST('Infinity' AS DOUBLE)" : "CAST('-Infinity' AS DOUBLE)";
        }
        // an exponent makes Calcite read an approximate (DOUBLE) literal, not a DECIMAL
        String text = Double.toString(value);
        return text.indexOf('E') >= 0 ? text : text + "E0";
    }

    static String sectionPrefix(Twin.Section section) {
        switch (section) {
            case TAGS:
                return "tags.";
            case DESIRED:
                return "properties.desired.";
            default:
                return "properties.reported.";
        }
    }

    /** One condition's translation; collects the columns it reads. */
    private static final class Translator {
        private final String routeName;
        private final String condition;
        private final Map<String, MessageColumn> columns;
        private final List<MessageColumn> read;

        Translator(
                String routeName,
                String condition,
                Map<String, MessageColumn> columns,
                List<MessageColumn> read) {
            this.routeName = routeName;
            this.condition = condition;
            this.columns = columns;
            this.read = read;
        }

        /** A SQL boolean expression: TRUE, FALSE or NULL (undefined). */
        String condition(TypedExpression expression) {
            if (expression instanceof Logical) {
                Logical logical = (Logical) expression;
                String operator = logical.operator() == Operator.AND ? " AND " : " OR ";
                return "("
                        + condition(logical.left())
                        + operator
                        + condition(logical.right())
                        + ")";
            }
            if (expression instanceof Not) {
                return "NOT (" + condition(((Not) expression).operand()) + ")";
            }
            if (expression instanceof Comparison) {
                return comparison((Comparison) expression);
            }
            if (expression instanceof Call) {
                return predicate((Call) expression);
            }
            if (expression instanceof Constant) {
                Constant constant = (Constant) expression;
                if (constant.type() == Type.BOOL && constant.value() != null) {
                    return (Boolean) constant.value() ? "TRUE" : "FALSE";
                }
                // null routes as false (spec §15); undefined stays unknown
                return constant.type() == Type.NULL ? "FALSE" : "CAST(NULL AS BOOLEAN)";
            }
            if (expression instanceof BodyQuery || expression instanceof TwinQuery) {
                throw unsupported("a $body or $twin value used as a condition");
            }
            throw unsupported(describe(expression));
        }

        private String comparison(Comparison comparison) {
            ValueKind leftKind = staticKind(comparison.left());
            ValueKind rightKind = staticKind(comparison.right());
            ValueKind kind = leftKind != null ? leftKind : rightKind;
            if (kind == null) {
                throw unsupported(
                        isJson(comparison.left()) && isJson(comparison.right())
                                ? "a comparison of two $body or $twin values"
                                : "a comparison with "
                                        + describe(
                                                isJson(comparison.left())
                                                        ? comparison.right()
                                                        : comparison.left()));
            }
            if (leftKind != null && rightKind != null && leftKind != rightKind) {
                // the analyzer only lets equal static types meet; kept for safety
                throw unsupported("a comparison of a string with a number");
            }
            return value(comparison.left(), kind)
                    + " "
                    + sqlOperator(comparison.operator())
                    + " "
                    + value(comparison.right(), kind);
        }

        private String predicate(Call call) {
            Builtin function = call.function();
            if (function != Builtin.STARTS_WITH
                    && function != Builtin.ENDS_WITH
                    && function != Builtin.CONTAINS) {
                throw unsupported(describe(call));
            }
            TypedExpression text = call.arguments().get(0);
            TypedExpression part = call.arguments().get(1);
            if (!(part instanceof Constant) || ((Constant) part).type() != Type.STRING) {
                throw unsupported(
                        "function '"
                                + functionName(function)
                                + "' with a second argument that is not a string literal");
            }
            String literal = (String) ((Constant) part).value();
            boolean special =
                    literal.indexOf('%') >= 0
                            || literal.indexOf('_') >= 0
                            || literal.indexOf('!') >= 0;
            String escaped =
                    special
                            ? literal.replace("!", "!!").replace("%", "!%").replace("_", "!_")
                            : literal;
            String pattern;
            if (function == Builtin.STARTS_WITH) {
                pattern = escaped + "%";
            } else if (function == Builtin.ENDS_WITH) {
                pattern = "%" + escaped;
            } else {
                pattern = "%" + escaped + "%";
            }
            return value(text, ValueKind.STRING)
                    + " LIKE "
                    + stringLiteral(pattern)
                    + (special ? " ESCAPE '!'" : "");
        }

        /** The kind of a value whose type is fixed, or null for json (and other types). */
        private static ValueKind staticKind(TypedExpression expression) {
            if (expression.type() == Type.STRING) {
                return ValueKind.STRING;
            }
            if (expression.type() == Type.NUMBER) {
                return ValueKind.NUMBER;
            }
            return null;
        }

        private static boolean isJson(TypedExpression expression) {
            return expression instanceof BodyQuery || expression instanceof TwinQuery;
        }

        /** A SQL value of {@code kind}: a literal or a view column. */
        private String value(TypedExpression expression, ValueKind kind) {
            if (expression instanceof Constant) {
                Constant constant = (Constant) expression;
                if (constant.type() == Type.STRING) {
                    return stringLiteral((String) constant.value());
                }
                if (constant.type() == Type.NUMBER) {
                    return doubleLiteral((Double) constant.value());
                }
                throw unsupported(describe(constant));
            }
            if (expression instanceof AppProperty) {
                return column(new AppPropertyColumn(((AppProperty) expression).name()));
            }
            if (expression instanceof SystemProperty) {
                return column(systemProperty((SystemProperty) expression));
            }
            if (expression instanceof BodyQuery) {
                return column(new BodyColumn(((BodyQuery) expression).path(), kind));
            }
            if (expression instanceof TwinQuery) {
                TwinQuery twin = (TwinQuery) expression;
                return column(new TwinColumn(twin.section(), twin.path(), kind));
            }
            if (expression instanceof Call && ((Call) expression).function() == Builtin.AS_NUMBER) {
                TypedExpression argument = ((Call) expression).arguments().get(0);
                if (argument instanceof AppProperty) {
                    return column(
                            new AsNumberColumn(
                                    new AppPropertyColumn(((AppProperty) argument).name())));
                }
                if (argument instanceof SystemProperty) {
                    return column(new AsNumberColumn(systemProperty((SystemProperty) argument)));
                }
                if (argument instanceof BodyQuery) {
                    // a JSON number passes, a JSON string is parsed: what the number column does
                    return column(new BodyColumn(((BodyQuery) argument).path(), ValueKind.NUMBER));
                }
                if (argument instanceof Constant && argument.type() == Type.NUMBER) {
                    return value(argument, ValueKind.NUMBER);
                }
                throw unsupported("function 'as_number' of " + describe(argument));
            }
            throw unsupported(describe(expression));
        }

        private SystemPropertyColumn systemProperty(SystemProperty property) {
            String canonical = SystemPropertyNames.canonicalName(property.name());
            if (!SUPPORTED_SYSTEM_PROPERTIES.contains(canonical)) {
                throw unsupported("system property '$" + property.name() + "'");
            }
            return new SystemPropertyColumn(canonical);
        }

        private String column(MessageColumn column) {
            columns.putIfAbsent(column.name(), column);
            if (!read.contains(column)) {
                read.add(column);
            }
            return identifier(column.name());
        }

        private static String sqlOperator(Operator operator) {
            switch (operator) {
                case EQUAL:
                    return "=";
                case NOT_EQUAL:
                case NOT_EQUAL_ALTERNATIVE:
                    return "<>";
                case LESS:
                    return "<";
                case LESS_OR_EQUAL:
                    return "<=";
                case GREATER:
                    return ">";
                case GREATER_OR_EQUAL:
                    return ">=";
                default:
                    throw new IllegalStateException("not a comparison: " + operator);
            }
        }

        private static String describe(TypedExpression expression) {
            if (expression instanceof Constant) {
                Constant constant = (Constant) expression;
                if (constant.type() == Type.BOOL) {
                    return constant.value() == null
                            ? "an undefined value"
                            : "the literal " + constant.value();
                }
                if (constant.type() == Type.NULL) {
                    return "the literal null";
                }
                if (constant.type() == Type.UNDEFINED) {
                    return "the undefined constant";
                }
                return "a literal";
            }
            if (expression instanceof TypedExpression.Arithmetic) {
                return "arithmetic '"
                        + ((TypedExpression.Arithmetic) expression).operator().symbol()
                        + "'";
            }
            if (expression instanceof TypedExpression.Negate) {
                return "unary '-'";
            }
            if (expression instanceof TypedExpression.Coalesce) {
                return "'??'";
            }
            if (expression instanceof TypedExpression.TwinChangeIncludes) {
                return "function 'twin_change_includes'";
            }
            if (expression instanceof Call) {
                return "function '" + functionName(((Call) expression).function()) + "'";
            }
            if (expression instanceof BodyQuery) {
                return "a $body value";
            }
            if (expression instanceof TwinQuery) {
                return "a $twin value";
            }
            if (expression instanceof Comparison || expression instanceof Logical) {
                return "a condition used as a value";
            }
            if (expression instanceof Not) {
                return "NOT used as a value";
            }
            return expression.getClass().getSimpleName();
        }

        private static String functionName(Builtin function) {
            return function.name().toLowerCase(Locale.ROOT);
        }

        private IllegalArgumentException unsupported(String construct) {
            return new IllegalArgumentException(
                    "route '"
                            + routeName
                            + "': "
                            + construct
                            + " is not supported by the SQL baseline (condition: "
                            + condition
                            + ")");
        }
    }
}
