package io.hubroute.sink.blob;

import io.hubroute.sink.internal.Redaction;
import java.io.Serializable;
import java.util.Objects;

/**
 * How a Blob Storage endpoint signs in: a connection string, a SAS URL, or {@code
 * DefaultAzureCredential} (managed identity, workload identity, Azure CLI, ...) with an account
 * URL. {@link #toString()} never shows a secret.
 */
public final class BlobAuthentication implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The kinds of sign-in. */
    public enum Kind {
        CONNECTION_STRING,
        SAS_URL,
        DEFAULT_CREDENTIAL
    }

    private final Kind kind;
    private final String value;

    private BlobAuthentication(Kind kind, String value) {
        this.kind = kind;
        this.value = value;
    }

    /**
     * A storage account connection string ({@code DefaultEndpointsProtocol=...;AccountKey=...}).
     */
    public static BlobAuthentication connectionString(String connectionString) {
        return new BlobAuthentication(
                Kind.CONNECTION_STRING, requireText(connectionString, "connectionString"));
    }

    /**
     * A SAS URL of the account ({@code https://account.blob.core.windows.net/?sv=...}) or of the
     * container ({@code https://account.blob.core.windows.net/container?sv=...}).
     */
    public static BlobAuthentication sasUrl(String sasUrl) {
        String url = requireText(sasUrl, "sasUrl");
        if (!url.contains("?")) {
            throw new IllegalArgumentException(
                    "SAS URL has no query string (sv=...&sig=...): pass the full URL with its SAS token");
        }
        return new BlobAuthentication(Kind.SAS_URL, url);
    }

    /**
     * {@code DefaultAzureCredential} with the account URL ({@code
     * https://account.blob.core.windows.net}).
     */
    public static BlobAuthentication defaultCredential(String accountUrl) {
        return new BlobAuthentication(
                Kind.DEFAULT_CREDENTIAL, requireText(accountUrl, "accountUrl"));
    }

    public Kind kind() {
        return kind;
    }

    /** The connection string, SAS URL or account URL: a secret for the first two; never log it. */
    public String secretValue() {
        return value;
    }

    private static String requireText(String value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
        return value;
    }

    @Override
    public String toString() {
        return kind == Kind.DEFAULT_CREDENTIAL
                ? "BlobAuthentication{DEFAULT_CREDENTIAL, " + Redaction.redact(value) + "}"
                : "BlobAuthentication{" + kind + ", ***}";
    }
}
