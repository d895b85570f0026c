package io.hubroute.job.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubroute.config.Endpoint;
import io.hubroute.config.Route;
import io.hubroute.config.RoutingConfig;
import io.hubroute.job.JobMetrics;
import io.hubroute.job.source.DecodedRecord;
import io.hubroute.message.Json;
import io.hubroute.message.Message;
import io.hubroute.message.Twin;
import io.hubroute.query.RouteResult;
import io.hubroute.routing.Delivery;
import io.hubroute.routing.InvalidDelivery;
import io.hubroute.routing.Router;
import io.hubroute.routing.RoutingDecision;
import io.hubroute.sink.RoutedMessage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subtask's routing of a message, shared by the route operators ({@link RouteFunction} and
 * {@link LiveRouteFunction}): asks the router for a decision, counts it (IoT Hub's metrics, per
 * route and per endpoint), and emits one record per delivery to that endpoint's output. {@link
 * #swap} replaces the router between two messages; counters of routes that still exist carry on.
 */
final class RouteStep {
    private static final Logger LOG = LoggerFactory.getLogger(RouteStep.class);
    private static final long LOG_INTERVAL_MILLIS = 1000;

    /** Where a routed message goes. */
    interface Output {
        void delivery(OutputTag<RoutedMessage> endpoint, RoutedMessage message);

        void diagnostics(String line);
    }

    private final MetricGroup metrics;
    private final boolean dropDeliveriesWithoutSink;
    private final Counter success;
    private final Counter orphaned;
    private final Counter fallback;
    private final Counter invalid;
    private final Histogram latency;

    /** Every route's counters by name, kept across versions. */
    private final Map<String, Counter[]> countersByRoute = new HashMap<>();

    /**
     * By endpoint position ({@link Delivery#endpointIndex()}); null for endpoints without a sink.
     */
    private final Counter[] endpointCounters;

    private final OutputTag<RoutedMessage>[] endpointOutputs;
    private Router router;

    /** By route position in the active routes file, then by {@link RouteResult} ordinal. */
    private Counter[][] routeCounters;

    private String[] routeNames;
    private long lastInvalidLogMillis;
    private long invalidSuppressed;
    private long lastUndefinedLogMillis;
    private long undefinedSuppressed;

    @SuppressWarnings("unchecked")
    RouteStep(
            Router router,
            Map<String, OutputTag<RoutedMessage>> outputs,
            boolean dropDeliveriesWithoutSink,
            MetricGroup metrics) {
        this.metrics = metrics;
        this.dropDeliveriesWithoutSink = dropDeliveriesWithoutSink;
        success = metrics.counter(JobMetrics.SUCCESS);
        orphaned = metrics.counter(JobMetrics.ORPHANED);
        fallback = metrics.counter(JobMetrics.FALLBACK);
        invalid = metrics.counter(JobMetrics.INVALID);
        metrics.counter(JobMetrics.DROPPED);
        latency = metrics.histogram(JobMetrics.LATENCY, new DescriptiveStatisticsHistogram(1024));
        List<Endpoint> endpoints = router.config().allEndpoints();
        endpointCounters = new Counter[endpoints.size()];
        endpointOutputs = new OutputTag[endpoints.size()];
        for (int i = 0; i < endpoints.size(); i++) {
            String endpoint = endpoints.get(i).name();
            OutputTag<RoutedMessage> output = outputs.get(endpoint);
            if (output != null) {
                endpointOutputs[i] = output;
                endpointCounters[i] =
                        metrics.addGroup(JobMetrics.ENDPOINT_GROUP, endpoint)
                                .counter(JobMetrics.DELIVERED);
            }
        }
        swap(router);
    }

    Router router() {
        return router;
    }

    /**
     * Routes every message from now on with {@code next}, whose endpoints must be this job's, in
     * the same order (the caller checks: endpoints are part of the job graph).
     */
    void swap(Router next) {
        RoutingConfig routes = next.config();
        String[] names = new String[routes.routes().size()];
        Counter[][] counters = new Counter[names.length][];
        for (int i = 0; i < names.length; i++) {
            Route route = routes.routes().get(i);
            names[i] = route.name();
            counters[i] = countersByRoute.computeIfAbsent(route.name(), this::registerRoute);
        }
        router = next;
        routeNames = names;
        routeCounters = counters;
    }

    private Counter[] registerRoute(String name) {
        MetricGroup group = metrics.addGroup(JobMetrics.ROUTE_GROUP, name);
        Counter[] byResult = new Counter[RouteResult.values().length];
        byResult[RouteResult.TRUE.ordinal()] = group.counter(JobMetrics.ROUTE_TRUE);
        byResult[RouteResult.FALSE.ordinal()] = group.counter(JobMetrics.ROUTE_FALSE);
        byResult[RouteResult.UNDEFINED.ordinal()] = group.counter(JobMetrics.ROUTE_UNDEFINED);
        return byResult;
    }

    /** The counts of every route of the active version by name: true, false, undefined. */
    Map<String, long[]> routeCounts() {
        Map<String, long[]> counts = new java.util.LinkedHashMap<>();
        for (int i = 0; i < routeNames.length; i++) {
            Counter[] byResult = routeCounters[i];
            counts.put(
                    routeNames[i],
                    new long[] {
                        byResult[RouteResult.TRUE.ordinal()].getCount(),
                        byResult[RouteResult.FALSE.ordinal()].getCount(),
                        byResult[RouteResult.UNDEFINED.ordinal()].getCount()
                    });
        }
        return counts;
    }

    /** Routes one message of {@code key} (its device or module) with its twin. */
    void route(DecodedRecord value, String key, Twin view, Output out) {
        Message message = value.message();
        RoutingDecision decision = router.route(message, view);
        int decided = decision.decidedRouteCount();
        for (int i = 0; i < decided; i++) {
            RouteResult result = decision.routeResult(i);
            int route = decision.routeIndex(i);
            routeCounters[route][result.ordinal()].inc();
            if (result == RouteResult.UNDEFINED) {
                logUndefined(decision, i, key, message);
            }
        }
        List<Delivery> deliveries = decision.deliveries();
        if (!deliveries.isEmpty()) {
            success.inc();
        }
        if (decision.fallback()) {
            fallback.inc();
        }
        if (decision.counters().orphaned() > 0) {
            orphaned.inc();
        }
        List<InvalidDelivery> invalidDeliveries = decision.invalidDeliveries();
        for (int i = 0; i < invalidDeliveries.size(); i++) {
            reportInvalid(invalidDeliveries.get(i), value, key, out);
        }
        for (int i = 0; i < deliveries.size(); i++) {
            Delivery delivery = deliveries.get(i);
            int endpoint = delivery.endpointIndex();
            OutputTag<RoutedMessage> tag = endpointOutputs[endpoint];
            if (tag == null) {
                if (dropDeliveriesWithoutSink) {
                    continue;
                }
                throw new IllegalStateException(
                        "the router delivered to endpoint '"
                                + delivery.endpointName()
                                + "', which has no sink");
            }
            out.delivery(
                    tag,
                    new RoutedMessage(
                            delivery.endpointName(),
                            delivery.message(),
                            value.partition(),
                            value.enqueuedTimeMillis(),
                            RoutedMessage.deliveryId(
                                    value.topic(),
                                    value.partition(),
                                    value.offset(),
                                    delivery.endpointName())));
            endpointCounters[endpoint].inc();
        }
        latency.update(Math.max(0, System.currentTimeMillis() - value.enqueuedTimeMillis()));
    }

    private void logUndefined(RoutingDecision decision, int i, String key, Message message) {
        long now = System.currentTimeMillis();
        if (now - lastUndefinedLogMillis < LOG_INTERVAL_MILLIS) {
            undefinedSuppressed++;
            return;
        }
        LOG.info(
                "Route {} evaluated to undefined for {} message {}: {} ({} more undefined since the last report)",
                routeNames[decision.routeIndex(i)],
                key,
                message.messageId().orElse("(no id)"),
                reasonOrDefault(decision.undefinedReason(i)),
                undefinedSuppressed);
        lastUndefinedLogMillis = now;
        undefinedSuppressed = 0;
    }

    /**
     * A delivery over the size limit: counted as IoT Hub counts it, written to diagnostics with
     * where the message came from, and logged at most once per second.
     */
    private void reportInvalid(
            InvalidDelivery delivery, DecodedRecord record, String key, Output out) {
        invalid.inc();
        out.diagnostics(invalidDeliveryJson(delivery, record));
        long now = System.currentTimeMillis();
        if (now - lastInvalidLogMillis < LOG_INTERVAL_MILLIS) {
            invalidSuppressed++;
            return;
        }
        LOG.warn(
                "Not delivered to {}: message {} of {} (partition {}, offset {}): {} ({} more since the last report)",
                delivery.endpointName(),
                record.message().messageId().orElse("(no id)"),
                record.twinKey(),
                record.partition(),
                record.offset(),
                delivery.reason(),
                invalidSuppressed);
        lastInvalidLogMillis = now;
        invalidSuppressed = 0;
    }

    /** One diagnostics line: the reason, the endpoint and where the message came from. */
    static String invalidDeliveryJson(InvalidDelivery delivery, DecodedRecord record) {
        ObjectNode line = Json.MAPPER.createObjectNode();
        line.put("reason", delivery.reason());
        line.put("endpoint", delivery.endpointName());
        line.put("messageBytes", delivery.messageBytes());
        line.put("messageId", record.message().messageId().orElse(null));
        line.put("deviceId", record.deviceId());
        if (record.moduleId() != null) {
            line.put("moduleId", record.moduleId());
        }
        line.put("topic", record.topic());
        line.put("partition", record.partition());
        line.put("offset", record.offset());
        line.put("enqueuedTimeMillis", record.enqueuedTimeMillis());
        return line.toString();
    }

    private static String reasonOrDefault(String undefinedReason) {
        return undefinedReason == null ? "condition evaluated to undefined" : undefinedReason;
    }
}
