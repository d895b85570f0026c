package io.hubroute.job.archive;

import java.util.Objects;

/**
 * One file of an archive.
 *
 * @param name its name in the container, or its path relative to the folder with {@code /}
 * @param sizeBytes its size
 */
public record ArchiveBlob(String name, long sizeBytes) {
    public ArchiveBlob {
        Objects.requireNonNull(name, "name");
        if (sizeBytes < 0) {
            throw new IllegalArgumentException("sizeBytes must be >= 0, got " + sizeBytes);
        }
    }
}
