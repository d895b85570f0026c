package io.hubroute.sink.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedactionTest {
    @Test
    void redactionCoversConnectionStrings() {
        assertThat(
                        Redaction.redact(
                                "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=abc/def==;EndpointSuffix=x"))
                .isEqualTo(
                        "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=***;EndpointSuffix=x");
        assertThat(Redaction.redact("Endpoint=sb://n/;SharedAccessKeyName=p;SharedAccessKey=k="))
                .isEqualTo("Endpoint=sb://n/;SharedAccessKeyName=p;SharedAccessKey=***");
    }

    @Test
    void uriRedactionHidesUserInfoAndQuerySecretsAndKeepsTheRest() {
        assertThat(Redaction.redactUri("s3://AKIAEXAMPLE:wJalr%2FsecretKEY@bucket/prefix"))
                .isEqualTo("s3://***@bucket/prefix");
        assertThat(Redaction.redactUri("abfss://archive@account.dfs.core.windows.net/iot"))
                .isEqualTo("abfss://***@account.dfs.core.windows.net/iot");
        assertThat(Redaction.redactUri("hdfs://user:pw@namenode:8020/a%20b?token=t0k3n"))
                .isEqualTo("hdfs://***@namenode:8020/a%20b?token=***");
        assertThat(Redaction.redactUri("file:///data/archive")).isEqualTo("file:///data/archive");
        assertThat(Redaction.redactUri("s3://bucket/prefix")).isEqualTo("s3://bucket/prefix");
        assertThat(Redaction.redactUri("s3://key:secret@bucket/a b"))
                .doesNotContain("secret")
                .isEqualTo("s3:(not a valid URI)");
        assertThat(Redaction.redactUri(null)).isNull();
    }
}
