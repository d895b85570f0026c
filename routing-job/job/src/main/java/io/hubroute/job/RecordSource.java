package io.hubroute.job;

import io.hubroute.job.source.DecodeResult;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Where a job's device-to-cloud records come from, decoded: the live Kafka topic ({@link
 * KafkaRecords#live}), a bounded range of it for replay ({@link KafkaRecords#range}), or an archive
 * of blobs.
 */
@FunctionalInterface
public interface RecordSource {
    /** Adds the source to {@code env}; its operators carry their own uids. */
    DataStream<DecodeResult> addTo(StreamExecutionEnvironment env);
}
