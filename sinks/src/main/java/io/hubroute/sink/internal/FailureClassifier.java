package io.hubroute.sink.internal;

import java.util.function.Function;
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
     * A classifier whose {@link #authenticationAdvice} is {@code advice}'s: for endpoints whose
     * advice names their own settings (broker, connection string or credentials).
     */
    static FailureClassifier withAdvice(
            FailureClassifier classifier, Function<Throwable, String> advice) {
        return new FailureClassifier() {
            @Override
            public FailureKind classify(Throwable failure) {
                return classifier.classify(failure);
            }

            @Override
            public String authenticationAdvice(Throwable failure) {
                return advice.apply(failure);
            }
        };
    }

    /**
     * {@link FailureKind#TRANSIENT} when {@code isTransient} holds, else {@link
     * FailureKind#UNFIXABLE}: for endpoints that never divert single messages.
     */
    static FailureClassifier transientWhen(Predicate<Throwable> isTransient) {
        return failure -> isTransient.test(failure) ? FailureKind.TRANSIENT : FailureKind.UNFIXABLE;
    }
}
