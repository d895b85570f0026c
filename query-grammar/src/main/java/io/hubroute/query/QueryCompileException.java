package io.hubroute.query;

import java.util.List;

/** Thrown by {@link QueryLanguage#compileOrThrow} when a condition has compile errors. */
public final class QueryCompileException extends RuntimeException {
    private final transient List<CompileError> errors;

    public QueryCompileException(String conditionText, List<CompileError> errors) {
        super(
                "condition '"
                        + conditionText
                        + "' does not compile: "
                        + errors.get(0).message()
                        + (errors.size() > 1 ? " (and " + (errors.size() - 1) + " more)" : ""));
        this.errors = List.copyOf(errors);
    }

    public List<CompileError> errors() {
        return errors;
    }
}
