package io.hubroute.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Where {@code ${env:NAME}} and {@code ${file:PATH}} references are looked up: the process
 * environment and file system by default, a fake in tests.
 */
public interface SecretLookup {
    /** The environment variable's value, or null when it is not set. */
    String environment(String name);

    /**
     * The file's content without a trailing line break, or null when it does not exist.
     *
     * @throws IOException when it exists but cannot be read
     */
    String file(Path path) throws IOException;

    /** The process environment and the file system. */
    static SecretLookup system() {
        return new SecretLookup() {
            @Override
            public String environment(String name) {
                return System.getenv(name);
            }

            @Override
            public String file(Path path) throws IOException {
                try {
                    return Files.readString(path, StandardCharsets.UTF_8).stripTrailing();
                } catch (NoSuchFileException e) {
                    return null;
                }
            }
        };
    }
}
