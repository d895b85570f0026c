package io.hubroute.job.internal;

import io.hubroute.job.source.DecodeFailure;
import io.hubroute.job.source.DecodeResult;
import io.hubroute.job.source.DecodedRecord;
import io.hubroute.job.source.IotHubRecordDecoder;
import io.hubroute.message.Message;
import io.hubroute.message.MessageProperties;
import io.hubroute.message.RoutingSource;
import io.hubroute.sink.RoutedMessage;
import io.hubroute.sink.RoutedMessageTypeInfo;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Decodes each Kafka record in the source. Decoded messages and failures travel as {@link
 * RoutedMessage}s (its serializer is Kryo-free): a message as endpoint {@link #INBOUND}, a failure
 * as endpoint {@link #INVALID} whose body is the reason; {@link DecodeSplitter} separates them.
 */
public final class DecodingDeserializer implements KafkaRecordDeserializationSchema<RoutedMessage> {
    private static final long serialVersionUID = 1L;
    public static final String INBOUND = "$inbound";
    public static final String INVALID = "$invalid";
    static final String TOPIC = "topic";
    static final String OFFSET = "offset";

    private final IotHubRecordDecoder decoder;

    public DecodingDeserializer(IotHubRecordDecoder decoder) {
        this.decoder = decoder;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RoutedMessage> out) {
        DecodeResult result = decoder.decode(record);
        if (result instanceof DecodedRecord) {
            DecodedRecord decoded = (DecodedRecord) result;
            out.collect(new RoutedMessage(INBOUND, decoded.message(), decoded.partition(), decoded.enqueuedTimeMillis()));
        } else {
            out.collect(invalid((DecodeFailure) result));
        }
    }

    static RoutedMessage invalid(DecodeFailure failure) {
        Message carrier = Message.builder(RoutingSource.DEVICE_MESSAGES)
                .systemProperties(MessageProperties.of(TOPIC, failure.topic(), OFFSET, Long.toString(failure.offset())))
                .body(failure.reason().getBytes(StandardCharsets.UTF_8))
                .build();
        return new RoutedMessage(INVALID, carrier, Math.max(0, failure.partition()), 0L);
    }

    static DecodeFailure failureOf(RoutedMessage invalid) {
        Message carrier = invalid.message();
        return new DecodeFailure(
                new String(carrier.body(), StandardCharsets.UTF_8),
                carrier.systemProperties().get(TOPIC),
                invalid.partition(),
                Long.parseLong(carrier.systemProperties().get(OFFSET)));
    }

    @Override
    public TypeInformation<RoutedMessage> getProducedType() {
        return RoutedMessageTypeInfo.of();
    }
}
