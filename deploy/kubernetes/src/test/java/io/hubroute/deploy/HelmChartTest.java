package io.hubroute.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import org.junit.jupiter.api.Test;

/**
 * The Helm chart renders what {@link DeploymentRenderer} renders. Helm is not run here (the build
 * needs only Java): the chart's defaults must equal the renderer's constants, and its
 * FlinkDeployment template must set every setting and field the renderer's output has.
 */
class HelmChartTest {
    private static final Path CHART = Fixtures.MODULE.resolve("helm/hubroute");

    @Test
    void theChartsDefaultsAreTheRenderersConstants() throws IOException {
        JsonNode values = Fixtures.yaml(Files.readString(CHART.resolve("values.yaml")));

        assertThat(values.at("/job/jarURI").asText()).isEqualTo(DeploymentRenderer.JAR_URI);
        assertThat(values.at("/job/entryClass").asText()).isEqualTo(DeploymentRenderer.ENTRY_CLASS);
        assertThat(values.at("/job/configDirectory").asText())
                .isEqualTo(DeploymentRenderer.CONFIG_DIRECTORY);
        assertThat(values.at("/job/upgradeMode").asText()).isEqualTo("savepoint");
        assertThat(values.at("/prometheusPort").asInt())
                .isEqualTo(DeploymentRenderer.PROMETHEUS_PORT);
        assertThat(values.at("/flinkVersion").asText())
                .isEqualTo(DeploymentRenderer.DEFAULT_FLINK_VERSION);
        assertThat(values.at("/secretName").asText())
                .isEqualTo(DeploymentRenderer.DEFAULT_SECRET_NAME);
        assertThat(values.at("/routes").asText()).isEmpty();
        assertThat(values.at("/jobConfig").asText()).isEmpty();
    }

    @Test
    void theTemplateSetsEverythingTheRendererSets() throws IOException {
        String template = Files.readString(CHART.resolve("templates/flinkdeployment.yaml"));
        JsonNode rendered =
                Fixtures.yaml(
                        Fixtures.tutorial()
                                .setStorageUri(
                                        "wasbs://flink@hubroutestate.blob.core.windows.net/demo")
                                .build()
                                .render()
                                .flinkDeploymentYaml());

        Iterator<String> settings = rendered.at("/spec/flinkConfiguration").fieldNames();
        while (settings.hasNext()) {
            String setting = settings.next();
            String inTemplate =
                    setting.startsWith("fs.azure.account.keyprovider.")
                            ? "fs.azure.account.keyprovider.{{ $host }}:"
                            : setting + ":";
            assertThat(template).as("flinkConfiguration %s", setting).contains(inTemplate);
        }
        for (String field :
                new String[] {
                    "flinkVersion:",
                    "serviceAccount:",
                    "imagePullPolicy:",
                    "name: flink-main-container",
                    "secretKeyRef:",
                    "containerPort: {{ .Values.prometheusPort }}",
                    "mountPath: {{ .Values.job.configDirectory }}",
                    "readOnly: true",
                    "configMap:",
                    "replicas: 1",
                    "jarURI:",
                    "entryClass:",
                    "- --routes",
                    "- {{ .Values.job.configDirectory }}/routes.yaml",
                    "- --config",
                    "- {{ .Values.job.configDirectory }}/job.yaml",
                    "parallelism:",
                    "upgradeMode:",
                    "state: running",
                    DeploymentRenderer.CONFIG_CHECKSUM_ANNOTATION
                }) {
            assertThat(template).contains(field);
        }
        assertThat(rendered.at("/spec/job/state").asText()).isEqualTo("running");
    }

    @Test
    void theChartCreatesNoSecretAndMountsBothFiles() throws IOException {
        String templates =
                Files.readString(CHART.resolve("templates/secret.yaml"))
                        + Files.readString(CHART.resolve("templates/configmap.yaml"))
                        + Files.readString(CHART.resolve("templates/flinkdeployment.yaml"));

        assertThat(templates).doesNotContainPattern("(?m)^kind:\\s*Secret");
        assertThat(Files.readString(CHART.resolve("templates/configmap.yaml")))
                .contains(DeploymentRenderer.ROUTES_KEY + ": |-")
                .contains(DeploymentRenderer.JOB_CONFIG_KEY + ": |-");
    }
}
