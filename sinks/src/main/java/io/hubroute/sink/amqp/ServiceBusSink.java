package io.hubroute.sink.amqp;

import io.hubroute.sink.RoutedMessage;
import io.hubroute.sink.amqp.internal.ServiceBusWriter;
import java.io.IOException;
import java.util.Objects;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Delivers routed messages to a Service Bus queue or topic, or to a queue or address of any AMQP
 * 1.0 broker, with Qpid JMS (the client Microsoft documents for Service Bus).
 *
 * <p>Each message arrives as IoT Hub would send it: the body bytes unchanged; the application
 * properties, whatever their names (written into the AMQP application properties, so a device
 * property named {@code JMSXGroupID} or {@code JMS_AMQP_TTL} is data, never a send option);
 * MessageId, CorrelationId, ContentType and ContentEncoding as AMQP message fields; UserId as the
 * application property {@code user-id} (Qpid JMS reserves the AMQP user-id field for the
 * authenticated connection user); the device id, module id, auth generation id, auth method and
 * enqueued time as the application properties {@code iothub-connection-device-id}, {@code
 * iothub-connection-module-id}, {@code iothub-connection-auth-generation-id}, {@code
 * iothub-connection-auth-method} and {@code iothub-enqueuedtime}.
 *
 * <p><b>At least once.</b> Sends are acknowledged by the broker asynchronously; before every
 * checkpoint (and at the end of input) the writer waits until each message written so far is
 * acknowledged, so a completed checkpoint never covers a message the broker does not have. After a
 * restore, messages since the last checkpoint are sent again with the same MessageId: the message's
 * own {@code messageId} when it has one, otherwise an id derived from the device id, enqueued time,
 * source partition and a SHA-256 hash of the body. Enable duplicate detection on the Service Bus
 * entity (or de-duplicate on MessageId in the receiver) to drop those repeats.
 *
 * <p><b>Failures.</b> A failed send is retried with the {@link io.hubroute.sink.RetryPolicy}'s
 * exponential backoff over a new connection; the endpoint is reported unhealthy, then dead once a
 * retry budget has failed (gauge {@code d2c.endpoints.health}, and a log line on every change).
 * Each message counts its own attempts. After its budget, {@link
 * io.hubroute.sink.FailurePolicy#BACKPRESSURE} (the default) keeps retrying and blocks the job;
 * {@link io.hubroute.sink.FailurePolicy#DEAD_LETTER} writes the message to the dead-letter endpoint
 * with its own attempt count and last failure in its application properties, and goes on with the
 * next message, which gets attempts of its own (one, while the endpoint stays dead). A message the
 * entity can never take (too large for it, or one that cannot be mapped to AMQP) is never retried,
 * under either policy: it is diverted alone to the dead-letter endpoint, or else to the
 * undeliverable sink ({@link ServiceBusSinkBuilder#setUndeliverableSink}), and the rest keep
 * flowing; with neither, the job fails. A refused authorization and a missing entity are retried as
 * an outage is, never diverted message by message. Refused credentials (SASL fails: a wrong key or
 * key name, the wrong namespace, a wrong user name or password) fail the job at once, under either
 * policy, with an {@link io.hubroute.sink.internal.EndpointAuthenticationException} that names the
 * settings to check, never their values; nothing is diverted.
 *
 * <p><b>Metrics</b>, in group {@code endpoint.<name>}: {@code
 * d2c.endpoints.egress.serviceBusQueues} (or {@code ...serviceBusTopics}), {@code
 * d2c.endpoints.latency.serviceBusQueues} (ms from enqueued time to the broker's acknowledgment),
 * {@code d2c.endpoints.health}, {@code d2c.endpoints.deadlettered}, {@code
 * d2c.endpoints.undeliverable}.
 *
 * <pre>{@code
 * ServiceBusSink sink = ServiceBusSink.builder()
 *     .setEndpointName("alerts")
 *     .setConnectionString(System.getenv("ALERTS_SERVICE_BUS"))  // Endpoint=sb://...;EntityPath=alerts
 *     .setKind(ServiceBusEntityKind.QUEUE)
 *     .build();
 * routed.sinkTo(sink).uid("sink-alerts").name("alerts");
 * }</pre>
 */
public final class ServiceBusSink implements Sink<RoutedMessage> {
    private static final long serialVersionUID = 1L;

    private final ServiceBusSinkOptions options;

    ServiceBusSink(ServiceBusSinkOptions options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    public static ServiceBusSinkBuilder builder() {
        return new ServiceBusSinkBuilder();
    }

    public ServiceBusSinkOptions options() {
        return options;
    }

    @Override
    public SinkWriter<RoutedMessage> createWriter(WriterInitContext context) throws IOException {
        return ServiceBusWriter.open(options, context);
    }

    @Override
    public String toString() {
        return "ServiceBusSink{" + options + "}";
    }
}
