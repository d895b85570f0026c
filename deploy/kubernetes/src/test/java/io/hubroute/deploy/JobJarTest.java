package io.hubroute.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The image and the FlinkDeployment run what the build makes, as the job expects to be run. */
class JobJarTest {
    private static final Path DOCKERFILE = Fixtures.MODULE.resolve("Dockerfile");
    private static final Path JOB_MODULE = Fixtures.PROJECT.resolve("routing-job/job");

    private final JsonNode job =
            Fixtures.yaml(Fixtures.tutorial().build().render().flinkDeploymentYaml())
                    .at("/spec/job");

    @Test
    void theEntryClassIsTheJobJarsMainClass() throws IOException {
        assertThat(job.path("entryClass").asText()).isEqualTo(mainClassOfTheBuild());
    }

    @Test
    void theJarUriIsWhereTheDockerfileCopiesTheJobJarTheBuildWrites() throws IOException {
        String dockerfile = Files.readString(DOCKERFILE);

        Matcher copy =
                Pattern.compile("(?m)^COPY\\s+(?:--\\S+\\s+)*\\$\\{JOB_JAR}\\s+(\\S+)\\s*$")
                        .matcher(dockerfile);
        assertThat(copy.find()).as("COPY ${JOB_JAR} ... in %s", DOCKERFILE).isTrue();
        assertThat("local://" + copy.group(1)).isEqualTo(job.path("jarURI").asText());
        assertThat(copy.group(1)).startsWith("/opt/flink/usrlib/");

        Matcher jar = Pattern.compile("(?m)^ARG JOB_JAR=(\\S+)$").matcher(dockerfile);
        assertThat(jar.find()).isTrue();
        assertThat(jar.group(1))
                .isEqualTo(
                        "routing-job/job/target/"
                                + tag(JOB_MODULE.resolve("pom.xml"), "artifactId", 2)
                                + "-"
                                + projectVersion()
                                + "-job.jar");
        Path built = Fixtures.PROJECT.resolve(jar.group(1));
        if (Files.exists(built)) {
            try (JarFile jarFile = new JarFile(built.toFile())) {
                assertThat(jarFile.getEntry("io/hubroute/job/RoutingJobMain.class")).isNotNull();
                // the image's plugins/metrics-prometheus reports: a copy here would only shadow it
                assertThat(jarFile.stream())
                        .noneMatch(
                                entry ->
                                        entry.getName()
                                                .startsWith(
                                                        "org/apache/flink/metrics/prometheus/"));
            }
        }
    }

    @Test
    void theImageIsFlinksOfficialImageForTheBuildsFlinkVersion() throws IOException {
        String dockerfile = Files.readString(DOCKERFILE);
        String flinkVersion = tag(Fixtures.PROJECT.resolve("pom.xml"), "flink.version", 1);

        assertThat(dockerfile)
                .containsPattern("(?m)^FROM flink:" + Pattern.quote(flinkVersion) + "-java17$");
        assertThat(dockerfile)
                .contains(
                        "plugins/metrics-prometheus/flink-metrics-prometheus-"
                                + flinkVersion
                                + ".jar")
                .contains("opt/flink-azure-fs-hadoop-" + flinkVersion + ".jar")
                .contains("EXPOSE " + DeploymentRenderer.PROMETHEUS_PORT);
        assertThat(Files.readString(Fixtures.MODULE.resolve("Dockerfile.dockerignore")))
                .contains("!routing-job/job/target/hubroute-routing-job-*-job.jar");
    }

    @Test
    void theArgumentsAreOptionsOfRoutingJobMain() throws Exception {
        List<String> args = new ArrayList<>();
        job.path("args").forEach(arg -> args.add(arg.asText()));

        // RoutingJobMain's own picocli spec: unknown options or a missing group would throw here
        Class<?> argumentsClass = Class.forName("io.hubroute.job.RoutingJobMain$Arguments");
        Object arguments =
                new CommandLine(argumentsClass)
                        .parseArgs(args.toArray(new String[0]))
                        .commandSpec()
                        .userObject();

        assertThat(fileOf(arguments, "routes"))
                .isEqualTo(
                        Path.of(
                                DeploymentRenderer.CONFIG_DIRECTORY,
                                DeploymentRenderer.ROUTES_KEY));
        assertThat(fileOf(arguments, "config"))
                .isEqualTo(
                        Path.of(
                                DeploymentRenderer.CONFIG_DIRECTORY,
                                DeploymentRenderer.JOB_CONFIG_KEY));
    }

    /** The manifest's Main-Class of the built job jar, else the shade plugin's mainClass. */
    private static String mainClassOfTheBuild() throws IOException {
        Path jar =
                JOB_MODULE.resolve("target/hubroute-routing-job-" + projectVersion() + "-job.jar");
        if (Files.exists(jar)) {
            try (JarFile jarFile = new JarFile(jar.toFile())) {
                return jarFile.getManifest().getMainAttributes().getValue("Main-Class");
            }
        }
        return tag(JOB_MODULE.resolve("pom.xml"), "mainClass", 1);
    }

    private static String projectVersion() throws IOException {
        return tag(Fixtures.PROJECT.resolve("pom.xml"), "version", 1);
    }

    /** The text of the n-th {@code <name>} element of a pom. */
    private static String tag(Path pom, String name, int occurrence) throws IOException {
        Matcher matcher =
                Pattern.compile(
                                "<"
                                        + Pattern.quote(name)
                                        + ">\\s*([^<\\s]+)\\s*</"
                                        + Pattern.quote(name)
                                        + ">")
                        .matcher(Files.readString(pom));
        for (int i = 0; i < occurrence; i++) {
            assertThat(matcher.find()).as("<%s> #%s in %s", name, i + 1, pom).isTrue();
        }
        return matcher.group(1);
    }

    private static Path fileOf(Object arguments, String group) throws ReflectiveOperationException {
        Field groupField = arguments.getClass().getDeclaredField(group);
        groupField.setAccessible(true);
        Object source = groupField.get(arguments);
        Field file = source.getClass().getDeclaredField("file");
        file.setAccessible(true);
        return (Path) file.get(source);
    }
}
