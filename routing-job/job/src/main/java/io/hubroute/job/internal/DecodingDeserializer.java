package io.hubroute.job.internal;

import io.hubroute.job.source.DecodeResult;
import io.hubroute.job.source.IotHubRecordDecoder;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Decodes each Kafka record in the source into a {@link DecodeResult}: the decoded message or the
 * reason it is not one. {@link DecodeSplitter} separates them; both travel with {@link
 * DecodeResultSerializer}, never Kryo.
 */
public final class DecodingDeserializer implements KafkaRecordDeserializationSchema<DecodeResult> {
    private static final long serialVersionUID = 1L;

    private final IotHubRecordDecoder decoder;

    public DecodingDeserializer(IotHubRecordDecoder decoder) {
        this.decoder = decoder;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<DecodeResult> out) {
        out.collect(decoder.decode(record));
    }

    @Override
    public TypeInformation<DecodeResult> getProducedType() {
        return DecodeResultTypeInfo.of();
    }
}
