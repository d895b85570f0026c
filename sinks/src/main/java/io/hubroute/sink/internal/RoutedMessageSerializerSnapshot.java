package io.hubroute.sink.internal;

import io.hubroute.sink.RoutedMessage;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The snapshot of {@link RoutedMessageSerializer}. Version 1 is the only format so far; a later
 * format bumps {@link #getCurrentVersion()} and reads the old one here.
 */
public final class RoutedMessageSerializerSnapshot
        implements TypeSerializerSnapshot<RoutedMessage> {
    private static final int VERSION = 2;

    private int readVersion = VERSION;

    /** For Flink, which restores snapshots by reflection. */
    public RoutedMessageSerializerSnapshot() {}

    @Override
    public int getCurrentVersion() {
        return VERSION;
    }

    @Override
    public void writeSnapshot(DataOutputView out) {
        // The serializer has no configuration; the version says everything.
    }

    @Override
    public void readSnapshot(int readVersion, DataInputView in, ClassLoader userCodeClassLoader)
            throws IOException {
        if (readVersion < 1 || readVersion > VERSION) {
            throw new IOException(
                    "RoutedMessage serializer snapshot version "
                            + readVersion
                            + " is not supported (this build reads 1 to "
                            + VERSION
                            + "): restore with a hubroute version that wrote it, or a newer one");
        }
        this.readVersion = readVersion;
    }

    @Override
    public TypeSerializer<RoutedMessage> restoreSerializer() {
        return RoutedMessageSerializer.INSTANCE;
    }

    @Override
    public TypeSerializerSchemaCompatibility<RoutedMessage> resolveSchemaCompatibility(
            TypeSerializerSnapshot<RoutedMessage> oldSerializerSnapshot) {
        if (!(oldSerializerSnapshot instanceof RoutedMessageSerializerSnapshot)) {
            return TypeSerializerSchemaCompatibility.incompatible();
        }
        // Version 1 had no delivery id. Deliveries travel between operators and never live in
        // state, so no savepoint holds them; a snapshot of version 1 is refused, not misread.
        return ((RoutedMessageSerializerSnapshot) oldSerializerSnapshot).readVersion == VERSION
                ? TypeSerializerSchemaCompatibility.compatibleAsIs()
                : TypeSerializerSchemaCompatibility.incompatible();
    }
}
