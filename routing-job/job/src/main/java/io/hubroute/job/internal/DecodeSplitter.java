package io.hubroute.job.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubroute.job.JobMetrics;
import io.hubroute.job.source.DecodeFailure;
import io.hubroute.job.source.DecodeResult;
import io.hubroute.job.source.DecodedRecord;
import io.hubroute.job.source.RawRecord;
import io.hubroute.message.Json;
import java.util.Base64;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts every record read, passes decoded messages on and sends undecodable ones to the
 * diagnostics output as JSON lines (the reason, where the record came from, and the record itself,
 * base64), counted as invalid and logged at most once per second.
 *
 * <p>It also watches the share of undecodable records over each window of {@value #WINDOW} records
 * of a subtask: above the configured share it warns (log, {@value
 * JobMetrics#INVALID_RATIO_WARNINGS}), since a wrong {@code source.inputFormat} makes every record
 * undecodable while offsets move on. The last window's share is the gauge {@value
 * JobMetrics#INVALID_RATIO}.
 */
public final class DecodeSplitter extends ProcessFunction<DecodeResult, DecodedRecord> {
    private static final long serialVersionUID = 2L;
    private static final Logger LOG = LoggerFactory.getLogger(DecodeSplitter.class);

    /** Records per window of the invalid share. */
    static final int WINDOW = 1000;

    /** Undecodable records, as JSON lines. */
    public static final OutputTag<String> DIAGNOSTICS =
            new OutputTag<>("diagnostics", Types.STRING);

    private final double invalidRatioWarning;

    private transient Counter ingress;
    private transient Counter invalid;
    private transient Counter ratioWarnings;
    private transient long lastLogMillis;
    private transient long suppressed;
    private transient int windowRecords;
    private transient int windowInvalid;
    private transient volatile double lastWindowRatio;

    /**
     * @param invalidRatioWarning the share of undecodable records in a window above which to warn;
     *     0 never warns
     */
    public DecodeSplitter(double invalidRatioWarning) {
        this.invalidRatioWarning = invalidRatioWarning;
    }

    @Override
    public void open(OpenContext openContext) {
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        ingress = metrics.counter(JobMetrics.INGRESS);
        invalid = metrics.counter(JobMetrics.INVALID);
        ratioWarnings = metrics.counter(JobMetrics.INVALID_RATIO_WARNINGS);
        metrics.gauge(JobMetrics.INVALID_RATIO, (Gauge<Double>) () -> lastWindowRatio);
    }

    @Override
    public void processElement(DecodeResult value, Context context, Collector<DecodedRecord> out) {
        ingress.inc();
        windowRecords++;
        if (value instanceof DecodedRecord) {
            out.collect((DecodedRecord) value);
        } else {
            windowInvalid++;
            invalid.inc();
            DecodeFailure failure = (DecodeFailure) value;
            context.output(DIAGNOSTICS, toJson(failure));
            long now = System.currentTimeMillis();
            if (now - lastLogMillis >= 1000) {
                LOG.warn(
                        "Invalid record {} ({} more since the last report)",
                        failure.describe(),
                        suppressed);
                lastLogMillis = now;
                suppressed = 0;
            } else {
                suppressed++;
            }
        }
        if (windowRecords == WINDOW) {
            closeWindow();
        }
    }

    /** The share of undecodable records in the last full window (for tests). */
    double lastWindowRatio() {
        return lastWindowRatio;
    }

    private void closeWindow() {
        lastWindowRatio = (double) windowInvalid / windowRecords;
        if (invalidRatioWarning > 0 && lastWindowRatio > invalidRatioWarning) {
            ratioWarnings.inc();
            LOG.warn(
                    "{} of the last {} records could not be decoded ({}%, above diagnostics.invalidRatioWarning {}):"
                            + " is source.inputFormat right for this stream? See diagnostics for the records and reasons",
                    windowInvalid,
                    windowRecords,
                    Math.round(lastWindowRatio * 100),
                    invalidRatioWarning);
        }
        windowRecords = 0;
        windowInvalid = 0;
    }

    /** One diagnostics line: why, where from, and the record as it was read (base64). */
    static String toJson(DecodeFailure failure) {
        ObjectNode line = Json.MAPPER.createObjectNode();
        line.put("reason", failure.reason());
        line.put("topic", failure.topic());
        line.put("partition", failure.partition());
        line.put("offset", failure.offset());
        RawRecord raw = failure.raw();
        if (raw != null) {
            Base64.Encoder base64 = Base64.getEncoder();
            ObjectNode record = line.putObject("record");
            record.put("timestamp", raw.timestampMillis());
            record.put("key", raw.key() == null ? null : base64.encodeToString(raw.key()));
            record.put("value", raw.value() == null ? null : base64.encodeToString(raw.value()));
            if (raw.truncated()) {
                record.put("valueTruncatedFrom", raw.valueBytes());
            }
            ArrayNode headers = record.putArray("headers");
            for (RawRecord.Header header : raw.headers()) {
                ObjectNode entry = headers.addObject();
                entry.put("name", header.name());
                entry.put(
                        "value",
                        header.value() == null ? null : base64.encodeToString(header.value()));
            }
        }
        return line.toString();
    }
}
