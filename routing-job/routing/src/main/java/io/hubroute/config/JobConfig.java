package io.hubroute.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The routing job's settings, from a {@code job.yaml} (every key is documented in
 * docs/job-config.md). Values may be {@code ${env:NAME}} or {@code ${file:PATH}} references, so
 * secrets stay out of the file; errors carry {@code file:line:column}.
 *
 * <pre>{@code
 * JobConfig config = JobConfig.load(Path.of("job.yaml"));
 * }</pre>
 *
 * @param source the device-to-cloud stream, or null when none is configured (the embedded demo
 *     supplies its own)
 * @param parallelism the job's parallelism (default 1)
 * @param checkpointing checkpoint settings (on by default)
 * @param stateBackend where device twins are kept (default hashmap)
 * @param diagnostics where undecodable records and deliveries over 256 KB go, and when to warn
 *     about the share of undecodable input
 * @param twinExportFile an IoT Hub device export (JSON lines with twins) to bootstrap twins from,
 *     or null
 * @param routes live route changes: the control topic route versions come from
 */
public record JobConfig(
        SourceOptions source,
        int parallelism,
        CheckpointOptions checkpointing,
        StateBackendKind stateBackend,
        DiagnosticsOptions diagnostics,
        String twinExportFile,
        RoutesOptions routes) {
    public JobConfig {
        Objects.requireNonNull(routes, "routes");
        Objects.requireNonNull(checkpointing, "checkpointing");
        Objects.requireNonNull(diagnostics, "diagnostics");
        Objects.requireNonNull(stateBackend, "stateBackend");
        if (parallelism < 1) {
            throw new IllegalArgumentException(
                    "parallelism must be at least 1, got " + parallelism);
        }
    }

    /** No source, parallelism 1, checkpoints every 10 s, twins on the heap. */
    public static JobConfig defaults() {
        return new JobConfig(
                null,
                1,
                CheckpointOptions.defaults(),
                StateBackendKind.HASHMAP,
                DiagnosticsOptions.defaults(),
                null,
                RoutesOptions.none());
    }

    public Optional<SourceOptions> sourceOptions() {
        return Optional.ofNullable(source);
    }

    public JobConfig withSource(SourceOptions newSource) {
        return new JobConfig(
                newSource,
                parallelism,
                checkpointing,
                stateBackend,
                diagnostics,
                twinExportFile,
                routes);
    }

    public JobConfig withCheckpointing(CheckpointOptions newCheckpointing) {
        return new JobConfig(
                source,
                parallelism,
                newCheckpointing,
                stateBackend,
                diagnostics,
                twinExportFile,
                routes);
    }

    public JobConfig withParallelism(int newParallelism) {
        return new JobConfig(
                source,
                newParallelism,
                checkpointing,
                stateBackend,
                diagnostics,
                twinExportFile,
                routes);
    }

    public JobConfig withDiagnosticsDirectory(String directory) {
        return new JobConfig(
                source,
                parallelism,
                checkpointing,
                stateBackend,
                diagnostics.withDirectory(directory),
                twinExportFile,
                routes);
    }

    /** This config bootstrapping twins from {@code file} (an IoT Hub device export). */
    public JobConfig withTwinExportFile(String file) {
        return new JobConfig(
                source, parallelism, checkpointing, stateBackend, diagnostics, file, routes);
    }

    /** This config with live route changes from {@code newRoutes}. */
    public JobConfig withRoutes(RoutesOptions newRoutes) {
        return new JobConfig(
                source,
                parallelism,
                checkpointing,
                stateBackend,
                diagnostics,
                twinExportFile,
                newRoutes);
    }

    /** Where diagnostics go as JSON lines in a local folder, or null. */
    public String diagnosticsDirectory() {
        return diagnostics.directory();
    }

    /**
     * Reads a job.yaml; {@code ${env:}} from the process environment, {@code ${file:}} relative to
     * the file.
     *
     * @throws JobConfigException listing every problem of the file
     */
    public static JobConfig load(Path file) throws JobConfigException {
        return JobConfigLoader.resolvingSecrets(SecretLookup.system()).load(file).orThrow();
    }

    /**
     * Parses job.yaml text.
     *
     * @param fileName the name errors are reported under
     * @param secrets looks up {@code ${env:NAME}} and {@code ${file:PATH}}
     * @param baseDirectory resolves relative {@code ${file:PATH}} references and paths
     * @throws JobConfigException listing every problem of the file
     */
    public static JobConfig parse(
            String text, String fileName, SecretLookup secrets, Path baseDirectory)
            throws JobConfigException {
        return JobConfigLoader.resolvingSecrets(secrets)
                .parse(text, fileName, baseDirectory)
                .orThrow();
    }

    /**
     * What these settings cannot do for {@code routes}: a storage endpoint writes exactly once only
     * with exactly-once checkpoints (its blobs become visible when a checkpoint completes, and
     * at-least-once barriers can commit a record twice). One line per conflict, naming the
     * endpoint, the setting and the fix; empty when there is none.
     */
    public List<String> conflictsWith(RoutingConfig routes) {
        return checkpointing.conflictsWith(routes);
    }

    @Override
    public String toString() {
        return "JobConfig{source="
                + source
                + ", parallelism="
                + parallelism
                + ", checkpointing="
                + checkpointing
                + ", stateBackend="
                + stateBackend
                + ", diagnostics="
                + diagnostics
                + ", twinExportFile="
                + twinExportFile
                + "}";
    }
}
