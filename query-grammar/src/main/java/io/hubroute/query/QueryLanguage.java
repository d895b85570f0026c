package io.hubroute.query;

import io.hubroute.message.RoutingSource;

/**
 * Entry point of the routing query language: compiles condition text into a {@link
 * CompiledCondition}, or reports positioned compile errors (spec §14).
 *
 * <pre>{@code
 * CompilationResult result = QueryLanguage.compile("$body.Weather.Temperature > 40", RoutingSource.DEVICE_MESSAGES);
 * if (!result.succeeded()) {
 *     result.errors().forEach(error -> System.err.println(error.message()));
 * }
 * }</pre>
 */
public final class QueryLanguage {
    private QueryLanguage() {}

    /** Compiles for the fast {@link Engine#COMPILED} engine. Never throws for any text. */
    public static CompilationResult compile(String text, RoutingSource source) {
        return compile(text, source, Engine.COMPILED);
    }

    /** Compiles for the given engine. Never throws for any text. */
    public static CompilationResult compile(String text, RoutingSource source, Engine engine) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Compiles, or throws {@link QueryCompileException} with every error. */
    public static CompiledCondition compileOrThrow(String text, RoutingSource source) {
        CompilationResult result = compile(text, source);
        if (!result.succeeded()) {
            throw new QueryCompileException(text, result.errors());
        }
        return result.condition().orElseThrow();
    }
}
