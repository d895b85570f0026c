package io.hubroute.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Pins the layering of the modules, read from each module's compiled production classes (so a class
 * is judged by the module it ships in, not by its package name):
 *
 * <pre>
 *   query-grammar ← enrichment ← routing ← job ← cli
 *   query-grammar ← sinks ← job;   deploy/embedded ← cli;   job ← checkpoints ← cli
 * </pre>
 *
 * <p>The language, enrichment and routing modules use no Flink, Kafka or Artemis; no class uses
 * another package's {@code .internal}; nothing but the cli module uses the cli module or the
 * embedded services.
 */
class ArchitectureTest {
    /** Module → its production classes' folder, relative to the project root. */
    private static final Map<String, String> MODULES = new LinkedHashMap<>();

    static {
        MODULES.put("query-grammar", "query-grammar");
        MODULES.put("enrichment", "enrichment");
        MODULES.put("sinks", "sinks");
        MODULES.put("embedded", "deploy/embedded");
        MODULES.put("routing", "routing-job/routing");
        MODULES.put("job", "routing-job/job");
        MODULES.put("checkpoints", "checkpoints");
        MODULES.put("cli", "routing-job/cli");
    }

    /** What each module may use of the others (everything else is refused). */
    private static final Map<String, Set<String>> ALLOWED =
            Map.of(
                    "query-grammar", Set.of(),
                    "enrichment", Set.of("query-grammar"),
                    "sinks", Set.of("query-grammar"),
                    "embedded", Set.of(),
                    "routing", Set.of("query-grammar", "enrichment"),
                    "job", Set.of("query-grammar", "enrichment", "sinks", "routing"),
                    "checkpoints", Set.of("query-grammar", "enrichment", "sinks", "routing", "job"),
                    "cli",
                            Set.of(
                                    "query-grammar",
                                    "enrichment",
                                    "sinks",
                                    "routing",
                                    "job",
                                    "checkpoints",
                                    "embedded"));

    private static final List<String> RUNTIMES_OF_THE_JOB =
            List.of("org.apache.flink.", "org.apache.kafka.", "org.apache.activemq.", "kafka.");

    private static final Map<String, JavaClasses> CLASSES = new LinkedHashMap<>();
    private static final Map<String, String> MODULE_OF_CLASS = new LinkedHashMap<>();

    @BeforeAll
    static void importModules() {
        Path root = Path.of("..").toAbsolutePath().normalize();
        for (Map.Entry<String, String> module : MODULES.entrySet()) {
            Path classes = root.resolve(module.getValue()).resolve("target/classes");
            assertThat(classes).as("compiled classes of %s", module.getKey()).isDirectory();
            JavaClasses imported = new ClassFileImporter().importPath(classes);
            assertThat(imported).as("classes of %s", module.getKey()).isNotEmpty();
            CLASSES.put(module.getKey(), imported);
            for (JavaClass javaClass : imported) {
                MODULE_OF_CLASS.put(javaClass.getName(), module.getKey());
            }
        }
    }

    @Test
    void modulesUseOnlyTheModulesBelowThem() {
        List<String> violations = new ArrayList<>();
        for (Map.Entry<String, JavaClasses> module : CLASSES.entrySet()) {
            for (JavaClass javaClass : module.getValue()) {
                for (Dependency dependency : javaClass.getDirectDependenciesFromSelf()) {
                    String target = MODULE_OF_CLASS.get(dependency.getTargetClass().getName());
                    if (target != null
                            && !target.equals(module.getKey())
                            && !ALLOWED.get(module.getKey()).contains(target)) {
                        violations.add(
                                module.getKey() + " → " + target + ": " + describe(dependency));
                    }
                }
            }
        }
        assertThat(violations).isEmpty();
    }

    @Test
    void languageEnrichmentAndRoutingRunWithoutFlinkKafkaOrArtemis() {
        List<String> violations = new ArrayList<>();
        for (String module : List.of("query-grammar", "enrichment", "routing")) {
            for (JavaClass javaClass : CLASSES.get(module)) {
                for (Dependency dependency : javaClass.getDirectDependenciesFromSelf()) {
                    String target = dependency.getTargetClass().getName();
                    for (String runtime : RUNTIMES_OF_THE_JOB) {
                        if (target.startsWith(runtime)) {
                            violations.add(module + ": " + describe(dependency));
                        }
                    }
                }
            }
        }
        assertThat(violations).isEmpty();
    }

    @Test
    void nothingOutsideAPackageUsesItsInternals() {
        List<String> violations = new ArrayList<>();
        Set<String> internalPackages = new TreeSet<>();
        for (JavaClasses classes : CLASSES.values()) {
            for (JavaClass javaClass : classes) {
                String packageName = javaClass.getPackageName();
                if (packageName.endsWith(".internal") || packageName.contains(".internal.")) {
                    internalPackages.add(packageName);
                }
                for (Dependency dependency : javaClass.getDirectDependenciesFromSelf()) {
                    String target = dependency.getTargetClass().getPackageName();
                    int internal = target.indexOf(".internal");
                    if (!target.startsWith("io.hubroute.") || internal < 0) {
                        continue;
                    }
                    String owner = target.substring(0, internal);
                    if (!packageName.equals(owner) && !packageName.startsWith(owner + ".")) {
                        violations.add(describe(dependency));
                    }
                }
            }
        }
        assertThat(internalPackages).as("the internal packages this test looked at").isNotEmpty();
        assertThat(violations).isEmpty();
    }

    @Test
    void onlyTheCliUsesTheCliAndTheEmbeddedServices() {
        List<String> violations = new ArrayList<>();
        for (Map.Entry<String, JavaClasses> module : CLASSES.entrySet()) {
            if (module.getKey().equals("cli")) {
                continue;
            }
            for (JavaClass javaClass : module.getValue()) {
                for (Dependency dependency : javaClass.getDirectDependenciesFromSelf()) {
                    String target = dependency.getTargetClass().getPackageName();
                    if (target.startsWith("io.hubroute.cli")
                            || target.startsWith("io.hubroute.demo")
                            || (target.startsWith("io.hubroute.embedded")
                                    && !module.getKey().equals("embedded"))) {
                        violations.add(module.getKey() + ": " + describe(dependency));
                    }
                }
            }
        }
        assertThat(violations).isEmpty();
    }

    @Test
    void theJobJarHoldsNoCliDemoOrEmbeddedClass() throws Exception {
        Path target = Path.of("..", "routing-job", "job", "target").toAbsolutePath().normalize();
        Path jobJar;
        try (var files = Files.list(target)) {
            jobJar =
                    files.filter(file -> file.getFileName().toString().endsWith("-job.jar"))
                            .findFirst()
                            .orElseThrow();
        }
        List<String> offending = new ArrayList<>();
        try (var jar = new java.util.jar.JarFile(jobJar.toFile())) {
            jar.stream()
                    .map(java.util.jar.JarEntry::getName)
                    .filter(
                            name ->
                                    name.startsWith("io/hubroute/cli/")
                                            || name.startsWith("io/hubroute/demo/")
                                            || name.startsWith("io/hubroute/embedded/")
                                            || name.startsWith("org/apache/flink/runtime/")
                                            || name.startsWith("org/apache/flink/streaming/api/")
                                            || name.startsWith("org/apache/activemq/")
                                            || name.startsWith("kafka/server/")
                                            || name.startsWith("org/slf4j/"))
                    .forEach(offending::add);
            assertThat(jar.getEntry("io/hubroute/job/RoutingJobMain.class")).isNotNull();
            assertThat(jar.getEntry("org/apache/flink/connector/kafka/source/KafkaSource.class"))
                    .as("the Kafka connector ships in the job jar")
                    .isNotNull();
        }
        assertThat(offending).isEmpty();
    }

    private static String describe(Dependency dependency) {
        return dependency.getDescription();
    }
}
