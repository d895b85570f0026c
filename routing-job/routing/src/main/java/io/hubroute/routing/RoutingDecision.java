package io.hubroute.routing;

import io.hubroute.message.Message;
import io.hubroute.query.MessageContext;
import io.hubroute.query.RouteResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the router decided for one message: each route's result, the deliveries (one per endpoint,
 * enrichments applied), whether the fallback route took it, and the counters. Route results are
 * computed when first asked for, so routing many indexed routes stays cheap.
 */
public final class RoutingDecision {
    private final Router router;
    private final Message message;
    private final MessageContext context;
    private final Router.SourcePlan plan;
    private final RouteResult[] groupResults;

    /** The value of each indexed operand of the plan, as the router read it. */
    private final Object[] indexedValues;

    private final List<Delivery> deliveries;
    private final List<InvalidDelivery> invalidDeliveries;
    private final boolean fallback;
    private final RoutingCounters counters;
    private List<RouteOutcome> outcomes;

    RoutingDecision(
            Router router,
            Message message,
            MessageContext context,
            Router.SourcePlan plan,
            RouteResult[] groupResults,
            Object[] indexedValues,
            List<Delivery> deliveries,
            List<InvalidDelivery> invalidDeliveries,
            boolean fallback,
            RoutingCounters counters) {
        this.router = router;
        this.message = message;
        this.context = context;
        this.plan = plan;
        this.groupResults = groupResults;
        this.indexedValues = indexedValues;
        this.deliveries = deliveries;
        this.invalidDeliveries = invalidDeliveries;
        this.fallback = fallback;
        this.counters = counters;
    }

    public Message message() {
        return message;
    }

    /**
     * The result of every enabled route of the message's source, in file order; undefined results
     * carry their reason. Disabled routes and routes of other sources are not evaluated.
     */
    public List<RouteOutcome> routeResults() {
        if (outcomes == null) {
            List<RouteOutcome> list = new ArrayList<>(plan.enabled.length);
            for (Router.CompiledRoute route : plan.enabled) {
                RouteResult result = resultOf(route);
                String reason =
                        result == RouteResult.UNDEFINED
                                ? route.condition.undefinedReason(context)
                                : null;
                list.add(new RouteOutcome(route.route.name(), result, reason));
            }
            outcomes = List.copyOf(list);
        }
        return outcomes;
    }

    /**
     * How many routes were decided for this message: the enabled routes of its source. With {@link
     * #routeIndex(int)} and {@link #routeResult(int)}, the results without allocating a list.
     */
    public int decidedRouteCount() {
        return plan.enabled.length;
    }

    /**
     * The position in {@link io.hubroute.config.RoutingConfig#routes()} of the {@code i}-th decided
     * route (file order).
     */
    public int routeIndex(int i) {
        return plan.enabled[i].index;
    }

    /** The result of the {@code i}-th decided route. */
    public RouteResult routeResult(int i) {
        return resultOf(plan.enabled[i]);
    }

    /** Why the {@code i}-th decided route is undefined (spec §15), or null when it is not. */
    public String undefinedReason(int i) {
        Router.CompiledRoute route = plan.enabled[i];
        return resultOf(route) == RouteResult.UNDEFINED
                ? route.condition.undefinedReason(context)
                : null;
    }

    /** One route's result; empty when the route is disabled, of another source, or unknown. */
    public Optional<RouteResult> result(String routeName) {
        for (RouteOutcome outcome : routeResults()) {
            if (outcome.routeName().equals(routeName)) {
                return Optional.of(outcome.result());
            }
        }
        return Optional.empty();
    }

    /** The routes that evaluated to true, in file order. */
    public List<String> matchedRoutes() {
        List<String> names = new ArrayList<>();
        for (Router.CompiledRoute route : plan.enabled) {
            if (resultOf(route) == RouteResult.TRUE) {
                names.add(route.route.name());
            }
        }
        return names;
    }

    /**
     * The deliveries, one per endpoint, in endpoint order ({@code events} first, then file order).
     */
    public List<Delivery> deliveries() {
        return deliveries;
    }

    /** Endpoint names, in delivery order. */
    public List<String> endpointNames() {
        List<String> names = new ArrayList<>(deliveries.size());
        for (Delivery delivery : deliveries) {
            names.add(delivery.endpointName());
        }
        return names;
    }

    /**
     * Deliveries not made because the message is too large once enriched for that endpoint, in
     * endpoint order, with the size and the reason.
     */
    public List<InvalidDelivery> invalidDeliveries() {
        return invalidDeliveries;
    }

    /** The endpoints of {@link #invalidDeliveries()}, by name. */
    public List<String> invalidEndpoints() {
        List<String> names = new ArrayList<>(invalidDeliveries.size());
        for (InvalidDelivery invalid : invalidDeliveries) {
            names.add(invalid.endpointName());
        }
        return names;
    }

    /** Whether the fallback route took the message. */
    public boolean fallback() {
        return fallback;
    }

    public RoutingCounters counters() {
        return counters;
    }

    private RouteResult resultOf(Router.CompiledRoute route) {
        return route.indexed != null
                ? route.indexed.resultFor(indexedValues[route.indexSlot])
                : groupResults[route.group];
    }

    Router router() {
        return router;
    }
}
