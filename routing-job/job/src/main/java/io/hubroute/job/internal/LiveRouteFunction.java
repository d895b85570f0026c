package io.hubroute.job.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubroute.config.Endpoint;
import io.hubroute.config.RoutesVersion;
import io.hubroute.config.RoutingConfig;
import io.hubroute.job.RoutesFileRouter;
import io.hubroute.job.source.DecodedRecord;
import io.hubroute.message.Json;
import io.hubroute.message.Twin;
import io.hubroute.query.Engine;
import io.hubroute.routing.Router;
import io.hubroute.sink.RoutedMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The route operator with live route changes: as {@link RouteFunction}, and route versions from the
 * control topic arrive on the broadcast side. A version higher than the active one is parsed,
 * checked against the job's endpoints and compiled between two messages, then swapped in: every
 * message is routed wholly by one version. The active version is kept in broadcast state, so a
 * restored job runs the last version it had, not the file it was submitted with. A version that
 * does not parse, compile or match the job's endpoints is rejected on every subtask alike (the
 * state is unchanged), logged and counted ({@code hubroute.routes.rejected}); the old one stays.
 *
 * <p>Each subtask reports what it activated or rejected on {@link #STATUS} (JSON lines for the
 * status topic that {@code hubroute routes status} reads), with its per-route counts.
 */
public final class LiveRouteFunction
        extends KeyedBroadcastProcessFunction<String, DecodedRecord, String, RoutedMessage> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(LiveRouteFunction.class);

    /** The active route version, under key {@link #ACTIVE}, as {@link RoutesVersion#toJson()}. */
    public static final MapStateDescriptor<String, String> ROUTES_STATE =
            new MapStateDescriptor<>("hubroute-routes", Types.STRING, Types.STRING);

    public static final String ACTIVE = "active";

    /** What each subtask activated or rejected, one JSON object per line. */
    public static final OutputTag<String> STATUS = new OutputTag<>("routes-status", Types.STRING);

    public static final String VERSION_METRIC = "hubroute.routes.version";
    public static final String ACTIVE_SINCE_METRIC = "hubroute.routes.activeSince";
    public static final String REJECTED_METRIC = "hubroute.routes.rejected";

    private final RoutesFileRouter submitted;
    private final Map<String, OutputTag<RoutedMessage>> outputs;
    private final HashMap<String, byte[]> exportedTwins;

    private transient DeviceTwins twins;
    private transient RouteStep step;
    private transient List<String> endpoints;
    private transient volatile long activeVersion;
    private transient volatile long activeSince;
    private transient Counter rejected;
    private transient boolean restoredChecked;
    private transient int subtask;

    /**
     * @param submitted the routes file the job was submitted with: version 0, active until the
     *     control topic or the restored state has a version
     * @param outputs the output of each endpoint, by endpoint name
     * @param exportedTwins twins of a device export by twin key, as {@code TwinState.toBytes()}
     */
    public LiveRouteFunction(
            RoutesFileRouter submitted,
            Map<String, OutputTag<RoutedMessage>> outputs,
            Map<String, byte[]> exportedTwins) {
        this.submitted = submitted;
        this.outputs = Map.copyOf(outputs);
        this.exportedTwins = new HashMap<>(exportedTwins);
    }

    @Override
    public void open(OpenContext openContext) {
        twins = DeviceTwins.open(getRuntimeContext(), exportedTwins);
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        Router router = submitted.create();
        endpoints = signature(router.config());
        step = new RouteStep(router, outputs, false, metrics);
        activeVersion = 0;
        activeSince = System.currentTimeMillis();
        subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        rejected = metrics.counter(REJECTED_METRIC);
        metrics.gauge(VERSION_METRIC, (Gauge<Long>) () -> activeVersion);
        metrics.gauge(ACTIVE_SINCE_METRIC, (Gauge<Long>) () -> activeSince);
    }

    @Override
    public void processElement(
            DecodedRecord value, ReadOnlyContext context, Collector<RoutedMessage> out)
            throws Exception {
        if (!restoredChecked) {
            // after a restore, the version the job had (broadcast state is not readable in open)
            restoredChecked = true;
            String stored = context.getBroadcastState(ROUTES_STATE).get(ACTIVE);
            RoutesVersion version = stored == null ? null : RoutesVersion.fromJson(stored);
            if (version != null && version.version() > activeVersion) {
                activate(version, compile(version), "restored");
                context.output(STATUS, status(version, "active", null));
            } else if (activeVersion == 0) {
                // running the submitted file: say so, with the endpoints push checks against
                context.output(STATUS, status(null, "running", null));
            }
        }
        String key = context.getCurrentKey();
        Twin twin = twins.update(key, value.message());
        step.route(
                value,
                key,
                twin,
                new RouteStep.Output() {
                    @Override
                    public void delivery(OutputTag<RoutedMessage> endpoint, RoutedMessage message) {
                        context.output(endpoint, message);
                    }

                    @Override
                    public void diagnostics(String line) {
                        context.output(RouteFunction.DIAGNOSTICS, line);
                    }
                });
    }

    @Override
    public void processBroadcastElement(String value, Context context, Collector<RoutedMessage> out)
            throws Exception {
        RoutesVersion version;
        try {
            version = RoutesVersion.fromJson(value);
        } catch (IllegalArgumentException e) {
            reject(null, e.getMessage(), context);
            return;
        }
        if (version.version() <= activeVersion) {
            return; // a version the job has had (the topic is read from its start)
        }
        String stored = context.getBroadcastState(ROUTES_STATE).get(ACTIVE);
        if (stored != null && RoutesVersion.fromJson(stored).version() >= version.version()) {
            return;
        }
        Router router;
        try {
            router = compile(version);
        } catch (IllegalArgumentException e) {
            reject(version, e.getMessage(), context);
            return;
        }
        context.getBroadcastState(ROUTES_STATE).put(ACTIVE, version.toJson());
        activate(version, router, "pushed");
        context.output(STATUS, status(version, "active", null));
    }

    /** Parses and compiles a version, refusing one whose endpoints are not the job's. */
    private Router compile(RoutesVersion version) {
        RoutingConfig config;
        try {
            config = RoutesFileRouter.parse(version.routes(), version.fileName());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        List<String> theirs = signature(config);
        if (!theirs.equals(endpoints)) {
            throw new IllegalArgumentException(
                    "its endpoints "
                            + theirs
                            + " are not the job's "
                            + endpoints
                            + ": endpoints are part of the job graph; change them with hubroute"
                            + " upgrade");
        }
        return Router.create(config, Engine.COMPILED);
    }

    private void activate(RoutesVersion version, Router router, String how) {
        step.swap(router);
        activeVersion = version.version();
        activeSince = System.currentTimeMillis();
        LOG.info(
                "Routes version {} ({}, {} routes) active on subtask {} ({})",
                version.version(),
                version.fileName(),
                router.routeCount(),
                subtask,
                how);
    }

    private void reject(RoutesVersion version, String reason, Context context) {
        rejected.inc();
        LOG.warn(
                "Routes version {} rejected on subtask {}; version {} stays active: {}",
                version == null ? "(unreadable)" : version.version(),
                subtask,
                activeVersion,
                reason);
        context.output(STATUS, status(version, "rejected", reason));
    }

    private String status(RoutesVersion version, String status, String reason) {
        ObjectNode line = Json.MAPPER.createObjectNode();
        if (version != null) {
            line.put("version", version.version());
            line.put("fileName", version.fileName());
        }
        line.put("status", status);
        line.put("subtask", subtask);
        line.put("at", Instant.now().toString());
        line.put("activeVersion", activeVersion);
        endpoints.forEach(line.putArray("endpoints")::add);
        if (reason != null) {
            line.put("reason", reason);
        }
        ObjectNode routes = line.putObject("routes");
        for (Map.Entry<String, long[]> route : step.routeCounts().entrySet()) {
            ObjectNode counts = routes.putObject(route.getKey());
            counts.put("true", route.getValue()[0]);
            counts.put("false", route.getValue()[1]);
            counts.put("undefined", route.getValue()[2]);
        }
        return line.toString();
    }

    /** The endpoints a routes file declares, in order: name and kind. */
    private static List<String> signature(RoutingConfig config) {
        List<String> names = new ArrayList<>();
        for (Endpoint endpoint : config.allEndpoints()) {
            names.add(endpoint.name() + " (" + endpoint.kind() + ")");
        }
        return names;
    }
}
