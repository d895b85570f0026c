package io.hubroute.job.archive;

import io.hubroute.sink.RoutedMessage;
import io.hubroute.sink.blob.BlobEncoding;
import io.hubroute.sink.blob.internal.IotHubMessageSchema;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;

/**
 * Blob files exactly as hubroute's Blob Storage endpoint writes them: each record encoded by the
 * sink's own {@code MessageRecordEncoder} (package-private in the sinks module, so reached by
 * reflection: the test fails loudly if it moves), in an Avro container with IoT Hub's schema and
 * the encoding's codec, or as JSON lines.
 */
final class StorageEndpointFiles {
    private StorageEndpointFiles() {}

    static byte[] write(BlobEncoding encoding, List<RoutedMessage> deliveries) throws Exception {
        Class<?> encoderClass =
                Class.forName("io.hubroute.sink.blob.internal.MessageRecordEncoder");
        Constructor<?> constructor = encoderClass.getDeclaredConstructor(BlobEncoding.class);
        constructor.setAccessible(true);
        Object encoder = constructor.newInstance(encoding);
        Method encode = encoderClass.getDeclaredMethod("encode", RoutedMessage.class);
        Method buffer = encoderClass.getDeclaredMethod("buffer");
        Method size = encoderClass.getDeclaredMethod("size");
        encode.setAccessible(true);
        buffer.setAccessible(true);
        size.setAccessible(true);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (encoding == BlobEncoding.JSON) {
            for (RoutedMessage delivery : deliveries) {
                encode.invoke(encoder, delivery);
                out.write((byte[]) buffer.invoke(encoder), 0, (int) size.invoke(encoder));
            }
            return out.toByteArray();
        }
        try (DataFileWriter<GenericRecord> file =
                new DataFileWriter<>(new GenericDatumWriter<>(IotHubMessageSchema.MESSAGE))) {
            file.setCodec(
                    encoding == BlobEncoding.AVRO_DEFLATE
                            ? CodecFactory.deflateCodec(CodecFactory.DEFAULT_DEFLATE_LEVEL)
                            : CodecFactory.nullCodec());
            file.create(IotHubMessageSchema.MESSAGE, out);
            for (RoutedMessage delivery : deliveries) {
                encode.invoke(encoder, delivery);
                file.appendEncoded(
                        ByteBuffer.wrap(
                                (byte[]) buffer.invoke(encoder), 0, (int) size.invoke(encoder)));
            }
        }
        return out.toByteArray();
    }
}
