package io.hubroute.job;

import io.hubroute.message.Message;
import io.hubroute.message.Twin;
import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * The router as the Flink job uses it: created once per task from the route configuration (so
 * conditions compile once), then asked for one decision per message. Implemented over the
 * Flink-free {@code io.hubroute.routing.Router}; this seam keeps the job's operators independent of
 * how routes are evaluated.
 */
public interface JobRouter {
    /** The routes in configuration order (metrics are registered per route). */
    List<String> routeNames();

    /** Every endpoint a delivery can go to. */
    List<String> endpointNames();

    /** Routes one message; {@code twin} is null when no twin is known for its device or module. */
    Decision route(Message message, Twin twin);

    /**
     * Creates the router in each parallel task. Must be serializable and hold no secrets in
     * toString.
     */
    interface Factory extends Serializable {
        JobRouter create() throws Exception;
    }

    /** A route's result for one message (§15 of the query language spec). */
    enum Verdict {
        TRUE,
        FALSE,
        UNDEFINED
    }

    /**
     * @param routeName the route
     * @param verdict its result
     * @param undefinedReason why it was undefined, or null
     */
    record RouteVerdict(String routeName, Verdict verdict, String undefinedReason) {
        public RouteVerdict {
            Objects.requireNonNull(routeName, "routeName");
            Objects.requireNonNull(verdict, "verdict");
        }
    }

    /** One delivery: the message, enriched for that endpoint. */
    record Delivery(String endpointName, Message message) {
        public Delivery {
            Objects.requireNonNull(endpointName, "endpointName");
            Objects.requireNonNull(message, "message");
        }
    }

    /**
     * @param verdicts one per route of the message's source
     * @param deliveries one per endpoint the message goes to (none: orphaned)
     * @param fallback whether the fallback route delivered it
     */
    record Decision(List<RouteVerdict> verdicts, List<Delivery> deliveries, boolean fallback) {
        public Decision {
            verdicts = List.copyOf(verdicts);
            deliveries = List.copyOf(deliveries);
        }
    }
}
