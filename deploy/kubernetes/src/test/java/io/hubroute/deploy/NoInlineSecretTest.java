package io.hubroute.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Connection strings reach the pods from the Secret, and nothing rendered holds one. */
class NoInlineSecretTest {
    /** What a credential looks like in any of the forms docs/job-config.md accepts. */
    private static final List<Pattern> CREDENTIALS =
            List.of(
                    Pattern.compile("(?i)AccountKey\\s*="),
                    Pattern.compile("(?i)SharedAccessKey\\s*="),
                    Pattern.compile("(?i)SharedAccessSignature\\s*="),
                    Pattern.compile("(?i)[?&]sig="),
                    Pattern.compile("(?i)Endpoint=sb://[^\\s;]+;SharedAccessKeyName="),
                    Pattern.compile("(?i)\\b(amqps?|kafka|https?)://[^/\\s:@]+:[^@\\s/]+@"),
                    Pattern.compile("(?i)password\\s*[=:]\\s*[^\\s$]"),
                    Pattern.compile("(?i)kind:\\s*Secret\\b"));

    private static final String AZURE_KEY = "c2VjcmV0LWtleS1vZi10aGUtdGVzdA==";

    @Test
    void theRenderedManifestsHoldNoCredential() {
        String yaml =
                Fixtures.tutorial()
                        .setStorageUri("wasbs://flink@hubroutestate.blob.core.windows.net/demo")
                        .build()
                        .render()
                        .toYaml();

        for (Pattern credential : CREDENTIALS) {
            assertThat(credential.matcher(yaml).find()).as("%s in\n%s", credential, yaml).isFalse();
        }
    }

    @Test
    void everyEnvironmentReferenceComesFromTheSecret() {
        RenderedDeployment deployment =
                Fixtures.tutorial()
                        .setStorageUri("wasbs://flink@hubroutestate.blob.core.windows.net/demo")
                        .build()
                        .render();
        JsonNode flinkDeployment = Fixtures.yaml(deployment.flinkDeploymentYaml());
        JsonNode configMap = Fixtures.yaml(deployment.configMapYaml());

        TreeSet<String> referenced = new TreeSet<>();
        Matcher reference =
                Pattern.compile("\\$\\{env:([A-Za-z0-9_]+)}")
                        .matcher(
                                configMap.at("/data/routes.yaml").asText()
                                        + configMap.at("/data/job.yaml").asText());
        while (reference.find()) {
            referenced.add(reference.group(1));
        }
        referenced.add(DeploymentRenderer.STORAGE_KEY_VARIABLE);

        List<String> fromSecret = new ArrayList<>();
        for (JsonNode variable : flinkDeployment.at("/spec/podTemplate/spec/containers/0/env")) {
            assertThat(variable.has("value")).as("%s has an inline value", variable).isFalse();
            assertThat(variable.at("/valueFrom/secretKeyRef/name").asText())
                    .isEqualTo("hubroute-connections");
            assertThat(variable.at("/valueFrom/secretKeyRef/key").asText())
                    .isEqualTo(variable.path("name").asText());
            fromSecret.add(variable.path("name").asText());
        }
        assertThat(fromSecret)
                .containsExactlyElementsOf(referenced)
                .containsExactly(
                        "AZURE_STORAGE_KEY",
                        "CRITICALQUEUE_CONNECTION",
                        "EVENTS_CONNECTION",
                        "IOTHUB_EVENTHUB_CONNECTION_STRING",
                        "STORAGEEP_CONNECTION");
        assertThat(deployment.secretKeys()).isEqualTo(fromSecret);
        assertThat(
                        flinkDeployment
                                .at("/spec/flinkConfiguration")
                                .path(
                                        "fs.azure.account.keyprovider.hubroutestate.blob.core.windows.net")
                                .asText())
                .isEqualTo("org.apache.flink.fs.azurefs.EnvironmentVariableKeyProvider");
    }

    @Test
    void aCredentialWrittenInlineIsRefusedWithItsPlaceNotItsValue() {
        String routes =
                Fixtures.resource("deployment/routes.yaml")
                        .replace(
                                "${env:STORAGEEP_CONNECTION}",
                                "'DefaultEndpointsProtocol=https;AccountName=a;AccountKey="
                                        + AZURE_KEY
                                        + ";EndpointSuffix=core.windows.net'")
                        .replace(
                                "\"${env:CRITICALQUEUE_CONNECTION}\"",
                                "\"amqps://sender:" + "hunter2" + "@broker:5671\"");

        assertThatThrownBy(() -> Fixtures.tutorial().setRoutes(routes, "routes.yaml").build())
                .isInstanceOf(DeploymentException.class)
                .hasMessageContaining("routes.yaml:10:")
                .hasMessageContaining("routes.yaml:17:")
                .hasMessageContaining("a credential written inline")
                .hasMessageContaining(
                        "fix: move the whole connection string into Secret 'hubroute-connections'")
                .satisfies(
                        e -> {
                            assertThat(((DeploymentException) e).problems()).hasSize(2);
                            assertThat(e.getMessage())
                                    .doesNotContain(AZURE_KEY)
                                    .doesNotContain("hunter2");
                        });
    }

    @Test
    void fileReferencesAndSecretFlinkSettingsAreRefused() {
        String tutorial =
                Fixtures.resource("deployment/routes.yaml")
                        .replace("${env:CRITICALQUEUE_CONNECTION}", "${file:/run/secrets/sb}");

        assertThatThrownBy(
                        () ->
                                Fixtures.tutorial()
                                        .setRoutes(tutorial, "routes.yaml")
                                        .putFlinkConfiguration(
                                                "fs.azure.account.key.acct.dfs.core.windows.net",
                                                AZURE_KEY)
                                        .build())
                .isInstanceOf(DeploymentException.class)
                .hasMessageContaining("routes.yaml:17:48: a ${file:...} reference")
                .hasMessageContaining("fix: write ${env:NAME} instead")
                .hasMessageContaining(
                        "flinkConfiguration fs.azure.account.key.acct.dfs.core.windows.net: a secret in the FlinkDeployment")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(AZURE_KEY));
    }

    @Test
    void referencesInsideASecretSettingAreNotCredentials() {
        String job =
                "source:\n"
                        + "  bootstrapServers: kafka:9093\n"
                        + "  topics: [demo-hub]\n"
                        + "  kafkaProperties:\n"
                        + "    sasl.jaas.config: 'org.apache.kafka.common.security.plain.PlainLoginModule"
                        + " required username=\"hubroute\" password=\"${env:KAFKA_PASSWORD}\";'\n";

        RenderedDeployment deployment =
                Fixtures.tutorial().setJobConfig(job, "job.yaml").build().render();

        assertThat(deployment.secretKeys()).contains("KAFKA_PASSWORD");
    }
}
