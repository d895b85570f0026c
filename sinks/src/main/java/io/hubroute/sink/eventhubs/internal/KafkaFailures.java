package io.hubroute.sink.eventhubs.internal;

import io.hubroute.sink.eventhubs.EventHubsSinkOptions;
import io.hubroute.sink.internal.FailureClassifier;
import io.hubroute.sink.internal.FailureKind;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.SslAuthenticationException;

/**
 * The Event Hubs writer's {@link io.hubroute.sink.internal.FailureClassifier}: what a Kafka
 * producer's failure of one record means.
 *
 * <ul>
 *   <li>{@link FailureKind#MESSAGE}: the record is over the topic's {@code max.message.bytes}, the
 *       broker's limit or the producer's {@code max.request.size} ({@link RecordTooLargeException};
 *       a batch of several records over the limit is split and sent again by the producer, so this
 *       names one record); the broker refuses the record itself ({@link InvalidRecordException};
 *       {@link InvalidTimestampException}: its enqueued time is outside what the topic accepts); it
 *       cannot be mapped to a record ({@link SerializationException}).
 *   <li>{@link FailureKind#AUTHENTICATION}: the broker refused the credentials ({@link
 *       AuthenticationException}: SASL, as Event Hubs refuses a wrong key, key name or namespace;
 *       or the TLS handshake): the Kafka client gives up on such a failure at once, and so does the
 *       writer, with {@link #authenticationAdvice what to check}.
 *   <li>{@link FailureKind#ENDPOINT}: authorization failed (a policy without Send rights), or the
 *       topic name is invalid: every record would fail alike until the endpoint or its settings are
 *       fixed.
 *   <li>{@link FailureKind#TRANSIENT}: Kafka's retriable errors (timeouts, lost connections, leader
 *       changes, an unknown topic while metadata catches up) and the writer's own timeouts.
 *   <li>{@link FailureKind#UNFIXABLE}: any other error (a producer setting Kafka refuses, say): as
 *       before, it fails the job under BACKPRESSURE and is dead-lettered at once under DEAD_LETTER.
 * </ul>
 */
final class KafkaFailures {
    private KafkaFailures() {}

    /** The classifier of an endpoint's writer: {@link #classify}, and advice naming its broker. */
    static FailureClassifier forEndpoint(EventHubsSinkOptions options) {
        String servers = options.bootstrapServers();
        String jaas = options.producerProperties().getProperty(SaslConfigs.SASL_JAAS_CONFIG, "");
        // the builder's login for a connection string; a JAAS line of the user's own is theirs
        boolean connectionString = jaas.contains("username=\"$ConnectionString\"");
        return FailureClassifier.withAdvice(
                KafkaFailures::classify,
                failure -> authenticationAdvice(failure, servers, connectionString));
    }

    /**
     * What to check when {@code servers} refused the credentials; names settings, never values.
     *
     * @param connectionString whether the writer logs in with an Event Hubs connection string
     */
    static String authenticationAdvice(
            Throwable failure, String servers, boolean connectionString) {
        if (failure instanceof SslAuthenticationException
                || failure.getCause() instanceof SslAuthenticationException) {
            return "the TLS handshake with "
                    + servers
                    + " failed: check that the broker's certificate is trusted (the certificate of"
                    + " an emulator or a private CA needs ssl.truststore.location, through"
                    + " setProducerProperty) and that it names the host the connection goes to";
        }
        if (connectionString) {
            return "the Event Hubs namespace at "
                    + servers
                    + " refused the connection string (SASL PLAIN, user $ConnectionString): check"
                    + " its SharedAccessKeyName (a shared access policy of this namespace or event"
                    + " hub), its SharedAccessKey (that policy's current primary or secondary key;"
                    + " regenerating a key revokes the old one) and its Endpoint (the namespace the"
                    + " policy belongs to, sb://<namespace>.servicebus.windows.net/)";
        }
        return "the broker at "
                + servers
                + " refused the SASL credentials: check sasl.mechanism and the user name and"
                + " password in sasl.jaas.config";
    }

    static FailureKind classify(Throwable failure) {
        if (failure instanceof AuthenticationException
                || failure.getCause() instanceof AuthenticationException) {
            return FailureKind.AUTHENTICATION;
        }
        if (failure instanceof RecordTooLargeException
                || failure instanceof InvalidRecordException
                || failure instanceof InvalidTimestampException
                || failure instanceof SerializationException) {
            return FailureKind.MESSAGE;
        }
        if (failure instanceof AuthorizationException || failure instanceof InvalidTopicException) {
            return FailureKind.ENDPOINT;
        }
        if (failure instanceof RetriableException
                || failure instanceof TimeoutException
                || failure.getCause() instanceof RetriableException) {
            return FailureKind.TRANSIENT;
        }
        return FailureKind.UNFIXABLE;
    }
}
