package io.hubroute.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** The deployment the tests render, and where the project's files are. */
final class Fixtures {
    static final YAMLMapper YAML = new YAMLMapper();

    /** deploy/kubernetes: surefire runs in the module's folder. */
    static final Path MODULE = Path.of("").toAbsolutePath();

    static final Path PROJECT = MODULE.getParent().getParent();

    private Fixtures() {}

    static DeploymentRenderer.Builder tutorial() {
        return DeploymentRenderer.builder()
                .setName("hubroute-demo")
                .setNamespace("iot")
                .setImage("registry.example/hubroute:0.1.0")
                .setRoutes(resource("deployment/routes.yaml"), "routes.yaml")
                .setJobConfig(resource("deployment/job.yaml"), "job.yaml")
                .setStorageUri("abfss://flink@hubroutestate.dfs.core.windows.net/hubroute-demo")
                .setSecretName("hubroute-connections");
    }

    static String resource(String name) {
        try (InputStream in = Fixtures.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode yaml(String text) {
        try {
            return YAML.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
