package io.hubroute.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

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

    /**
     * Resolves one secret on its own: its value when inline or already resolved, else the
     * referenced variable or file ({@code directory} resolves relative paths); empty when that is
     * not set, missing or unreadable. For callers that fall back when a secret is absent, such as
     * the embedded demo.
     */
    default Optional<Secret> resolve(Secret secret, Path directory) {
        if (secret.isResolved()) {
            return Optional.of(secret);
        }
        String reference = secret.reference().orElseThrow();
        String target = Secret.target(reference);
        String value;
        try {
            if ("env".equals(Secret.scheme(reference))) {
                value = environment(target);
            } else {
                value = file(directory == null ? Path.of(target) : directory.resolve(target));
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return value == null || value.isEmpty()
                ? Optional.empty()
                : Optional.of(Secret.resolved(reference, value));
    }

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
