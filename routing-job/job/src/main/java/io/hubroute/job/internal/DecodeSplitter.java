package io.hubroute.job.internal;

import io.hubroute.job.JobMetrics;
import io.hubroute.job.source.DecodeFailure;
import io.hubroute.job.source.DecodeResult;
import io.hubroute.job.source.DecodedRecord;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts every record read, passes decoded messages on and sends undecodable ones to the
 * diagnostics output as JSON lines ({@code reason}, {@code topic}, {@code partition}, {@code
 * offset}), counted as invalid and logged at most once per second.
 */
public final class DecodeSplitter extends ProcessFunction<DecodeResult, DecodedRecord> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(DecodeSplitter.class);

    /** Undecodable records, as JSON lines. */
    public static final OutputTag<String> DIAGNOSTICS =
            new OutputTag<>("diagnostics", Types.STRING);

    private transient Counter ingress;
    private transient Counter invalid;
    private transient long lastLogMillis;
    private transient long suppressed;

    @Override
    public void open(OpenContext openContext) {
        ingress = getRuntimeContext().getMetricGroup().counter(JobMetrics.INGRESS);
        invalid = getRuntimeContext().getMetricGroup().counter(JobMetrics.INVALID);
    }

    @Override
    public void processElement(DecodeResult value, Context context, Collector<DecodedRecord> out) {
        ingress.inc();
        if (value instanceof DecodedRecord) {
            out.collect((DecodedRecord) value);
            return;
        }
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

    static String toJson(DecodeFailure failure) {
        StringBuilder json = new StringBuilder(96 + failure.reason().length());
        json.append("{\"reason\":");
        quote(json, failure.reason());
        json.append(",\"topic\":");
        quote(json, failure.topic());
        json.append(",\"partition\":").append(failure.partition());
        json.append(",\"offset\":").append(failure.offset()).append('}');
        return json.toString();
    }

    private static void quote(StringBuilder json, String text) {
        json.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                json.append('\\').append(c);
            } else if (c < 0x20) {
                json.append("\\u00");
                json.append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xF, 16));
            } else {
                json.append(c);
            }
        }
        json.append('"');
    }
}
