package io.hubroute.sink.blob.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Version 1: blob name (UTF), records (long), bytes (long), block count (int), block ids (UTF
 * each).
 */
public final class BlobCommittableSerializer implements SimpleVersionedSerializer<BlobCommittable> {
    private static final int VERSION = 1;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(BlobCommittable committable) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(128);
        write(committable, out);
        return out.getCopyOfBuffer();
    }

    @Override
    public BlobCommittable deserialize(int version, byte[] serialized) throws IOException {
        if (version != VERSION) {
            throw new IOException(
                    "blob committable version "
                            + version
                            + " is not supported (this build reads "
                            + VERSION
                            + ")");
        }
        return read(new DataInputDeserializer(serialized));
    }

    static void write(BlobCommittable committable, DataOutputView out) throws IOException {
        out.writeUTF(committable.blobName());
        out.writeLong(committable.records());
        out.writeLong(committable.bytes());
        writeStrings(committable.blockIds(), out);
    }

    static BlobCommittable read(DataInputView in) throws IOException {
        String blobName = in.readUTF();
        long records = in.readLong();
        long bytes = in.readLong();
        return new BlobCommittable(blobName, readStrings(in), records, bytes);
    }

    static void writeStrings(List<String> values, DataOutputView out) throws IOException {
        out.writeInt(values.size());
        for (String value : values) {
            out.writeUTF(value);
        }
    }

    static List<String> readStrings(DataInputView in) throws IOException {
        int count = in.readInt();
        if (count < 0) {
            throw new IOException("negative block count " + count + ": not blob sink state");
        }
        // bytes that are not blob sink state (savepoint inspect tries them) must not allocate
        // their count up front
        List<String> values = new ArrayList<>(Math.min(count, 1024));
        for (int i = 0; i < count; i++) {
            values.add(in.readUTF());
        }
        return values;
    }
}
