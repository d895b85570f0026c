package io.hubroute.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job jar's program arguments, as flink run and hubroute submit pass them. */
class RoutingJobMainArgumentsTest {
    @TempDir Path work;

    @Test
    void filesAreReadAndNamedInErrors() throws Exception {
        Path routes = Files.writeString(work.resolve("routes.yaml"), "hubName: h\n");
        Path config = Files.writeString(work.resolve("job.yaml"), "parallelism: 2\n");

        RoutingJobMain.Arguments arguments =
                RoutingJobMain.Arguments.parse(
                        List.of("--routes", routes.toString(), "--config", config.toString()));

        assertThat(arguments.routesText()).isEqualTo("hubName: h\n");
        assertThat(arguments.routesName()).isEqualTo(routes.toString());
        assertThat(arguments.routesDirectory()).isEqualTo(work.toAbsolutePath());
        assertThat(arguments.configText()).isEqualTo("parallelism: 2\n");
        assertThat(arguments.configName()).isEqualTo(config.toString());
    }

    @Test
    void textMayStartLikeAnOption() throws Exception {
        // a YAML document marker or a list starts with '-': still the option's value
        RoutingJobMain.Arguments arguments =
                RoutingJobMain.Arguments.parse(
                        List.of(
                                "--routes-yaml",
                                "---\nhubName: h\n",
                                "--config-yaml=- not: a map\n"));

        assertThat(arguments.routesText()).isEqualTo("---\nhubName: h\n");
        assertThat(arguments.routesName()).isEqualTo(RoutingJobMain.INLINE_ROUTES);
        assertThat(arguments.configText()).isEqualTo("- not: a map\n");
        assertThat(arguments.configName()).isEqualTo(RoutingJobMain.INLINE_CONFIG);
    }

    @Test
    void bothFormsOfOneInputAreRefused() {
        assertThatThrownBy(
                        () ->
                                RoutingJobMain.Arguments.parse(
                                        List.of(
                                                "--routes", "a.yaml",
                                                "--routes-yaml", "hubName: h",
                                                "--config-yaml", "{}")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--routes")
                .hasMessageContaining("--routes-yaml")
                .hasMessageContaining("mutually exclusive");
    }

    @Test
    void aMissingInputIsNamed() {
        assertThatThrownBy(() -> RoutingJobMain.Arguments.parse(List.of("--routes-yaml", "x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--config");
    }

    @Test
    void anUnknownOptionIsNamed() {
        assertThatThrownBy(
                        () ->
                                RoutingJobMain.Arguments.parse(
                                        List.of(
                                                "--routes-yaml",
                                                "x",
                                                "--config-yaml",
                                                "y",
                                                "--parallelism",
                                                "2")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--parallelism");
    }

    @Test
    void aFileMissingWhereMainRunsSaysWhereAndTheFix() {
        Path missing = work.resolve("nowhere.yaml");
        assertThatThrownBy(
                        () ->
                                RoutingJobMain.Arguments.parse(
                                        List.of(
                                                "--routes",
                                                missing.toString(),
                                                "--config-yaml",
                                                "{}")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(missing.toAbsolutePath().toString())
                .hasMessageContaining("pass the text with --routes-yaml");
    }
}
