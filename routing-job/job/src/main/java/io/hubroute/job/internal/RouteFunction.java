package io.hubroute.job.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubroute.config.Endpoint;
import io.hubroute.config.Route;
import io.hubroute.config.RoutingConfig;
import io.hubroute.job.JobMetrics;
import io.hubroute.job.RoutesFileRouter;
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
import io.hubroute.sink.RoutedMessageTypeInfo;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes each device's messages in order. Keeps the device's (or module's) twin in keyed state
 * ({@link DeviceTwins}: updated by twin change and lifecycle events before they are routed
 * themselves, filled in from {@code twins.exportFile}); asks the router for a decision per message;
 * sends one record per delivery to that endpoint's output.
 */
public final class RouteFunction
        extends KeyedProcessFunction<String, DecodedRecord, RoutedMessage> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(RouteFunction.class);
    private static final long LOG_INTERVAL_MILLIS = 1000;

    /**
     * Deliveries not made because the message is over IoT Hub's size limit once enriched, as JSON
     * lines for the diagnostics sink.
     */
    public static final OutputTag<String> DIAGNOSTICS =
            new OutputTag<>("route-diagnostics", Types.STRING);

    private final RoutesFileRouter routerFactory;
    private final Map<String, OutputTag<RoutedMessage>> outputs;
    private final HashMap<String, byte[]> exportedTwins;
    private final boolean dropDeliveriesWithoutSink;

    private transient Router router;
    private transient DeviceTwins twins;
    private transient Counter success;
    private transient Counter orphaned;
    private transient Counter fallback;
    private transient Counter invalid;
    private transient long lastInvalidLogMillis;
    private transient long invalidSuppressed;
    private transient Histogram latency;

    /** By route position in the routes file, then by {@link RouteResult} ordinal. */
    private transient Counter[][] routeCounters;

    /**
     * By endpoint position ({@link Delivery#endpointIndex()}); null for endpoints without a sink.
     */
    private transient Counter[] endpointCounters;

    private transient OutputTag<RoutedMessage>[] endpointOutputs;
    private transient String[] routeNames;
    private transient long lastUndefinedLogMillis;
    private transient long undefinedSuppressed;

    /**
     * @param outputs the output of each endpoint, by endpoint name
     */
    public RouteFunction(
            RoutesFileRouter routerFactory, Map<String, OutputTag<RoutedMessage>> outputs) {
        this(routerFactory, outputs, Map.of());
    }

    /**
     * @param outputs the output of each endpoint, by endpoint name
     * @param exportedTwins twins of a device export by twin key, as {@code TwinState.toBytes()}
     */
    public RouteFunction(
            RoutesFileRouter routerFactory,
            Map<String, OutputTag<RoutedMessage>> outputs,
            Map<String, byte[]> exportedTwins) {
        this(routerFactory, outputs, exportedTwins, false);
    }

    /**
     * @param outputs the output of each endpoint, by endpoint name
     * @param exportedTwins twins of a device export by twin key, as {@code TwinState.toBytes()}
     * @param dropDeliveriesWithoutSink leave out deliveries to endpoints with no output instead of
     *     failing (replay delivering to some endpoints only)
     */
    public RouteFunction(
            RoutesFileRouter routerFactory,
            Map<String, OutputTag<RoutedMessage>> outputs,
            Map<String, byte[]> exportedTwins,
            boolean dropDeliveriesWithoutSink) {
        this.dropDeliveriesWithoutSink = dropDeliveriesWithoutSink;
        this.routerFactory = routerFactory;
        this.outputs = Map.copyOf(outputs);
        this.exportedTwins = new HashMap<>(exportedTwins);
    }

    /** The output tag of an endpoint's deliveries. */
    public static OutputTag<RoutedMessage> outputFor(String endpointName) {
        return new OutputTag<>("endpoint-" + endpointName, RoutedMessageTypeInfo.of());
    }

    @Override
    @SuppressWarnings("unchecked")
    public void open(OpenContext openContext) throws Exception {
        router = routerFactory.create();
        twins = DeviceTwins.open(getRuntimeContext(), exportedTwins);
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        success = metrics.counter(JobMetrics.SUCCESS);
        orphaned = metrics.counter(JobMetrics.ORPHANED);
        fallback = metrics.counter(JobMetrics.FALLBACK);
        invalid = metrics.counter(JobMetrics.INVALID);
        metrics.counter(JobMetrics.DROPPED);
        latency = metrics.histogram(JobMetrics.LATENCY, new DescriptiveStatisticsHistogram(1024));
        RoutingConfig routes = router.config();
        routeNames = new String[routes.routes().size()];
        routeCounters = new Counter[routeNames.length][];
        for (int i = 0; i < routeNames.length; i++) {
            Route route = routes.routes().get(i);
            routeNames[i] = route.name();
            MetricGroup group = metrics.addGroup(JobMetrics.ROUTE_GROUP, route.name());
            Counter[] byResult = new Counter[RouteResult.values().length];
            byResult[RouteResult.TRUE.ordinal()] = group.counter("true");
            byResult[RouteResult.FALSE.ordinal()] = group.counter("false");
            byResult[RouteResult.UNDEFINED.ordinal()] = group.counter("undefined");
            routeCounters[i] = byResult;
        }
        List<Endpoint> endpoints = routes.allEndpoints();
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
    }

    @Override
    public void processElement(DecodedRecord value, Context context, Collector<RoutedMessage> out)
            throws Exception {
        Message message = value.message();
        Twin view = twins.update(context.getCurrentKey(), message);
        RoutingDecision decision = router.route(message, view);
        int decided = decision.decidedRouteCount();
        for (int i = 0; i < decided; i++) {
            RouteResult result = decision.routeResult(i);
            int route = decision.routeIndex(i);
            routeCounters[route][result.ordinal()].inc();
            if (result == RouteResult.UNDEFINED) {
                logUndefined(decision, i, context.getCurrentKey(), message);
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
            reportInvalid(invalidDeliveries.get(i), value, context);
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
            context.output(
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
    private void reportInvalid(InvalidDelivery delivery, DecodedRecord record, Context context) {
        invalid.inc();
        context.output(DIAGNOSTICS, invalidDeliveryJson(delivery, record));
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
