package io.hubroute.job.archive;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/** An archive in a local folder (and its subfolders). */
final class LocalFolderArchiveStore implements ArchiveStore {
    private static final long serialVersionUID = 1L;
    private static final int BUFFER_BYTES = 64 * 1024;

    /** As text: {@link Path} is not serializable. */
    private final String folder;

    LocalFolderArchiveStore(Path folder) {
        this.folder =
                Objects.requireNonNull(folder, "folder").toAbsolutePath().normalize().toString();
    }

    private Path root() {
        return Path.of(folder);
    }

    @Override
    public String name() {
        Path fileName = root().getFileName();
        return fileName == null ? folder : fileName.toString();
    }

    @Override
    public List<ArchiveBlob> list(String prefix) throws IOException {
        Path root = root();
        if (!Files.isDirectory(root)) {
            throw new NoSuchFileException(
                    folder, null, "archive folder does not exist: check the folder path");
        }
        String wanted = prefix == null ? "" : prefix;
        List<ArchiveBlob> blobs = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (!Files.isRegularFile(file)) {
                    continue;
                }
                String name =
                        root.relativize(file)
                                .toString()
                                .replace(file.getFileSystem().getSeparator(), "/");
                if (name.startsWith(wanted)) {
                    blobs.add(new ArchiveBlob(name, Files.size(file)));
                }
            }
        }
        blobs.sort(Comparator.comparing(ArchiveBlob::name));
        return blobs;
    }

    @Override
    public InputStream open(String blobName) throws IOException {
        Path root = root();
        Path file = root.resolve(blobName).normalize();
        if (!file.startsWith(root)) {
            throw new IOException("'" + blobName + "' is outside the archive folder " + folder);
        }
        return new BufferedInputStream(Files.newInputStream(file), BUFFER_BYTES);
    }

    @Override
    public String toString() {
        return "folder " + folder;
    }
}
