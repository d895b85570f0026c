package io.hubroute.enrichment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hubroute.message.Twin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EnrichmentValueTest {
    private static final Twin TWIN =
            Twin.parse(
                    "{\"tags\": {\"deploymentLocation\": {\"building\": \"43\", \"floor\": 1}, \"list\": [1, 2], \"gone\": null},"
                            + " \"properties\": {\"desired\": {\"mode\": \"eco\", \"$version\": 3},"
                            + " \"reported\": {\"battery\": 55.5, \"ok\": true}}}");

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "plain text                                  | plain text",
                "$iothubname                                 | demo-hub",
                "$IoTHubName                                 | demo-hub",
                "$twin.tags.deploymentLocation.building      | 43",
                "$twin.tags.deploymentLocation.floor         | 1",
                "$twin.properties.desired.mode               | eco",
                "$twin.properties.reported.battery           | 55.5",
                "$twin.properties.reported.ok                | true",
                "$twin.tags.deploymentLocation               | $twin.tags.deploymentLocation",
                "$twin.tags.list                             | $twin.tags.list",
                "$twin.tags.missing                          | $twin.tags.missing",
                "$twin.tags.gone                             | $twin.tags.gone",
                "$twin.properties.desired.$version           | $twin.properties.desired.$version",
                "$twin.tags.list[1]                          | 2",
            })
    void resolves(String value, String expected) {
        assertThat(EnrichmentValue.parse(value).resolve("demo-hub", TWIN)).isEqualTo(expected);
    }

    @Test
    void withoutATwinATwinPathIsItsOwnText() {
        assertThat(
                        EnrichmentValue.parse("$twin.tags.deploymentLocation.building")
                                .resolve("hub", null))
                .isEqualTo("$twin.tags.deploymentLocation.building");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "$twin.deviceId      | invalid twin path '$twin.deviceId': write $twin.tags.NAME, $twin.properties.desired.NAME or $twin.properties.reported.NAME",
                "$twin.tags          | invalid twin path '$twin.tags': write $twin.tags.NAME, $twin.properties.desired.NAME or $twin.properties.reported.NAME",
                "$twin.tags..x       | invalid twin path '$twin.tags..x': write $twin.tags.NAME, $twin.properties.desired.NAME or $twin.properties.reported.NAME",
            })
    void rejects(String value, String message) {
        assertThatThrownBy(() -> EnrichmentValue.parse(value)).hasMessage(message);
    }

    @Test
    void rejectsEmpty() {
        assertThatThrownBy(() -> EnrichmentValue.parse(""))
                .hasMessage("an enrichment value must not be empty");
    }

    @Test
    void kinds() {
        assertThat(EnrichmentValue.parse("x").kind()).isEqualTo(EnrichmentValue.Kind.STATIC);
        assertThat(EnrichmentValue.parse("$iothubname").kind())
                .isEqualTo(EnrichmentValue.Kind.HUB_NAME);
        assertThat(EnrichmentValue.parse("$twin.tags.a").readsTwin()).isTrue();
    }
}
