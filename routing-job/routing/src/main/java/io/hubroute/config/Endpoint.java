package io.hubroute.config;

import java.util.Objects;

/**
 * A routing endpoint.
 *
 * @param connectionString how to reach it; null for identity-based endpoints that give {@code
 *     endpointUri}
 * @param entityPath the queue, topic or event hub name, or null when the connection string holds it
 * @param endpointUri the endpoint's URI for identity-based authentication, or null
 * @param storage the storage settings, present exactly for {@link EndpointKind#STORAGE_CONTAINER}
 */
public record Endpoint(
        String name,
        EndpointKind kind,
        Secret connectionString,
        String entityPath,
        String endpointUri,
        StorageSettings storage) {
    /** The name of IoT Hub's built-in endpoint. */
    public static final String EVENTS = "events";

    public Endpoint {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        if ((kind == EndpointKind.STORAGE_CONTAINER) != (storage != null)) {
            throw new IllegalArgumentException(
                    "storage settings go with storage container endpoints only: " + name);
        }
    }

    /** The built-in {@code events} endpoint. */
    public static Endpoint builtInEvents(Secret connectionString, String entityPath) {
        return new Endpoint(
                EVENTS, EndpointKind.BUILT_IN_EVENTS, connectionString, entityPath, null, null);
    }

    @Override
    public String toString() {
        // the Secret prints its reference, never its value
        return "Endpoint{name="
                + name
                + ", kind="
                + kind
                + ", connectionString="
                + connectionString
                + ", entityPath="
                + entityPath
                + ", storage="
                + storage
                + "}";
    }
}
