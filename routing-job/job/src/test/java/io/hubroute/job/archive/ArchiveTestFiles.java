package io.hubroute.job.archive;

import io.hubroute.job.source.DecodeResult;
import io.hubroute.message.Message;
import io.hubroute.message.MessageProperties;
import io.hubroute.message.RoutingSource;
import io.hubroute.sink.RoutedMessage;
import io.hubroute.sink.blob.BlobEncoding;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;

/** Archive files for the tests, written with the plain Avro library or the endpoint's encoder. */
final class ArchiveTestFiles {
    /** Event Hubs Capture's schema, as Capture writes it. */
    static final Schema EVENT_DATA =
            new Schema.Parser()
                    .parse(
                            "{\"type\":\"record\",\"name\":\"EventData\","
                                    + "\"namespace\":\"Microsoft.ServiceBus.Messaging\",\"fields\":["
                                    + "{\"name\":\"SequenceNumber\",\"type\":\"long\"},"
                                    + "{\"name\":\"Offset\",\"type\":\"string\"},"
                                    + "{\"name\":\"EnqueuedTimeUtc\",\"type\":\"string\"},"
                                    + "{\"name\":\"SystemProperties\",\"type\":{\"type\":\"map\","
                                    + "\"values\":[\"long\",\"double\",\"string\",\"bytes\"]}},"
                                    + "{\"name\":\"Properties\",\"type\":{\"type\":\"map\","
                                    + "\"values\":[\"long\",\"double\",\"string\",\"bytes\",\"null\"]}},"
                                    + "{\"name\":\"Body\",\"type\":[\"null\",\"bytes\"]}]}");

    private ArchiveTestFiles() {}

    static GenericRecord event(
            long sequenceNumber,
            String enqueuedTimeUtc,
            Map<String, Object> systemProperties,
            Map<String, Object> properties,
            byte[] body) {
        GenericRecord record = new GenericData.Record(EVENT_DATA);
        record.put("SequenceNumber", sequenceNumber);
        record.put("Offset", Long.toString(sequenceNumber * 1024));
        record.put("EnqueuedTimeUtc", enqueuedTimeUtc);
        record.put("SystemProperties", systemProperties);
        record.put("Properties", properties);
        record.put("Body", body == null ? null : java.nio.ByteBuffer.wrap(body));
        return record;
    }

    /** An Avro file of {@code records}; a small sync interval gives many blocks. */
    static byte[] avro(
            Schema schema, List<GenericRecord> records, CodecFactory codec, int syncInterval)
            throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DataFileWriter<GenericRecord> file =
                new DataFileWriter<>(new GenericDatumWriter<>(schema))) {
            file.setCodec(codec);
            file.setSyncInterval(syncInterval);
            file.create(schema, out);
            for (GenericRecord record : records) {
                file.append(record);
                if (syncInterval <= 64) {
                    file.sync(); // one record per block
                }
            }
        }
        return out.toByteArray();
    }

    /** A telemetry message of device {@code device}, enqueued at {@code enqueuedMillis}. */
    static RoutedMessage delivery(String device, long enqueuedMillis, int seq) {
        Message message =
                Message.builder(RoutingSource.DEVICE_MESSAGES)
                        .systemProperties(
                                MessageProperties.of(
                                        "messageId",
                                        "m-" + seq,
                                        "contentType",
                                        "application/json",
                                        "contentEncoding",
                                        "utf-8",
                                        "connectionDeviceId",
                                        device))
                        .appProperties(MessageProperties.of("seq", Integer.toString(seq)))
                        .body("{\"seq\":" + seq + "}")
                        .build();
        return new RoutedMessage("archive", message, 0, enqueuedMillis);
    }

    /** A Blob Storage endpoint file of {@code count} messages a second apart from {@code first}. */
    static byte[] endpointFile(BlobEncoding encoding, long firstMillis, int count)
            throws Exception {
        List<RoutedMessage> deliveries = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            deliveries.add(delivery("dev-" + (i % 3), firstMillis + i * 1000L, i));
        }
        return StorageEndpointFiles.write(encoding, deliveries);
    }

    static List<DecodeResult> read(
            ArchiveFormat format, ArchiveSelection selection, String blob, byte[] file) {
        List<DecodeResult> results = new ArrayList<>();
        ArchiveReader.of(format, selection)
                .read("archive/" + blob, 0, new ByteArrayInputStream(file), results::add);
        return results;
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
