package io.hubroute.sink;

import java.util.Objects;

/**
 * IoT Hub's endpoint metric names, so dashboards built for IoT Hub read hubroute the same way. Each
 * sink registers its metrics in a group named after its endpoint ({@link #ENDPOINT_GROUP}, endpoint
 * name) with these names.
 */
public final class SinkMetrics {
    /** The metric group key under which a sink's per-endpoint metrics live. */
    public static final String ENDPOINT_GROUP = "endpoint";

    /** Gauge of the endpoint's {@link EndpointHealth#code()}. */
    public static final String HEALTH = "d2c.endpoints.health";

    /** Blobs committed, for storage endpoints. */
    public static final String STORAGE_BLOBS_WRITTEN = "d2c.endpoints.egress.storage.blobs";

    /** Bytes committed to blobs, for storage endpoints. */
    public static final String STORAGE_BYTES_WRITTEN = "d2c.endpoints.egress.storage.bytes";

    /**
     * Commits that failed with an error retrying cannot fix (storage endpoints): each one fails the
     * job, which restores from its last checkpoint and commits again; nothing is dropped.
     */
    public static final String COMMIT_FAILURES = "d2c.endpoints.commitFailures";

    /** Messages diverted to the dead-letter endpoint after the retry budget. */
    public static final String DEAD_LETTERED = "d2c.endpoints.deadlettered";

    /**
     * Messages the endpoint can never take (too large for the entity, a mapping error, a value the
     * broker refuses), each diverted alone, without retries, to the dead-letter endpoint or the
     * undeliverable sink.
     */
    public static final String UNDELIVERABLE = "d2c.endpoints.undeliverable";

    /** The kinds of endpoint, with the name IoT Hub's metrics use for each. */
    public enum EndpointKind {
        STORAGE("storage"),
        SERVICE_BUS_QUEUES("serviceBusQueues"),
        SERVICE_BUS_TOPICS("serviceBusTopics"),
        EVENT_HUBS("eventHubs"),
        /** IoT Hub's built-in endpoint: {@code d2c.endpoints.egress.builtIn.events}. */
        BUILT_IN_EVENTS("builtIn.events");

        private final String metricName;

        EndpointKind(String metricName) {
            this.metricName = metricName;
        }

        /**
         * The kind as IoT Hub's metric names spell it, such as {@code serviceBusQueues} or {@code
         * builtIn.events}.
         */
        public String metricName() {
            return metricName;
        }
    }

    private SinkMetrics() {}

    /** {@code d2c.endpoints.egress.<kind>}: messages the endpoint accepted. */
    public static String egress(EndpointKind kind) {
        return "d2c.endpoints.egress." + Objects.requireNonNull(kind, "kind").metricName();
    }

    /**
     * {@code d2c.endpoints.latency.<kind>}: milliseconds from the message's enqueued time to its
     * acceptance by the endpoint.
     */
    public static String latency(EndpointKind kind) {
        return "d2c.endpoints.latency." + Objects.requireNonNull(kind, "kind").metricName();
    }
}
