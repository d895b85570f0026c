package io.hubroute.sink.amqp;

import io.hubroute.sink.SinkMetrics;

/**
 * Whether a Service Bus endpoint is a queue or a topic; decides the JMS destination and metric
 * names.
 */
public enum ServiceBusEntityKind {
    /** A queue: an anycast address on other AMQP 1.0 brokers. */
    QUEUE(SinkMetrics.EndpointKind.SERVICE_BUS_QUEUES),
    /** A topic, read through its subscriptions: a multicast address on other AMQP 1.0 brokers. */
    TOPIC(SinkMetrics.EndpointKind.SERVICE_BUS_TOPICS);

    private final SinkMetrics.EndpointKind endpointKind;

    ServiceBusEntityKind(SinkMetrics.EndpointKind endpointKind) {
        this.endpointKind = endpointKind;
    }

    /**
     * The kind IoT Hub's metric names use: {@code serviceBusQueues} or {@code serviceBusTopics}.
     */
    public SinkMetrics.EndpointKind endpointKind() {
        return endpointKind;
    }
}
