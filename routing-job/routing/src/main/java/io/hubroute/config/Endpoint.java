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
 * @param deliveryGuarantee what an Event Hubs or built-in events endpoint promises (at least once
 *     unless the routes file asks for exactly once); storage is always exactly once, Service Bus at
 *     least once
 */
public record Endpoint(
        String name,
        EndpointKind kind,
        Secret connectionString,
        String entityPath,
        String endpointUri,
        StorageSettings storage,
        DeliveryGuarantee deliveryGuarantee) {
    /** The name of IoT Hub's built-in endpoint. */
    public static final String EVENTS = "events";

    public Endpoint {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(deliveryGuarantee, "deliveryGuarantee");
        if (deliveryGuarantee == DeliveryGuarantee.EXACTLY_ONCE
                && kind != EndpointKind.EVENT_HUB
                && kind != EndpointKind.BUILT_IN_EVENTS) {
            throw new IllegalArgumentException(
                    "deliveryGuarantee exactlyOnce is for Event Hubs endpoints only: " + name);
        }
        if ((kind == EndpointKind.STORAGE_CONTAINER) != (storage != null)) {
            throw new IllegalArgumentException(
                    "storage settings go with storage container endpoints only: " + name);
        }
    }

    /** An endpoint with the default delivery guarantee (at least once). */
    public Endpoint(
            String name,
            EndpointKind kind,
            Secret connectionString,
            String entityPath,
            String endpointUri,
            StorageSettings storage) {
        this(
                name,
                kind,
                connectionString,
                entityPath,
                endpointUri,
                storage,
                DeliveryGuarantee.AT_LEAST_ONCE);
    }

    /** This endpoint with another connection string (a resolved one, say). */
    public Endpoint withConnectionString(Secret connectionString) {
        return new Endpoint(
                name, kind, connectionString, entityPath, endpointUri, storage, deliveryGuarantee);
    }

    /** The built-in {@code events} endpoint. */
    public static Endpoint builtInEvents(Secret connectionString, String entityPath) {
        return builtInEvents(connectionString, entityPath, DeliveryGuarantee.AT_LEAST_ONCE);
    }

    /** The built-in {@code events} endpoint with a delivery guarantee. */
    public static Endpoint builtInEvents(
            Secret connectionString, String entityPath, DeliveryGuarantee deliveryGuarantee) {
        return new Endpoint(
                EVENTS,
                EndpointKind.BUILT_IN_EVENTS,
                connectionString,
                entityPath,
                null,
                null,
                deliveryGuarantee);
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
                + ", deliveryGuarantee="
                + deliveryGuarantee
                + "}";
    }
}
