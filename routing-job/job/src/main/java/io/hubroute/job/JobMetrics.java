package io.hubroute.job;

/**
 * The job's metric names: IoT Hub's, under the operator that routes. {@link PrometheusNames} gives
 * the names Flink's Prometheus reporter exports them under.
 */
public final class JobMetrics {
    /** Messages delivered to at least one endpoint. */
    public static final String SUCCESS = "d2c.telemetry.egress.success";

    /**
     * Messages dropped: an endpoint they matched is not available (none today: sinks
     * back-pressure).
     */
    public static final String DROPPED = "d2c.telemetry.egress.dropped";

    /** Messages that matched no route and no fallback. */
    public static final String ORPHANED = "d2c.telemetry.egress.orphaned";

    /**
     * What could not be delivered as it is (IoT Hub's meaning: incompatible with the endpoint):
     * deliveries over 256 KB once enriched (counted by the route operator, one per endpoint) and
     * records that could not be decoded (counted by the decode operator). Both go to diagnostics.
     */
    public static final String INVALID = "d2c.telemetry.egress.invalid";

    /**
     * Headers read leniently (not the AMQP value or UTF-8 text their kind says, or a time that is
     * not one): kept as text or base64, the message routed on. Counted by the source.
     */
    public static final String HEADER_FALLBACKS = "d2c.telemetry.ingress.headerFallbacks";

    /** The share of undecodable records in the last window of 1,000 records of a subtask. */
    public static final String INVALID_RATIO = "d2c.telemetry.ingress.invalidRatio";

    /** Windows whose share of undecodable records was above diagnostics.invalidRatioWarning. */
    public static final String INVALID_RATIO_WARNINGS =
            "d2c.telemetry.ingress.invalidRatioWarnings";

    /** Messages delivered by the fallback route. */
    public static final String FALLBACK = "d2c.telemetry.egress.fallback";

    /** Every record read from the source, valid or not (counted by the decode operator). */
    public static final String INGRESS = "d2c.telemetry.ingress.allProtocol";

    /** Routing latency, ms from enqueued time to the routing decision. */
    public static final String LATENCY = "d2c.endpoints.latency";

    /** Metric group of per-route counters {@code true}, {@code false}, {@code undefined}. */
    public static final String ROUTE_GROUP = "route";

    /** Per-route: messages the route's condition was true for. */
    public static final String ROUTE_TRUE = "true";

    /** Per-route: messages the route's condition was false for. */
    public static final String ROUTE_FALSE = "false";

    /** Per-route: messages the route's condition was undefined for (a missing property, say). */
    public static final String ROUTE_UNDEFINED = "undefined";

    /** Metric group of per-endpoint counters. */
    public static final String ENDPOINT_GROUP = "endpoint";

    /** Per-endpoint: deliveries handed to the endpoint's sink. */
    public static final String DELIVERED = "delivered";

    /** Twins taken from the device export ({@code twins.exportFile}), per route subtask. */
    public static final String TWINS_FROM_EXPORT = "twin.fromExport";

    /** Twin events with a bad body, which leave the twin as it was (per route subtask). */
    public static final String TWIN_UPDATE_ERRORS = "twin.update.errors";

    private JobMetrics() {}
}
