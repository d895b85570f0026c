package io.hubroute.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubroute.cli.Main;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the pods see under /etc/hubroute is what hubroute accepts. */
class MountedRoutesTest {
    @TempDir Path mounted;

    @Test
    void theMountedRoutesFilePassesHubrouteValidate() throws IOException {
        RenderedDeployment deployment = Fixtures.tutorial().build().render();
        JsonNode configMap = Fixtures.yaml(deployment.configMapYaml());
        JsonNode flinkDeployment = Fixtures.yaml(deployment.flinkDeploymentYaml());

        // the ConfigMap is mounted where the job's arguments look for the files
        JsonNode container = flinkDeployment.at("/spec/podTemplate/spec/containers/0");
        assertThat(container.at("/volumeMounts/0/mountPath").asText())
                .isEqualTo(DeploymentRenderer.CONFIG_DIRECTORY);
        assertThat(flinkDeployment.at("/spec/podTemplate/spec/volumes/0/configMap/name").asText())
                .isEqualTo(configMap.at("/metadata/name").asText());
        List<String> args = new ArrayList<>();
        flinkDeployment.at("/spec/job/args").forEach(arg -> args.add(arg.asText()));
        assertThat(args)
                .containsExactly(
                        "--routes",
                        "/etc/hubroute/routes.yaml",
                        "--config",
                        "/etc/hubroute/job.yaml");

        Path routes = mounted.resolve("routes.yaml");
        Files.writeString(routes, configMap.at("/data/routes.yaml").asText());
        Files.writeString(mounted.resolve("job.yaml"), configMap.at("/data/job.yaml").asText());
        assertThat(configMap.at("/data/routes.yaml").asText())
                .isEqualTo(Fixtures.resource("deployment/routes.yaml"));

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exitCode =
                Main.run(
                        new String[] {"validate", routes.toString()},
                        new ByteArrayInputStream(new byte[0]),
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("valid (2 routes, 3 endpoints, 2 enrichments)");
        assertThat(exitCode).as("hubroute validate's exit code; stderr: %s", err).isZero();
    }

    @Test
    void aRoutesFileHubrouteRefusesIsRefusedOnTheClusterToo() throws IOException {
        String broken =
                Fixtures.resource("deployment/routes.yaml")
                        .replace(
                                "endpointNames: [StorageEP], isEnabled",
                                "endpointNames: [T], isEnabled");
        RenderedDeployment deployment =
                Fixtures.tutorial().setRoutes(broken, "routes.yaml").build().render();
        Path routes = mounted.resolve("routes.yaml");
        Files.writeString(
                routes, Fixtures.yaml(deployment.configMapYaml()).at("/data/routes.yaml").asText());

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exitCode =
                Main.run(
                        new String[] {"validate", routes.toString()},
                        new ByteArrayInputStream(new byte[0]),
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

        assertThat(exitCode).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("unknown endpoint 'T'");
    }
}
