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
}
