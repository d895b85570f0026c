package io.hubroute.sink.internal;

import java.util.function.Predicate;

/**
 * Tells an endpoint client's failures apart ({@link FailureKind}); one per endpoint kind.
 *
 * <pre>{@code
 * FailureClassifier kafka = KafkaFailures::classify;
 * FailureClassifier blob = FailureClassifier.transientWhen(BlobClients::isTransient);
 * }</pre>
 */
@FunctionalInterface
public interface FailureClassifier {
    FailureKind classify(Throwable failure);

    /**
     * What to check when the endpoint refused the credentials ({@link FailureKind#AUTHENTICATION}),
     * for the error that fails the job: the settings to look at, never their values.
     */
    default String authenticationAdvice(Throwable failure) {
        return "check the endpoint's connection string or credentials";
    }

    /**
     * {@link FailureKind#TRANSIENT} when {@code isTransient} holds, else {@link
     * FailureKind#UNFIXABLE}: for endpoints that never divert single messages.
     */
    static FailureClassifier transientWhen(Predicate<Throwable> isTransient) {
        return failure -> isTransient.test(failure) ? FailureKind.TRANSIENT : FailureKind.UNFIXABLE;
    }
}
