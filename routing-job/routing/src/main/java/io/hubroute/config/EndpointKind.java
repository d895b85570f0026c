package io.hubroute.config;

/** The kinds of routing endpoints, with the list name the resource model files them under. */
public enum EndpointKind {
    /** IoT Hub's built-in, Event Hubs-compatible {@code events} endpoint. */
    BUILT_IN_EVENTS("builtInEndpoint"),
    STORAGE_CONTAINER("storageContainers"),
    SERVICE_BUS_QUEUE("serviceBusQueues"),
    SERVICE_BUS_TOPIC("serviceBusTopics"),
    EVENT_HUB("eventHubs");

    private final String listName;

    EndpointKind(String listName) {
        this.listName = listName;
    }

    /** The key under {@code endpoints} (or {@code builtInEndpoint}). */
    public String listName() {
        return listName;
    }
}
