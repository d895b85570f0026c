package io.hubroute.query;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The outcome of compiling a condition: a condition, or the errors that prevent one. */
public final class CompilationResult {
    private final CompiledCondition condition;
    private final List<CompileError> diagnostics;

    CompilationResult(CompiledCondition condition, List<CompileError> diagnostics) {
        this.condition = condition;
        this.diagnostics = List.copyOf(Objects.requireNonNull(diagnostics, "diagnostics"));
    }

    /** The compiled condition, present when there are no errors. */
    public Optional<CompiledCondition> condition() {
        return Optional.ofNullable(condition);
    }

    public boolean succeeded() {
        return condition != null;
    }

    /** Errors (and warnings, if any) in source order. */
    public List<CompileError> diagnostics() {
        return diagnostics;
    }

    /** Just the errors. */
    public List<CompileError> errors() {
        return diagnostics.stream()
                .filter(d -> d.severity() == CompileError.Severity.ERROR)
                .toList();
    }
}
