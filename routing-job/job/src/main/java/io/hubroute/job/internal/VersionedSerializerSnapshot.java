package io.hubroute.job.internal;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The snapshot of one of the job's configuration-free serializers: the format version says
 * everything. Reading a version this build does not know fails with a message naming it; a snapshot
 * of the same format is compatible as is, anything else is incompatible. A later format bumps the
 * subclass's version and makes {@link #restoreSerializer()} return a reader of the old one for the
 * versions it still reads, answering {@code compatibleAfterMigration} for them.
 */
abstract class VersionedSerializerSnapshot<T> implements TypeSerializerSnapshot<T> {
    private final String typeName;
    private final int currentVersion;
    private int readVersion;

    VersionedSerializerSnapshot(String typeName, int currentVersion) {
        this.typeName = typeName;
        this.currentVersion = currentVersion;
        this.readVersion = currentVersion;
    }

    /** The serializer of the current format. */
    abstract TypeSerializer<T> currentSerializer();

    /** The format version this snapshot was written with (the current one unless read). */
    final int readVersion() {
        return readVersion;
    }

    @Override
    public final int getCurrentVersion() {
        return currentVersion;
    }

    @Override
    public final void writeSnapshot(DataOutputView out) {
        // No configuration: the version Flink writes in front of the snapshot says everything.
    }

    @Override
    public final void readSnapshot(int version, DataInputView in, ClassLoader userCodeClassLoader)
            throws IOException {
        if (version != currentVersion) {
            throw new IOException(
                    typeName
                            + " serializer snapshot version "
                            + version
                            + " is not supported (this build reads "
                            + currentVersion
                            + "): restore with the hubroute version that wrote it, or a newer one");
        }
        this.readVersion = version;
    }

    @Override
    public final TypeSerializer<T> restoreSerializer() {
        return currentSerializer();
    }

    @Override
    public final TypeSerializerSchemaCompatibility<T> resolveSchemaCompatibility(
            TypeSerializerSnapshot<T> oldSerializerSnapshot) {
        if (oldSerializerSnapshot.getClass() != getClass()) {
            return TypeSerializerSchemaCompatibility.incompatible();
        }
        return ((VersionedSerializerSnapshot<T>) oldSerializerSnapshot).readVersion
                        == currentVersion
                ? TypeSerializerSchemaCompatibility.compatibleAsIs()
                : TypeSerializerSchemaCompatibility.incompatible();
    }
}
