package io.hubroute.cli;

import io.hubroute.sink.eventhubs.EventHubsSinkBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.api.java.typeutils.ObjectArrayTypeInfo;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The ceiling {@code hubroute bench-e2e} measures the routing job against: a Flink job that reads
 * the same topic with the same source settings and writes each record, unchanged (key, value and
 * headers), to as many topics as the routing job delivered it to on average ({@code fanOut} copies,
 * spread so that N records give round(N × fanOut) copies), with the producer settings of hubroute's
 * at-least-once Event Hubs endpoints. It decodes nothing and decides nothing: what the routing job
 * costs beyond it is the routing.
 *
 * <p>{@code java -cp <cli classpath> io.hubroute.cli.PassThroughJob <bootstrap> <input topic>
 * <output topic prefix> <fan-out> <parallelism> <checkpoint interval ms> <checkpoint dir>}: the
 * copies go to topics {@code <prefix>0}, {@code <prefix>1}, …; the source is bounded by the topic's
 * end when the job starts, so the job ends when it has copied everything, and prints {@code
 * pass-through: read N records, wrote M}.
 */
public final class PassThroughJob {
    static final String READ = "pass-through-read";
    static final String WROTE = "pass-through-wrote";

    private PassThroughJob() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 8) {
            System.err.println(
                    "usage: PassThroughJob <bootstrap> <input topic> <output prefix> <fan-out>"
                            + " <topics> <parallelism> <checkpoint interval ms> <checkpoint dir>");
            System.exit(2);
        }
        String bootstrap = args[0];
        String input = args[1];
        String prefix = args[2];
        double fanOut = Double.parseDouble(args[3]);
        int topics = Integer.parseInt(args[4]);
        int parallelism = Integer.parseInt(args[5]);
        long checkpointMillis = Long.parseLong(args[6]);

        Configuration flink = new Configuration();
        flink.set(PipelineOptions.GENERIC_TYPES, false);
        flink.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        flink.setString("execution.checkpointing.dir", args[7]);
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(parallelism, flink);
        env.enableCheckpointing(checkpointMillis, CheckpointingMode.AT_LEAST_ONCE);

        KafkaSource<byte[][]> source =
                KafkaSource.<byte[][]>builder()
                        .setBootstrapServers(bootstrap)
                        .setTopics(input)
                        .setGroupId("hubroute-bench-pass-through-" + prefix)
                        .setStartingOffsets(OffsetsInitializer.earliest())
                        .setBounded(OffsetsInitializer.latest())
                        .setDeserializer(new WholeRecord())
                        .build();
        Properties producer = new Properties();
        // hubroute's at-least-once Event Hubs endpoints (EventHubsSinkBuilder)
        producer.setProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        producer.setProperty(ProducerConfig.ACKS_CONFIG, "all");
        producer.setProperty(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
        producer.setProperty(ProducerConfig.LINGER_MS_CONFIG, EventHubsSinkBuilder.LINGER_MS);
        KafkaSink<Tuple2<Integer, byte[][]>> sink =
                KafkaSink.<Tuple2<Integer, byte[][]>>builder()
                        .setBootstrapServers(bootstrap)
                        .setKafkaProducerConfig(producer)
                        .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                        .setRecordSerializer(new Copy(prefix))
                        .build();
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "kafka " + input)
                .flatMap(new Copies(fanOut, topics), copyType())
                .name("copies")
                .sinkTo(sink)
                .name("kafka " + prefix + "*");
        JobExecutionResult result = env.execute("pass-through x" + fanOut);
        System.out.println(
                "pass-through: read "
                        + result.<Long>getAccumulatorResult(READ)
                        + " records, wrote "
                        + result.<Long>getAccumulatorResult(WROTE));
    }

    /** How many copies record {@code index} gets: N records get round(N × fanOut). */
    static int copiesOf(long index, double fanOut) {
        return (int) (Math.round((index + 1) * fanOut) - Math.round(index * fanOut));
    }

    private static TypeInformation<byte[][]> recordType() {
        return ObjectArrayTypeInfo.getInfoFor(
                byte[][].class, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);
    }

    private static TypeInformation<Tuple2<Integer, byte[][]>> copyType() {
        return Types.TUPLE(Types.INT, recordType());
    }

    /** A record as {key, value, header name, header value, …}. */
    private static final class WholeRecord implements KafkaRecordDeserializationSchema<byte[][]> {
        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<byte[][]> out) {
            Header[] headers = record.headers().toArray();
            byte[][] parts = new byte[2 + 2 * headers.length][];
            parts[0] = record.key();
            parts[1] = record.value();
            for (int i = 0; i < headers.length; i++) {
                parts[2 + 2 * i] = headers[i].key().getBytes(StandardCharsets.UTF_8);
                parts[3 + 2 * i] = headers[i].value();
            }
            out.collect(parts);
        }

        @Override
        public TypeInformation<byte[][]> getProducedType() {
            return recordType();
        }
    }

    /** Emits each record's share of copies, each with its topic number, and counts them. */
    private static final class Copies
            extends RichFlatMapFunction<byte[][], Tuple2<Integer, byte[][]>> {
        private final double fanOut;
        private final int topics;
        private transient long index;
        private transient LongCounter read;
        private transient LongCounter wrote;

        Copies(double fanOut, int topics) {
            this.fanOut = fanOut;
            this.topics = topics;
        }

        @Override
        public void open(OpenContext context) {
            read = getRuntimeContext().getLongCounter(READ);
            wrote = getRuntimeContext().getLongCounter(WROTE);
        }

        @Override
        public void flatMap(byte[][] parts, Collector<Tuple2<Integer, byte[][]>> out) {
            long record = index++;
            int copies = copiesOf(record, fanOut);
            read.add(1);
            for (int copy = 0; copy < copies; copy++) {
                out.collect(Tuple2.of((int) ((record + copy) % topics), parts));
            }
            wrote.add(copies);
        }
    }

    /** A copy goes to topic {@code prefix + number}, keyed as it came. */
    private static final class Copy
            implements KafkaRecordSerializationSchema<Tuple2<Integer, byte[][]>> {
        private final String prefix;

        Copy(String prefix) {
            this.prefix = prefix;
        }

        @Override
        public void open(
                SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {}

        @Override
        public ProducerRecord<byte[], byte[]> serialize(
                Tuple2<Integer, byte[][]> copy, KafkaSinkContext context, Long timestamp) {
            byte[][] parts = copy.f1;
            RecordHeaders headers = new RecordHeaders();
            for (int i = 2; i + 1 < parts.length; i += 2) {
                headers.add(new String(parts[i], StandardCharsets.UTF_8), parts[i + 1]);
            }
            return new ProducerRecord<>(prefix + copy.f0, null, null, parts[0], parts[1], headers);
        }
    }
}
