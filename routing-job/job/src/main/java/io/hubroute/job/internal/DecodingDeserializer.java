package io.hubroute.job.internal;

import io.hubroute.job.JobMetrics;
import io.hubroute.job.source.DecodeObserver;
import io.hubroute.job.source.DecodeResult;
import io.hubroute.job.source.IotHubRecordDecoder;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes each Kafka record in the source into a {@link DecodeResult}: the decoded message or the
 * reason it is not one. {@link DecodeSplitter} separates them; both travel with {@link
 * DecodeResultSerializer}, never Kryo. Headers the decoder had to read leniently are counted
 * ({@value JobMetrics#HEADER_FALLBACKS}) and logged at most once per second.
 */
public final class DecodingDeserializer implements KafkaRecordDeserializationSchema<DecodeResult> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(DecodingDeserializer.class);

    private final IotHubRecordDecoder decoder;

    private transient Counter fallbacks;
    private transient DecodeObserver observer;
    private transient ConsumerRecord<byte[], byte[]> current;
    private transient long lastLogMillis;
    private transient long suppressed;

    public DecodingDeserializer(IotHubRecordDecoder decoder) {
        this.decoder = decoder;
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        fallbacks = context.getMetricGroup().counter(JobMetrics.HEADER_FALLBACKS);
        observer = this::headerFellBack;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<DecodeResult> out) {
        current = record;
        out.collect(decoder.decode(record, observer == null ? DecodeObserver.NONE : observer));
    }

    private void headerFellBack(String header, String how) {
        fallbacks.inc();
        long now = System.currentTimeMillis();
        if (now - lastLogMillis < 1000) {
            suppressed++;
            return;
        }
        LOG.warn(
                "Record {}-{}@{}: header '{}' {} ({} more since the last report)",
                current.topic(),
                current.partition(),
                current.offset(),
                header,
                how,
                suppressed);
        lastLogMillis = now;
        suppressed = 0;
    }

    @Override
    public TypeInformation<DecodeResult> getProducedType() {
        return DecodeResultTypeInfo.of();
    }
}
