package io.hubroute.sink.blob.internal;

/**
 * A file-system container refuses a call for good, as Blob Storage does with a 4xx answer: a blob
 * of that name exists (Blob Storage's 409), or staged blocks of a blob are gone (Blob Storage's 400
 * {@code InvalidBlockList}). Never transient: retrying cannot help.
 */
final class StorageRefusedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final boolean blobExists;

    private StorageRefusedException(String message, boolean blobExists) {
        super(message);
        this.blobExists = blobExists;
    }

    /** A file already is where the blob would go; it is never replaced. */
    static StorageRefusedException blobExists(String message) {
        return new StorageRefusedException(message, true);
    }

    /** Blocks the blob needs are not staged (any more). */
    static StorageRefusedException blocksMissing(String message) {
        return new StorageRefusedException(message, false);
    }

    /** Whether the refusal is a blob of that name that exists (a conflict, as HTTP 409). */
    boolean blobExists() {
        return blobExists;
    }
}
