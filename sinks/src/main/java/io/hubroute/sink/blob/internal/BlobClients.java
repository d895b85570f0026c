package io.hubroute.sink.blob.internal;

import com.azure.core.exception.HttpResponseException;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobContainerClientBuilder;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import io.hubroute.sink.Redaction;
import io.hubroute.sink.blob.BlobAuthentication;
import io.hubroute.sink.blob.BlobStorageSinkOptions;
import java.time.Duration;

/** Builds the container client of an endpoint and classifies its failures. */
final class BlobClients {
    private static final Duration TRY_TIMEOUT = Duration.ofSeconds(60);

    private BlobClients() {}

    static BlobContainerClient containerClient(BlobStorageSinkOptions options) {
        // The SDK tries once; hubroute's RetryPolicy does the retrying, so health and metrics see
        // it.
        RequestRetryOptions sdkRetry =
                new RequestRetryOptions(
                        RetryPolicyType.FIXED,
                        1,
                        TRY_TIMEOUT,
                        Duration.ofMillis(1),
                        Duration.ofMillis(1),
                        null);
        BlobContainerClientBuilder builder =
                new BlobContainerClientBuilder().retryOptions(sdkRetry);
        BlobAuthentication authentication = options.authentication();
        try {
            switch (authentication.kind()) {
                case CONNECTION_STRING:
                    builder.connectionString(authentication.secretValue());
                    break;
                case SAS_URL:
                    builder.endpoint(authentication.secretValue());
                    break;
                default:
                    builder.endpoint(authentication.secretValue())
                            .credential(new DefaultAzureCredentialBuilder().build());
                    break;
            }
            if (options.containerName().isPresent()) {
                builder.containerName(options.containerName().get());
            }
            return builder.buildClient();
        } catch (RuntimeException e) {
            // No cause: SDK messages about a malformed connection string may quote it.
            throw new IllegalArgumentException(
                    "endpoint '"
                            + options.endpointName()
                            + "': cannot use its "
                            + authentication.kind()
                            + " ("
                            + Redaction.describe(e)
                            + "): check the endpoint's credentials");
        }
    }

    /** Whether retrying may help: timeouts, throttling, server errors and network errors. */
    static boolean isTransient(Throwable failure) {
        if (failure instanceof HttpResponseException) {
            int status = ((HttpResponseException) failure).getResponse().getStatusCode();
            return status == 408 || status == 429 || status >= 500;
        }
        return !(failure instanceof IllegalArgumentException);
    }

    static int statusCode(Throwable failure) {
        return failure instanceof HttpResponseException
                ? ((HttpResponseException) failure).getResponse().getStatusCode()
                : -1;
    }
}
