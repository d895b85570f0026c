package io.hubroute.sink.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.hubroute.message.Message;
import io.hubroute.message.MessageProperties;
import io.hubroute.message.RoutingSource;
import io.hubroute.sink.DeadLetters;
import io.hubroute.sink.RoutedMessage;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class DeadLetterDiversionTest {
    @Test
    void divertRecordsTheFailureWithoutSecrets() {
        Message message =
                Message.builder(RoutingSource.DEVICE_MESSAGES)
                        .appProperties(MessageProperties.of("level", "critical"))
                        .body("{}")
                        .build();
        RoutedMessage diverted =
                DeadLetterDiversion.divert(
                        new RoutedMessage("storage1", message, 2, 1000L),
                        "deadletters",
                        new IOException(
                                "403 for https://a.blob.core.windows.net/c?sv=1&sig=SECRET"),
                        7,
                        0L);
        assertThat(diverted.endpointName()).isEqualTo("deadletters");
        assertThat(diverted.partition()).isEqualTo(2);
        assertThat(diverted.message().appProperties().toMap())
                .containsEntry("level", "critical")
                .containsEntry(DeadLetters.ENDPOINT_PROPERTY, "storage1")
                .containsEntry(DeadLetters.ATTEMPTS_PROPERTY, "7")
                .containsEntry(DeadLetters.TIME_PROPERTY, "1970-01-01T00:00:00Z")
                .containsEntry(
                        DeadLetters.REASON_PROPERTY,
                        "IOException: 403 for https://a.blob.core.windows.net/c?sv=1&sig=***");
    }
}
