package io.hubroute.sink.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.hubroute.sink.amqp.ServiceBusSink;
import io.hubroute.sink.eventhubs.EventHubsSink;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed Service Bus and Event Hubs connection strings: each error names the part that is wrong,
 * and never shows a value of the string (a malformed string may hold its key anywhere).
 */
class ConnectionStringSecretsTest {
    /** Shaped like a real shared access key: base64 with '+', '/' and '='. */
    private static final String KEY = "c2VjcmV0+a2V5/ZG8tbm90LWxvZw==";

    private static final String SECOND_KEY = "b3RoZXIta2V5+bm90LXNob3du/==";
    private static final String ENDPOINT = "Endpoint=sb://ns.servicebus.windows.net/";
    private static final String POLICY = "SharedAccessKeyName=send";

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("", "connection string has no Endpoint=sb://...: expected"),
                Arguments.of(
                        POLICY + ";SharedAccessKey=" + KEY,
                        "connection string has no Endpoint=sb://...: expected"),
                Arguments.of(
                        "Endpoint=" + KEY + ";" + POLICY + ";SharedAccessKey=" + KEY,
                        "connection string's Endpoint must start with sb://: expected"),
                Arguments.of(
                        "Endpoint=https://ns.servicebus.windows.net/;"
                                + POLICY
                                + ";SharedAccessKey="
                                + KEY,
                        "connection string's Endpoint must start with sb://: expected"),
                Arguments.of(
                        "Endpoint=sb://;" + POLICY + ";SharedAccessKey=" + KEY,
                        "connection string's Endpoint has no host: expected"),
                Arguments.of(
                        ENDPOINT + "SharedAccessKey=" + KEY + ";" + POLICY,
                        "connection string's Endpoint has a path after the host (a missing ';'?)"),
                Arguments.of(
                        "Endpoint=sb://" + KEY + ";" + POLICY + ";SharedAccessKey=" + KEY,
                        "connection string's Endpoint host is not a host name"),
                Arguments.of(
                        "Endpoint=sb://ns.servicebus.windows.net:"
                                + KEY
                                + ";"
                                + POLICY
                                + ";SharedAccessKey="
                                + KEY,
                        "connection string's Endpoint host is not a host name"),
                Arguments.of(
                        "Endpoint=sb://localhost:65536/;" + POLICY + ";SharedAccessKey=" + KEY,
                        "connection string's Endpoint port is not from 1 to 65535"),
                Arguments.of(
                        "Endpoint=sb://localhost:0/;" + POLICY + ";SharedAccessKey=" + KEY,
                        "connection string's Endpoint port is not from 1 to 65535"),
                Arguments.of(
                        ENDPOINT + ";" + POLICY + ";SharedAccessKey",
                        "connection string has a part (number 3) that is not name=value"),
                Arguments.of(
                        ENDPOINT + ";" + POLICY + ";" + KEY.replace("=", ""),
                        "connection string has a part (number 3) that is not name=value"),
                Arguments.of(
                        ENDPOINT + ";SharedAccessKey=" + KEY,
                        "connection string has no SharedAccessKeyName"),
                Arguments.of(ENDPOINT + ";" + POLICY, "connection string has no SharedAccessKey:"),
                Arguments.of(
                        ENDPOINT + ";" + POLICY + ";SharedAccessKey " + KEY,
                        "connection string has no SharedAccessKey:"),
                Arguments.of(
                        ENDPOINT
                                + ";"
                                + POLICY
                                + ";SharedAccessKey="
                                + KEY
                                + ";EntityPath=alerts SharedAccessKey="
                                + SECOND_KEY,
                        "connection string's EntityPath is not a queue, topic or event hub name"),
                Arguments.of(
                        ENDPOINT
                                + ";Endpoint=sb://"
                                + SECOND_KEY
                                + ";"
                                + POLICY
                                + ";SharedAccessKey="
                                + KEY,
                        "connection string has Endpoint more than once: keep one"));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("malformed")
    void serviceBusNamesThePartAndNeverShowsAValue(String connectionString, String problem) {
        Throwable failure =
                catchThrowable(
                        () -> ServiceBusSink.builder().setConnectionString(connectionString));

        assertNamesThePartOnly(failure, "Service Bus " + problem, connectionString);
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("malformed")
    void eventHubsNamesThePartAndNeverShowsAValue(String connectionString, String problem) {
        Throwable failure =
                catchThrowable(
                        () ->
                                EventHubsSink.builder()
                                        .setEventHubsConnectionString(connectionString));

        assertNamesThePartOnly(failure, "Event Hubs " + problem, connectionString);
    }

    private static void assertNamesThePartOnly(
            Throwable failure, String problem, String connectionString) {
        assertThat(failure).isInstanceOf(IllegalArgumentException.class).hasNoCause();
        assertThat(failure.getMessage())
                .startsWith(problem)
                .doesNotContain(KEY)
                .doesNotContain(KEY.substring(0, 8))
                .doesNotContain(SECOND_KEY.substring(0, 8))
                .doesNotContain("https://ns")
                .doesNotContain("sb://ns")
                .doesNotContain("alerts");
        assertThat(connectionString).isNotEqualTo(failure.getMessage());
    }
}
