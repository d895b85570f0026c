package io.hubroute.routing;

import io.hubroute.query.RouteResult;
import java.util.Objects;

/**
 * One route's result for one message.
 *
 * @param undefinedReason why the result is undefined (spec §15), or null when it is not
 */
public record RouteOutcome(String routeName, RouteResult result, String undefinedReason) {
    public RouteOutcome {
        Objects.requireNonNull(routeName, "routeName");
        Objects.requireNonNull(result, "result");
    }
}
