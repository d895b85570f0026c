package io.hubroute.routing;

import io.hubroute.config.Endpoint;
import io.hubroute.config.FallbackRoute;
import io.hubroute.config.Route;
import io.hubroute.config.RoutingConfig;
import io.hubroute.enrichment.Enrichment;
import io.hubroute.message.Message;
import io.hubroute.message.MessageProperties;
import io.hubroute.message.RoutingSource;
import io.hubroute.message.SystemPropertyNames;
import io.hubroute.message.Twin;
import io.hubroute.query.BodyPaths;
import io.hubroute.query.CompilationResult;
import io.hubroute.query.CompiledCondition;
import io.hubroute.query.Engine;
import io.hubroute.query.IndexableCondition;
import io.hubroute.query.MessageContext;
import io.hubroute.query.QueryCompileException;
import io.hubroute.query.QueryLanguage;
import io.hubroute.query.RouteResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * IoT Hub's routing decision for one message, without Flink: the command line and the Flink job
 * share it. Built once from a {@link RoutingConfig}; thread-safe.
 *
 * <ul>
 *   <li>Every enabled route of the message's source is evaluated; a route matches only on true.
 *   <li>Each endpoint gets the message at most once, however many matched routes name it.
 *   <li>A DeviceMessages message that matched no route goes to the fallback endpoints when the
 *       fallback is enabled and its condition (if any) is true; other sources never fall back.
 *   <li>Each delivery carries the enrichments configured for its endpoint.
 * </ul>
 *
 * <p>With the {@link Engine#COMPILED} engine, routes whose whole condition is one of the {@link
 * IndexableCondition} forms are indexed by what they read instead of evaluated: equalities of a
 * property, a {@code $body} or a {@code $twin} query with a constant by hash, ranges of a query
 * against a number by binary search over the sorted thresholds, {@code starts_with} and {@code
 * ends_with} by a trie ({@link OperandIndex}). Each operand is read once per message, so a thousand
 * such routes cost little more than ten. Routes with the same condition text are evaluated once.
 *
 * <pre>{@code
 * Router router = Router.create(config, Engine.COMPILED);
 * RoutingDecision decision = router.route(message, twinOrNull);
 * for (Delivery delivery : decision.deliveries()) { ... }
 * }</pre>
 */
public final class Router {
    /** IoT Hub's largest device-to-cloud message, properties included. */
    public static final int MAX_MESSAGE_BYTES = 256 * 1024;

    private final RoutingConfig config;
    private final Engine engine;
    private final String[] endpointNames;
    private final Enrichment[][] enrichmentsByEndpoint;
    private final CompiledRoute[] routes;
    private final SourcePlan[] plans;
    private final boolean fallbackEnabled;
    private final CompiledCondition fallbackCondition;
    private final int[] fallbackEndpoints;
    private final BodyPaths bodyPaths;

    /** A route ready to evaluate; {@code condition} null means always true. */
    static final class CompiledRoute {
        final int index;
        final Route route;
        final CompiledCondition condition;
        final int[] endpoints;

        /** Set when the route is decided by an operand index instead of evaluation. */
        IndexableCondition indexed;

        /** The position of that operand index in its source plan. */
        int indexSlot = -1;

        /** The route's condition group in its source plan, when it is evaluated. */
        int group = -1;

        CompiledRoute(int index, Route route, CompiledCondition condition, int[] endpoints) {
            this.index = index;
            this.route = route;
            this.condition = condition;
            this.endpoints = endpoints;
        }
    }

    /** Routes sharing one condition text: evaluated once for all of them. */
    static final class ConditionGroup {
        final CompiledCondition condition;
        final CompiledRoute[] routes;

        ConditionGroup(CompiledCondition condition, CompiledRoute[] routes) {
            this.condition = condition;
            this.routes = routes;
        }
    }

    /** How one routing source's enabled routes are decided. */
    static final class SourcePlan {
        static final SourcePlan EMPTY =
                new SourcePlan(new CompiledRoute[0], new ConditionGroup[0], new OperandIndex[0]);

        /** Every enabled route of the source, in file order: what a decision reports. */
        final CompiledRoute[] enabled;

        final ConditionGroup[] evaluated;
        final OperandIndex[] indexes;

        SourcePlan(CompiledRoute[] enabled, ConditionGroup[] evaluated, OperandIndex[] indexes) {
            this.enabled = enabled;
            this.evaluated = evaluated;
            this.indexes = indexes;
        }
    }

    private Router(RoutingConfig config, Engine engine) {
        this.config = config;
        this.engine = engine;
        List<Endpoint> endpoints = config.allEndpoints();
        Map<String, Integer> endpointIndex = new HashMap<>();
        endpointNames = new String[endpoints.size()];
        for (int i = 0; i < endpoints.size(); i++) {
            endpointNames[i] = endpoints.get(i).name();
            endpointIndex.put(endpointNames[i], i);
        }
        enrichmentsByEndpoint = new Enrichment[endpointNames.length][];
        for (int i = 0; i < endpointNames.length; i++) {
            List<Enrichment> applying = new ArrayList<>();
            for (Enrichment enrichment : config.enrichments()) {
                if (enrichment.endpointNames().contains(endpointNames[i])) {
                    applying.add(enrichment);
                }
            }
            enrichmentsByEndpoint[i] = applying.toArray(new Enrichment[0]);
        }

        Map<String, CompiledCondition> compiled = new HashMap<>();
        List<CompiledCondition> conditions = new ArrayList<>();
        routes = new CompiledRoute[config.routes().size()];
        for (int i = 0; i < routes.length; i++) {
            Route route = config.routes().get(i);
            CompiledCondition condition =
                    route.hasCondition() && route.enabled()
                            ? compile(
                                    compiled,
                                    route.condition(),
                                    route.source(),
                                    "route '" + route.name() + "'")
                            : null;
            if (condition != null) {
                conditions.add(condition);
            }
            routes[i] =
                    new CompiledRoute(
                            i,
                            route,
                            condition,
                            endpointIndexes(route.endpointNames(), endpointIndex));
        }
        plans = new SourcePlan[RoutingSource.values().length];
        for (RoutingSource source : RoutingSource.values()) {
            plans[source.ordinal()] = plan(source);
        }

        FallbackRoute fallback = config.fallbackRoute();
        fallbackEnabled = fallback.enabled();
        fallbackCondition =
                fallback.enabled() && fallback.hasCondition()
                        ? compile(
                                compiled,
                                fallback.condition(),
                                RoutingSource.DEVICE_MESSAGES,
                                "the fallback route")
                        : null;
        if (fallbackCondition != null) {
            conditions.add(fallbackCondition);
        }
        fallbackEndpoints = endpointIndexes(fallback.endpointNames(), endpointIndex);
        bodyPaths = BodyPaths.union(conditions);
    }

    /**
     * Compiles every condition of a valid configuration.
     *
     * @throws QueryCompileException when a condition does not compile (a configuration that {@link
     *     io.hubroute.config.RoutingConfigLoader} accepted never has one)
     * @throws IllegalArgumentException when a route names an endpoint that is not configured
     */
    public static Router create(RoutingConfig config, Engine engine) {
        return new Router(
                Objects.requireNonNull(config, "config"), Objects.requireNonNull(engine, "engine"));
    }

    private CompiledCondition compile(
            Map<String, CompiledCondition> compiled,
            String text,
            RoutingSource source,
            String owner) {
        String key = source.ordinal() + ":" + text;
        CompiledCondition condition = compiled.get(key);
        if (condition == null) {
            CompilationResult result = QueryLanguage.compile(text, source, engine);
            if (!result.succeeded()) {
                throw new QueryCompileException(text, result.errors());
            }
            condition = result.condition().orElseThrow();
            compiled.put(key, condition);
        }
        return condition;
    }

    private static int[] endpointIndexes(List<String> names, Map<String, Integer> endpointIndex) {
        int[] indexes = new int[names.size()];
        for (int i = 0; i < indexes.length; i++) {
            Integer index = endpointIndex.get(names.get(i));
            if (index == null) {
                throw new IllegalArgumentException(
                        "unknown endpoint '" + names.get(i) + "': configure it first");
            }
            indexes[i] = index;
        }
        return indexes;
    }

    private SourcePlan plan(RoutingSource source) {
        List<CompiledRoute> enabled = new ArrayList<>();
        Map<CompiledCondition, List<CompiledRoute>> groups = new LinkedHashMap<>();
        List<CompiledRoute> alwaysTrue = new ArrayList<>();
        Map<IndexableCondition.Operand, Integer> slots = new HashMap<>();
        List<OperandIndex.Builder> byOperand = new ArrayList<>();
        for (CompiledRoute route : routes) {
            if (!route.route.enabled() || route.route.source() != source) {
                continue;
            }
            enabled.add(route);
            if (route.condition == null) {
                alwaysTrue.add(route);
                continue;
            }
            // the reference engine is what the indexes are checked against: it never indexes
            IndexableCondition indexed =
                    engine == Engine.COMPILED ? route.condition.indexable().orElse(null) : null;
            if (indexed != null) {
                route.indexed = indexed;
                Integer slot = slots.get(indexed.operand());
                if (slot == null) {
                    slot = byOperand.size();
                    slots.put(indexed.operand(), slot);
                    byOperand.add(
                            new OperandIndex.Builder(indexed.operand(), endpointNames.length));
                }
                route.indexSlot = slot;
                byOperand.get(slot).add(route);
            } else {
                groups.computeIfAbsent(route.condition, condition -> new ArrayList<>()).add(route);
            }
        }
        if (enabled.isEmpty()) {
            return SourcePlan.EMPTY;
        }
        List<ConditionGroup> evaluated = new ArrayList<>();
        if (!alwaysTrue.isEmpty()) {
            evaluated.add(new ConditionGroup(null, alwaysTrue.toArray(new CompiledRoute[0])));
        }
        for (Map.Entry<CompiledCondition, List<CompiledRoute>> group : groups.entrySet()) {
            evaluated.add(
                    new ConditionGroup(
                            group.getKey(), group.getValue().toArray(new CompiledRoute[0])));
        }
        for (int group = 0; group < evaluated.size(); group++) {
            for (CompiledRoute route : evaluated.get(group).routes) {
                route.group = group;
            }
        }
        List<OperandIndex> indexes = new ArrayList<>();
        for (OperandIndex.Builder index : byOperand) {
            indexes.add(index.build());
        }
        return new SourcePlan(
                enabled.toArray(new CompiledRoute[0]),
                evaluated.toArray(new ConditionGroup[0]),
                indexes.toArray(new OperandIndex[0]));
    }

    public RoutingConfig config() {
        return config;
    }

    public Engine engine() {
        return engine;
    }

    /** The body paths all conditions read together. */
    public BodyPaths bodyPaths() {
        return bodyPaths;
    }

    /**
     * Routes one message.
     *
     * @param twin the twin of the message's device or module (spec §11), or null when none is known
     */
    public RoutingDecision route(Message message, Twin twin) {
        return route(MessageContext.of(message, twin, bodyPaths));
    }

    /**
     * Routes the message of a context another router may share: the body is read once for both
     * (make the context with the union of both routers' {@link #bodyPaths()}) and subexpressions
     * both evaluate are computed once. Replay routes each message by two routers this way.
     */
    public RoutingDecision route(MessageContext context) {
        Message message = context.message();
        Twin twin = context.twin();
        SourcePlan plan = plans[message.source().ordinal()];
        // sized by condition groups, not routes: indexed routes cost nothing per message
        RouteResult[] groupResults = new RouteResult[plan.evaluated.length];
        boolean[] selected = new boolean[endpointNames.length];
        boolean anyMatch = false;

        for (int group = 0; group < plan.evaluated.length; group++) {
            ConditionGroup routesOfGroup = plan.evaluated[group];
            RouteResult result =
                    routesOfGroup.condition == null
                            ? RouteResult.TRUE
                            : routesOfGroup.condition.evaluate(context);
            groupResults[group] = result;
            if (result == RouteResult.TRUE) {
                for (CompiledRoute route : routesOfGroup.routes) {
                    select(route.endpoints, selected);
                }
                anyMatch = true;
            }
        }
        // kept for the decision: asking an indexed route's result then costs no read
        Object[] indexedValues = new Object[plan.indexes.length];
        for (int slot = 0; slot < plan.indexes.length; slot++) {
            OperandIndex index = plan.indexes[slot];
            Object value = index.operand.read(context);
            indexedValues[slot] = value;
            anyMatch |= index.select(value, selected);
        }

        boolean fallback = false;
        if (!anyMatch && message.source() == RoutingSource.DEVICE_MESSAGES && fallbackEnabled) {
            fallback =
                    fallbackCondition == null
                            || fallbackCondition.evaluate(context) == RouteResult.TRUE;
            if (fallback) {
                select(fallbackEndpoints, selected);
            }
        }
        return deliver(
                message,
                twin,
                context,
                plan,
                groupResults,
                indexedValues,
                selected,
                anyMatch,
                fallback);
    }

    static void select(int[] endpoints, boolean[] selected) {
        for (int endpoint : endpoints) {
            selected[endpoint] = true;
        }
    }

    private RoutingDecision deliver(
            Message message,
            Twin twin,
            MessageContext context,
            SourcePlan plan,
            RouteResult[] groupResults,
            Object[] indexedValues,
            boolean[] selected,
            boolean anyMatch,
            boolean fallback) {
        List<Delivery> deliveries = new ArrayList<>(2);
        List<InvalidDelivery> invalid = List.of();
        long baseSize = -1;
        for (int endpoint = 0; endpoint < selected.length; endpoint++) {
            if (!selected[endpoint]) {
                continue;
            }
            Enrichment[] enrichments = enrichmentsByEndpoint[endpoint];
            Message delivered = message;
            long size;
            if (enrichments.length == 0) {
                if (baseSize < 0) {
                    baseSize = baseSizeOf(context);
                }
                size = baseSize;
            } else {
                MessageProperties properties = message.appProperties();
                for (Enrichment enrichment : enrichments) {
                    properties =
                            properties.with(
                                    enrichment.key(),
                                    enrichment.value().resolve(config.hubName(), twin));
                }
                delivered = message.withAppProperties(properties);
                size = sizeOf(delivered);
            }
            if (size > MAX_MESSAGE_BYTES) {
                if (invalid.isEmpty()) {
                    invalid = new ArrayList<>(1);
                }
                invalid.add(new InvalidDelivery(endpointNames[endpoint], endpoint, size));
            } else {
                deliveries.add(new Delivery(endpointNames[endpoint], delivered, endpoint));
            }
        }
        RoutingCounters counters =
                new RoutingCounters(
                        deliveries.size(),
                        fallback ? 1 : 0,
                        anyMatch || fallback ? 0 : 1,
                        invalid.size(),
                        0);
        return new RoutingDecision(
                this,
                message,
                context,
                plan,
                groupResults,
                indexedValues,
                deliveries,
                invalid,
                fallback,
                counters);
    }

    /**
     * The size IoT Hub holds against its limit: body bytes plus the UTF-8 bytes of every property
     * name and value the device sent (application properties, enrichments included, and system
     * properties), but not the system properties IoT Hub adds itself (the connection's identity and
     * authentication, the enqueued time, the model's data schema).
     */
    /** The context's memo key of the unenriched message's size. */
    private static final Object BASE_SIZE =
            new Object() {
                @Override
                public String toString() {
                    return "the message's size";
                }
            };

    private static final int BASE_SIZE_HASH = BASE_SIZE.hashCode();

    /** The message's size, measured once per context: routers sharing one measure it once. */
    private static long baseSizeOf(MessageContext context) {
        Object known = context.memoised(BASE_SIZE, BASE_SIZE_HASH);
        if (known != null) {
            return (Long) known;
        }
        long size = sizeOf(context.message());
        context.memoise(BASE_SIZE, BASE_SIZE_HASH, size);
        return size;
    }

    static long sizeOf(Message message) {
        return message.body().length
                + propertyBytes(message.appProperties(), false)
                + propertyBytes(message.systemProperties(), true);
    }

    private static final java.util.Set<String> ADDED_BY_IOT_HUB =
            java.util.Set.of(
                    SystemPropertyNames.CONNECTION_DEVICE_ID,
                    SystemPropertyNames.CONNECTION_MODULE_ID,
                    SystemPropertyNames.CONNECTION_DEVICE_GENERATION_ID,
                    SystemPropertyNames.CONNECTION_AUTH_METHOD,
                    SystemPropertyNames.ENQUEUED_TIME,
                    SystemPropertyNames.DT_DATASCHEMA);

    private static long propertyBytes(MessageProperties properties, boolean system) {
        long bytes = 0;
        for (MessageProperties.Property property : properties.entries()) {
            if (system
                    && ADDED_BY_IOT_HUB.contains(
                            SystemPropertyNames.canonicalName(property.name()))) {
                continue;
            }
            bytes += utf8Length(property.name());
            if (property.value() != null) {
                bytes += utf8Length(property.value());
            }
        }
        return bytes;
    }

    private static int utf8Length(String text) {
        int length = text.length();
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= 0x80) {
                return text.getBytes(StandardCharsets.UTF_8).length;
            }
        }
        return length;
    }

    /** The number of routes, enabled or not. */
    public int routeCount() {
        return routes.length;
    }

    @Override
    public String toString() {
        return "Router{routes="
                + routes.length
                + ", endpoints="
                + Arrays.toString(endpointNames)
                + ", engine="
                + engine
                + "}";
    }
}
