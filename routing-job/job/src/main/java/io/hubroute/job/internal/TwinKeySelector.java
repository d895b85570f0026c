package io.hubroute.job.internal;

import io.hubroute.job.source.DecodedRecord;
import io.hubroute.message.Message;
import io.hubroute.twin.TwinEvents;
import io.hubroute.twin.TwinKey;
import java.util.Optional;
import org.apache.flink.api.java.functions.KeySelector;

/**
 * Keys messages by the twin they read or change: the device id, or {@code device/module}. Twin
 * change and lifecycle events key by the twin they name, so they and the telemetry of that device
 * keep their order.
 */
public final class TwinKeySelector implements KeySelector<DecodedRecord, String> {
    private static final long serialVersionUID = 1L;

    @Override
    public String getKey(DecodedRecord value) {
        Message message = value.message();
        if (TwinEvents.changesTwin(message)) {
            Optional<TwinKey> key = TwinEvents.keyOf(message);
            if (key.isPresent()) {
                return DecodedRecord.twinKey(key.get().deviceId(), key.get().moduleId());
            }
        }
        // The decoder guarantees a device id.
        return DecodedRecord.twinKey(
                message.deviceId().orElse(""),
                message.moduleId().filter(id -> !id.isEmpty()).orElse(null));
    }
}
