package io.hubroute.job.internal;

import io.hubroute.job.JobMetrics;
import io.hubroute.message.Message;
import io.hubroute.message.Twin;
import io.hubroute.twin.TwinEvents;
import io.hubroute.twin.TwinState;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.api.common.TaskInfo;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The twins of one keyed task: each device's (or module's) twin in keyed state, updated by twin
 * change and lifecycle events, and filled in from a device export the first time a key is seen.
 *
 * <p>Twins from a device export fill in the twin of a device or module the first time one of its
 * events comes in, and only when the job has no twin state for it and has never seen a lifecycle or
 * twin change event for it: live events always win, and a device deleted by a lifecycle event is
 * not brought back by the export. Each subtask keeps the exported twins of its own key groups until
 * they are used; a key marked in state as seen never uses it.
 *
 * <p>Used by the route operator and by replay's diff operator, so both see the same twins.
 */
public final class DeviceTwins {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceTwins.class);

    /** How many keys' parsed twins a subtask keeps (least recently used go first). */
    static final int PARSED_TWINS = 4096;

    private final ValueState<byte[]> twinState;

    private final Map<String, ParsedTwin> parsed =
            new LinkedHashMap<>(64, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, ParsedTwin> eldest) {
                    return size() > PARSED_TWINS;
                }
            };

    /**
     * Keys of the export only: true once the export's twin was used or a live twin event came in.
     */
    private final ValueState<Boolean> exportSettled;

    private final Map<String, byte[]> pendingExport;
    private final Counter fromExport;
    private final Counter updateErrors;

    private DeviceTwins(
            ValueState<byte[]> twinState,
            ValueState<Boolean> exportSettled,
            Map<String, byte[]> pendingExport,
            Counter fromExport,
            Counter updateErrors) {
        this.twinState = twinState;
        this.exportSettled = exportSettled;
        this.pendingExport = pendingExport;
        this.fromExport = fromExport;
        this.updateErrors = updateErrors;
    }

    /**
     * Opens the twin state of a keyed function (call from {@code open}), keeping the exported twins
     * of this subtask's key groups.
     *
     * @param exportedTwins twins of a device export by twin key, as {@link TwinState#toBytes()}
     */
    public static DeviceTwins open(RuntimeContext context, Map<String, byte[]> exportedTwins) {
        ValueState<byte[]> twinState =
                context.getState(
                        new ValueStateDescriptor<>(
                                "twin", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        ValueState<Boolean> exportSettled =
                context.getState(new ValueStateDescriptor<>("twin-export-settled", Types.BOOLEAN));
        Map<String, byte[]> pendingExport = new HashMap<>();
        TaskInfo task = context.getTaskInfo();
        for (Map.Entry<String, byte[]> twin : exportedTwins.entrySet()) {
            int subtask =
                    KeyGroupRangeAssignment.assignKeyToParallelOperator(
                            twin.getKey(),
                            task.getMaxNumberOfParallelSubtasks(),
                            task.getNumberOfParallelSubtasks());
            if (subtask == task.getIndexOfThisSubtask()) {
                pendingExport.put(twin.getKey(), twin.getValue());
            }
        }
        MetricGroup metrics = context.getMetricGroup();
        return new DeviceTwins(
                twinState,
                exportSettled,
                pendingExport,
                metrics.counter(JobMetrics.TWINS_FROM_EXPORT),
                metrics.counter(JobMetrics.TWIN_UPDATE_ERRORS));
    }

    /**
     * The twin the current key's {@code message} is routed with: the stored (or exported) twin,
     * with the message applied first when it is a twin change or lifecycle event, which updates the
     * state. Null when the key has no twin.
     */
    public Twin update(String key, Message message) throws Exception {
        byte[] stored = twinState.value();
        if (!pendingExport.isEmpty()) {
            stored = settleExport(key, stored);
        }
        if (!TwinEvents.changesTwin(message)) {
            return stored == null ? null : parsed(key, stored);
        }
        TwinState twin = stored == null ? null : TwinState.fromBytes(stored);
        try {
            Optional<TwinState> next = TwinEvents.apply(twin, message);
            twin = next.orElse(null);
            if (twin == null) {
                twinState.clear();
                parsed.remove(key);
                return null;
            }
            byte[] bytes = twin.toBytes();
            twinState.update(bytes);
            return parsed(key, bytes);
        } catch (IllegalArgumentException e) {
            // A twin event with a bad body leaves the twin as it was; the event is still routed.
            updateErrors.inc();
            LOG.warn("Twin of {} not updated: {}", key, e.getMessage());
            return stored == null ? null : parsed(key, stored);
        }
    }

    /**
     * The twin of stored bytes, parsed once while the key is among the last {@link #PARSED_TWINS}
     * used: a telemetry message reads its device's twin, it does not change it, and parsing the
     * JSON per message cost more than routing it. The bytes decide: the heap backend hands back the
     * same array, RocksDB an equal one.
     */
    private Twin parsed(String key, byte[] bytes) {
        ParsedTwin known = parsed.get(key);
        if (known != null && (known.bytes == bytes || Arrays.equals(known.bytes, bytes))) {
            return known.twin;
        }
        Twin twin = TwinState.fromBytes(bytes).asTwin();
        parsed.put(key, new ParsedTwin(bytes, twin));
        return twin;
    }

    private record ParsedTwin(byte[] bytes, Twin twin) {}

    /**
     * The first event of an exported key: with no twin state yet, the export's twin becomes it (a
     * twin event then applies on top); either way the key never looks at the export again.
     */
    private byte[] settleExport(String key, byte[] stored) throws Exception {
        byte[] exported = pendingExport.remove(key);
        if (exported == null || exportSettled.value() != null) {
            return stored;
        }
        exportSettled.update(Boolean.TRUE);
        if (stored != null) {
            return stored;
        }
        twinState.update(exported);
        fromExport.inc();
        return exported;
    }
}
