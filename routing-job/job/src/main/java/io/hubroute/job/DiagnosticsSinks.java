package io.hubroute.job;

import io.hubroute.config.DiagnosticsOptions;
import io.hubroute.config.JobConfig;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;

/**
 * The diagnostics destination job.yaml names: JSON lines in a local folder ({@code
 * diagnostics.dir}), or records of a Kafka topic on the source's cluster ({@code
 * diagnostics.topic}, connected as the source is: same bootstrap servers, TLS and SASL), where
 * every TaskManager's diagnostics come together.
 */
public final class DiagnosticsSinks {
    private DiagnosticsSinks() {}

    /** The sink for {@code config}'s diagnostics, or null when it names none. */
    public static Sink<String> forConfig(JobConfig config) {
        DiagnosticsOptions diagnostics = config.diagnostics();
        if (diagnostics.topic() != null) {
            return kafka(config, diagnostics.topic());
        }
        if (diagnostics.directory() != null) {
            return new DiagnosticsFileSink(Path.of(diagnostics.directory()));
        }
        return null;
    }

    /**
     * Where an endpoint's undeliverable messages go (one JSON line each, with the reason and the
     * delivery id): the same topic, or files of their own in the same folder ({@code
     * undeliverable-<endpoint>-part-<subtask>.jsonl}); null when diagnostics go nowhere.
     */
    public static Sink<String> undeliverable(JobConfig config, String endpointName) {
        DiagnosticsOptions diagnostics = config.diagnostics();
        if (diagnostics.topic() != null) {
            return kafka(config, diagnostics.topic());
        }
        if (diagnostics.directory() != null) {
            return new DiagnosticsFileSink(
                    Path.of(diagnostics.directory()), "undeliverable-" + endpointName + "-part-");
        }
        return null;
    }

    /** JSON lines to {@code topic} on the source's cluster, connected as the source is. */
    static Sink<String> kafka(JobConfig config, String topic) {
        if (config.source() == null) {
            throw new IllegalArgumentException(
                    "diagnostics.topic is on the source's Kafka cluster: add a source section");
        }
        Properties producer = new Properties();
        producer.putAll(config.source().connectionProperties());
        return KafkaSink.<String>builder()
                .setBootstrapServers(producer.getProperty("bootstrap.servers"))
                .setKafkaProducerConfig(producer)
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .setRecordSerializer(
                        KafkaRecordSerializationSchema.<String>builder()
                                .setTopic(topic)
                                .setValueSerializationSchema(new SimpleStringSchema())
                                .build())
                .build();
    }
}
