package io.hubroute.routing;

import java.util.Objects;

/**
 * A delivery the router did not make: the message, with the endpoint's enrichments, is larger than
 * IoT Hub's 256 KB device-to-cloud limit. IoT Hub counts these in {@code
 * d2c.telemetry.egress.invalid}.
 *
 * @param endpointName the endpoint the message was selected for
 * @param endpointIndex its position in {@link io.hubroute.config.RoutingConfig#allEndpoints()}
 * @param messageBytes the size IoT Hub measures: body, application properties (enrichments
 *     included) and the system properties the device sent
 */
public record InvalidDelivery(String endpointName, int endpointIndex, long messageBytes) {
    public InvalidDelivery {
        Objects.requireNonNull(endpointName, "endpointName");
    }

    /** Why the delivery was not made, for people. */
    public String reason() {
        return "the message is "
                + messageBytes
                + " bytes with the enrichments of endpoint '"
                + endpointName
                + "', over IoT Hub's limit of "
                + Router.MAX_MESSAGE_BYTES
                + " bytes (256 KB)";
    }
}
