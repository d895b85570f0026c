package io.hubroute.routetest;

import io.hubroute.message.Message;
import io.hubroute.message.MessageProperties;
import io.hubroute.message.Twin;
import io.hubroute.query.RouteResult;
import io.hubroute.routing.Delivery;
import io.hubroute.routing.InvalidDelivery;
import io.hubroute.routing.RoutingDecision;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * One case of a route-test suite: a message (and twin) and what routing it must get. Every
 * expectation is optional: null means the case does not check it.
 *
 * @param twin the device twin, or null when no twin is known
 * @param routes exactly the routes that must evaluate true, in any order
 * @param endpoints exactly the endpoints the message must be delivered to, in any order
 * @param fallback whether the fallback route must take the message
 * @param results route name to its expected result: "true", "false" or "undefined"
 * @param appProperties endpoint name to application properties its delivery must carry (a null
 *     value: the property must be there with a null value)
 */
public record RouteTestCase(
        String name,
        Message message,
        Twin twin,
        List<String> routes,
        List<String> endpoints,
        Boolean fallback,
        Map<String, String> results,
        Map<String, Map<String, String>> appProperties) {
    public RouteTestCase {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(message, "message");
        routes = routes == null ? null : List.copyOf(routes);
        endpoints = endpoints == null ? null : List.copyOf(endpoints);
        results =
                results == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(results));
        if (appProperties != null) {
            // keeps the file's order, and null values (a property expected to be null)
            Map<String, Map<String, String>> copy = new LinkedHashMap<>();
            appProperties.forEach(
                    (endpoint, properties) ->
                            copy.put(
                                    endpoint,
                                    Collections.unmodifiableMap(new LinkedHashMap<>(properties))));
            appProperties = Collections.unmodifiableMap(copy);
        }
    }

    /** What differs between the expectations and {@code decision}; empty when the case passes. */
    public List<String> check(RoutingDecision decision) {
        List<String> failures = new ArrayList<>();
        if (routes != null
                && !new TreeSet<>(routes).equals(new TreeSet<>(decision.matchedRoutes()))) {
            failures.add("routes: expected " + routes + " but got " + decision.matchedRoutes());
        }
        if (endpoints != null
                && !new TreeSet<>(endpoints).equals(new TreeSet<>(decision.endpointNames()))) {
            failures.add(
                    "endpoints: expected "
                            + endpoints
                            + " but got "
                            + decision.endpointNames()
                            + notDelivered(decision));
        }
        if (fallback != null && fallback != decision.fallback()) {
            failures.add("fallback: expected " + fallback + " but got " + decision.fallback());
        }
        if (results != null) {
            for (Map.Entry<String, String> expected : results.entrySet()) {
                String actual =
                        decision.result(expected.getKey())
                                .map(RouteResult::text)
                                .orElse("not evaluated");
                if (!actual.equals(expected.getValue())) {
                    failures.add(
                            "results."
                                    + expected.getKey()
                                    + ": expected "
                                    + expected.getValue()
                                    + " but got "
                                    + actual);
                }
            }
        }
        if (appProperties != null) {
            for (Map.Entry<String, Map<String, String>> endpoint : appProperties.entrySet()) {
                checkAppProperties(endpoint.getKey(), endpoint.getValue(), decision, failures);
            }
        }
        return failures;
    }

    /** Why endpoints the message was selected for got nothing, or "" when none. */
    private static String notDelivered(RoutingDecision decision) {
        StringBuilder reasons = new StringBuilder();
        for (InvalidDelivery invalid : decision.invalidDeliveries()) {
            reasons.append(reasons.length() == 0 ? " (" : "; ")
                    .append("not delivered to ")
                    .append(invalid.endpointName())
                    .append(": ")
                    .append(invalid.reason());
        }
        return reasons.length() == 0 ? "" : reasons.append(')').toString();
    }

    private static void checkAppProperties(
            String endpoint,
            Map<String, String> expected,
            RoutingDecision decision,
            List<String> failures) {
        Delivery delivery = null;
        for (Delivery candidate : decision.deliveries()) {
            if (candidate.endpointName().equals(endpoint)) {
                delivery = candidate;
            }
        }
        if (delivery == null) {
            String reason = "";
            for (InvalidDelivery invalid : decision.invalidDeliveries()) {
                if (invalid.endpointName().equals(endpoint)) {
                    reason = ": " + invalid.reason();
                }
            }
            failures.add(
                    "appProperties."
                            + endpoint
                            + ": the message was not delivered to "
                            + endpoint
                            + reason);
            return;
        }
        MessageProperties actual = delivery.appProperties();
        for (Map.Entry<String, String> property : expected.entrySet()) {
            String where = "appProperties." + endpoint + "." + property.getKey();
            if (!actual.contains(property.getKey())) {
                failures.add(
                        where + ": expected " + quoted(property.getValue()) + " but it is missing");
            } else if (!Objects.equals(actual.get(property.getKey()), property.getValue())) {
                failures.add(
                        where
                                + ": expected "
                                + quoted(property.getValue())
                                + " but got "
                                + quoted(actual.get(property.getKey())));
            }
        }
    }

    private static String quoted(String value) {
        return value == null ? "null" : "\"" + value + "\"";
    }
}
