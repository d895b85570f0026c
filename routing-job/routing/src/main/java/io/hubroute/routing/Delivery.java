package io.hubroute.routing;

import io.hubroute.message.Message;
import io.hubroute.message.MessageProperties;
import java.util.Objects;

/** One message for one endpoint, with the endpoint's enrichments applied. */
public record Delivery(String endpointName, Message message) {
    public Delivery {
        Objects.requireNonNull(endpointName, "endpointName");
        Objects.requireNonNull(message, "message");
    }

    /** The final application properties, enrichments included. */
    public MessageProperties appProperties() {
        return message.appProperties();
    }
}
