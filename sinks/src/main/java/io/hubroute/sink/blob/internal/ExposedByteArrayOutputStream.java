package io.hubroute.sink.blob.internal;

import java.io.ByteArrayOutputStream;

/** A byte array stream whose buffer can be read without a copy. */
final class ExposedByteArrayOutputStream extends ByteArrayOutputStream {
    ExposedByteArrayOutputStream(int size) {
        super(size);
    }

    byte[] buffer() {
        return buf;
    }

    /** The buffer's length: the memory it holds, whatever it holds now. */
    int capacity() {
        return buf.length;
    }
}
