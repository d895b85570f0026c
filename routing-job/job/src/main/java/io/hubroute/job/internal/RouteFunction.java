package io.hubroute.job.internal;

import io.hubroute.job.RoutesFileRouter;
import io.hubroute.job.source.DecodedRecord;
import io.hubroute.message.Twin;
import io.hubroute.sink.RoutedMessage;
import io.hubroute.sink.RoutedMessageTypeInfo;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Routes each device's messages in order. Keeps the device's (or module's) twin in keyed state
 * ({@link DeviceTwins}: updated by twin change and lifecycle events before they are routed
 * themselves, filled in from {@code twins.exportFile}); asks the router for a decision per message;
 * sends one record per delivery to that endpoint's output.
 */
public final class RouteFunction
        extends KeyedProcessFunction<String, DecodedRecord, RoutedMessage> {
    private static final long serialVersionUID = 1L;

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

    private transient DeviceTwins twins;
    private transient RouteStep step;

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
        this.routerFactory = routerFactory;
        this.outputs = Map.copyOf(outputs);
        this.exportedTwins = new HashMap<>(exportedTwins);
        this.dropDeliveriesWithoutSink = dropDeliveriesWithoutSink;
    }

    /** The output tag of an endpoint's deliveries. */
    public static OutputTag<RoutedMessage> outputFor(String endpointName) {
        return new OutputTag<>("endpoint-" + endpointName, RoutedMessageTypeInfo.of());
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        twins = DeviceTwins.open(getRuntimeContext(), exportedTwins);
        step =
                new RouteStep(
                        routerFactory.create(),
                        outputs,
                        dropDeliveriesWithoutSink,
                        getRuntimeContext().getMetricGroup());
    }

    @Override
    public void processElement(DecodedRecord value, Context context, Collector<RoutedMessage> out)
            throws Exception {
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
                        context.output(DIAGNOSTICS, line);
                    }
                });
    }
}
