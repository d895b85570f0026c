package io.hubroute.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class DeploymentRendererTest {
    @Test
    void rendersTheClusterSettingsTheJobNeeds() throws IOException {
        RenderedDeployment deployment = Fixtures.tutorial().build().render();
        // kept for reading: docs/deploy.md shows this output
        Files.writeString(Path.of("target", "rendered-hubroute-demo.yaml"), deployment.toYaml());
        JsonNode spec = Fixtures.yaml(deployment.flinkDeploymentYaml()).path("spec");

        JsonNode configuration = spec.path("flinkConfiguration");
        String storage = "abfss://flink@hubroutestate.dfs.core.windows.net/hubroute-demo";
        assertThat(configuration.path("high-availability.type").asText()).isEqualTo("kubernetes");
        assertThat(configuration.path("high-availability.storageDir").asText())
                .isEqualTo(storage + "/ha");
        assertThat(configuration.path("execution.checkpointing.dir").asText())
                .isEqualTo(storage + "/checkpoints");
        assertThat(configuration.path("execution.checkpointing.savepoint-dir").asText())
                .isEqualTo(storage + "/savepoints");
        assertThat(configuration.path("metrics.reporter.prom.factory.class").asText())
                .isEqualTo("org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        assertThat(configuration.path("metrics.reporter.prom.port").isTextual()).isTrue();
        // label values as the routes file spells them, as hubroute run --metrics-port exports them
        assertThat(configuration.path("metrics.reporter.prom.filterLabelValueCharacters").asText())
                .isEqualTo("false");
        assertThat(spec.at("/job/upgradeMode").asText()).isEqualTo("savepoint");
        // job.yaml's parallelism is the one the job runs with: the operator sizes for it
        assertThat(spec.at("/job/parallelism").asInt()).isEqualTo(2);
        assertThat(
                        spec.at("/podTemplate/metadata/annotations")
                                .path("hubroute.io/config-sha256")
                                .asText())
                .isEqualTo(
                        DeploymentRenderer.sha256(
                                Fixtures.resource("deployment/routes.yaml")
                                        + Fixtures.resource("deployment/job.yaml")));
    }

    @Test
    void aChangedRoutesFileChangesTheSpecSoTheOperatorUpgrades() {
        JsonNode before = Fixtures.yaml(Fixtures.tutorial().build().render().flinkDeploymentYaml());
        String routes =
                Fixtures.resource("deployment/routes.yaml")
                        .replace("level = \"storage\"", "level = \"archive\"");
        JsonNode after =
                Fixtures.yaml(
                        Fixtures.tutorial()
                                .setRoutes(routes, "routes.yaml")
                                .build()
                                .render()
                                .flinkDeploymentYaml());

        assertThat(after.path("spec")).isNotEqualTo(before.path("spec"));
    }

    @Test
    void jobYamlProblemsAreReportedAtOnceWithTheirPlaceAndFix() {
        String job =
                "checkpointing:\n  interval: 10s\n  dir: /var/lib/hubroute/checkpoints\nparallelism: 0\n";

        assertThatThrownBy(() -> Fixtures.tutorial().setJobConfig(job, "job.yaml").build())
                .isInstanceOf(DeploymentException.class)
                .satisfies(
                        e ->
                                assertThat(
                                                ((DeploymentException) e)
                                                        .problems().stream()
                                                                .map(DeploymentProblem::location)
                                                                .collect(Collectors.toList()))
                                        .isEqualTo(
                                                List.of(
                                                        "job.yaml:1:1",
                                                        "job.yaml:3:8",
                                                        "job.yaml:4:14")))
                .hasMessageContaining("job.yaml:1:1: no source section")
                .hasMessageContaining(
                        "job.yaml:3:8: checkpointing.dir is not durable storage: a checkpoint in a pod is lost with it\n"
                                + "    fix: remove it: the FlinkDeployment keeps checkpoints under the storage URI")
                .hasMessageContaining("job.yaml:4:14: parallelism must be a whole number >= 1");
    }

    @Test
    void settingsAreCheckedWhenTheyAreSet() {
        DeploymentRenderer.Builder builder = DeploymentRenderer.builder();

        assertThatThrownBy(() -> builder.setStorageUri("file:///var/lib/flink"))
                .hasMessageStartingWith(
                        "storage URI 'file:///var/lib/flink' is not durable storage: checkpoints,"
                                + " savepoints and HA metadata must outlive the pods; use one of [abfs,"
                                + " abfss, gs, hdfs, oss, s3, s3a, s3p, wasb, wasbs]");
        assertThatThrownBy(() -> builder.setName("Hubroute_Demo"))
                .hasMessageContaining("must be lower-case letters, digits and '-'");
        assertThatThrownBy(() -> builder.setFlinkVersion("2.2"))
                .hasMessageContaining("v<major>_<minor>, e.g. v2_2");
        assertThatThrownBy(() -> builder.setTaskManagerResources("lots", 1))
                .hasMessageContaining("write it as 2048m, 2g or 2Gi");
        assertThatThrownBy(() -> DeploymentRenderer.builder().build())
                .hasMessage("no image: call setImage(\"registry/hubroute:TAG\")");
        assertThatThrownBy(
                        () ->
                                Fixtures.tutorial()
                                        .putFlinkConfiguration(
                                                "execution.checkpointing.dir", "s3://x/y")
                                        .build())
                .hasMessageContaining(
                        "flinkConfiguration execution.checkpointing.dir: the deployment sets this itself");
    }
}
