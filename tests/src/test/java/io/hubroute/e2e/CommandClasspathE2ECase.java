package io.hubroute.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands that need no Flink run without it: {@code bin/hubroute} starts them on the routing
 * module's classpath (no Flink, Kafka or Artemis jar), and the JVM loads no class of those. Runs
 * {@code bin/hubroute} as a child process, as a user does, with {@code -XshowSettings:properties}
 * (the classpath) and {@code -Xlog:class+load} (every class loaded) in {@code HUBROUTE_JAVA_OPTS}.
 *
 * <p>A stand-in {@code mvn} that fails comes first on the PATH: after {@code mvn package} the jars
 * and classpath files exist, so {@code bin/hubroute} must not build again.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class CommandClasspathE2ECase {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final List<String> HEAVY_JARS = List.of("flink", "kafka", "artemis", "activemq");
    private static final List<String> HEAVY_PACKAGES =
            List.of("org.apache.flink.", "org.apache.kafka.", "org.apache.activemq.");

    @TempDir Path work;

    private final AtomicInteger runs = new AtomicInteger();

    /** One run of bin/hubroute: its output, its JVM's classpath and the classes it loaded. */
    private record Run(
            int exitCode, String out, String err, List<String> classPath, List<String> classes) {}

    @BeforeEach
    void failingMaven() throws IOException {
        Path mvn = Files.createDirectories(work.resolve("bin")).resolve("mvn");
        Files.writeString(mvn, "#!/bin/sh\necho \"bin/hubroute ran mvn $*\" >&2\nexit 97\n");
        assertThat(mvn.toFile().setExecutable(true)).isTrue();
    }

    @Test
    void validateRunsWithoutFlink() throws Exception {
        Run run = hubroute("validate", "examples/tutorial/routes.yaml");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .isEqualTo(
                        "examples/tutorial/routes.yaml: valid (2 routes, 3 endpoints, 2 enrichments)\n");
        assertLight(run, "io.hubroute.cli.ValidateCommand");
    }

    @Test
    void testRouteRunsWithoutFlink() throws Exception {
        Run run =
                hubroute(
                        "test-route",
                        "--condition",
                        "$twin.tags.deploymentLocation.building = '43' AND $body.Weather.Temperature > 40",
                        "--message",
                        "examples/test-route/weather-message.json",
                        "--twin",
                        "examples/test-route/weather-twin.json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out().replaceAll("\\s", ""))
                .isEqualTo("{\"result\":\"true\",\"details\":{\"compilationErrors\":[]}}");
        assertLight(run, "io.hubroute.cli.TestRouteCommand");
    }

    @Test
    void routeTestsRunWithoutFlink() throws Exception {
        Run run = hubroute("test", "examples/tutorial/tests.yaml");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .startsWith("PASS  critical readings go to the queue\n")
                .endsWith("6 passed, 0 failed\n");
        assertLight(run, "io.hubroute.routetest.RouteTestSuite");
    }

    /** Help and completion describe run and submit too, from classes that name no Flink type. */
    @Test
    void helpAndCompletionOfEveryCommandRunWithoutFlink() throws Exception {
        Run help = hubroute("help", "submit");
        assertThat(help.exitCode()).as(help.err()).isZero();
        assertThat(help.out()).startsWith("Usage: hubroute submit [-h] --jobmanager=HOST:PORT");
        assertLight(help, "io.hubroute.cli.SubmitCommand");

        Run completion = hubroute("completion");
        assertThat(completion.exitCode()).as(completion.err()).isZero();
        assertThat(completion.out()).contains("complete -F _complete_hubroute");
        assertLight(completion, "io.hubroute.cli.RunCommand");
    }

    /**
     * The other side of bin/hubroute's case: run and submit get the cli module's whole classpath.
     */
    @Test
    void runAndSubmitGetFlink() throws Exception {
        for (String command : List.of("run", "submit")) {
            Run run = hubroute(command, "--help");

            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(run.out()).startsWith("Usage: hubroute " + command + " [-h]");
            assertThat(run.classPath())
                    .as("%s's classpath", command)
                    .anyMatch(entry -> fileName(entry).startsWith("flink-runtime-"))
                    .anyMatch(entry -> fileName(entry).startsWith("kafka-clients-"));
        }
    }

    private static void assertLight(Run run, String commandClass) {
        assertThat(run.classPath())
                .as("java.class.path")
                .isNotEmpty()
                .anyMatch(entry -> fileName(entry).startsWith("hubroute-routing-0"))
                .noneMatch(
                        entry ->
                                HEAVY_JARS.stream()
                                        .anyMatch(
                                                fileName(entry).toLowerCase(Locale.ROOT)
                                                        ::contains));
        assertThat(run.classes()).as("loaded classes").contains(commandClass);
        assertThat(run.classes())
                .as("loaded classes")
                .noneMatch(name -> HEAVY_PACKAGES.stream().anyMatch(name::startsWith));
    }

    private Run hubroute(String... args) throws IOException, InterruptedException {
        int number = runs.incrementAndGet();
        Path classLog = work.resolve("classes-" + number + ".log");
        Path out = work.resolve("out-" + number + ".txt");
        Path err = work.resolve("err-" + number + ".txt");
        List<String> command = new ArrayList<>();
        command.add(ROOT.resolve("bin").resolve("hubroute").toString());
        command.addAll(List.of(args));
        ProcessBuilder builder =
                new ProcessBuilder(command)
                        .directory(ROOT.toFile())
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile());
        Map<String, String> environment = builder.environment();
        environment.put(
                "PATH",
                work.resolve("bin")
                        + File.pathSeparator
                        + Path.of(System.getProperty("java.home"), "bin")
                        + File.pathSeparator
                        + environment.getOrDefault("PATH", "/usr/bin:/bin"));
        environment.put(
                "HUBROUTE_JAVA_OPTS",
                "-XshowSettings:properties -Xlog:class+load=info:file=" + classLog);
        Process process = builder.start();
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("bin/hubroute finished").isTrue();
        String printedErr = Files.readString(err, StandardCharsets.UTF_8);
        assertThat(printedErr)
                .as(
                        "bin/hubroute must not build: a source under */src/main is newer than"
                                + " routing-job/cli's jar (mvn package -pl routing-job/cli -am"
                                + " writes it again)")
                .doesNotContain("ran mvn");
        return new Run(
                process.exitValue(),
                Files.readString(out, StandardCharsets.UTF_8),
                withoutSettings(printedErr),
                classPath(printedErr),
                loadedClasses(classLog));
    }

    /**
     * The {@code java.class.path} of {@code -XshowSettings:properties}: the first entry after
     * {@code =}, then one entry per line indented by eight spaces.
     */
    private static List<String> classPath(String err) {
        List<String> entries = new ArrayList<>();
        boolean inClassPath = false;
        for (String line : err.split("\n")) {
            if (line.startsWith("    java.class.path = ")) {
                entries.add(line.substring("    java.class.path = ".length()).strip());
                inClassPath = true;
            } else if (inClassPath && line.startsWith("        ")) {
                entries.add(line.strip());
            } else {
                inClassPath = false;
            }
        }
        return entries;
    }

    /** Standard error without the settings block ({@code Property settings:} to a blank line). */
    private static String withoutSettings(String err) {
        return err.replaceFirst("(?s)Property settings:\n.*?\n\n", "");
    }

    /** The names in {@code [0.010s][info][class,load] java.lang.Object source: ...} lines. */
    private static List<String> loadedClasses(Path log) throws IOException {
        List<String> classes = new ArrayList<>();
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            int start = line.indexOf("[class,load] ");
            if (start >= 0) {
                String rest = line.substring(start + "[class,load] ".length());
                int end = rest.indexOf(' ');
                classes.add(end < 0 ? rest : rest.substring(0, end));
            }
        }
        return classes;
    }

    private static String fileName(String entry) {
        return Path.of(entry).getFileName().toString();
    }
}
