package io.hubroute.query;

import io.hubroute.message.JsonPath;
import io.hubroute.message.RoutingSource;
import io.hubroute.query.analyzer.Analyzer;
import io.hubroute.query.analyzer.TypedExpression;
import io.hubroute.query.compiler.FastCompiler;
import io.hubroute.query.interpreter.ReferenceInterpreter;
import io.hubroute.query.parser.ConditionParser;
import io.hubroute.query.parser.SourceText;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

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
 *
 * <p>The text is compiled as written: a blank condition is the undefined constant, as in IoT Hub's
 * Test route. Route configuration, where a blank condition means true, handles that itself.
 */
public final class QueryLanguage {
    private QueryLanguage() {}

    /** Compiles for the fast {@link Engine#COMPILED} engine. Never throws for any text. */
    public static CompilationResult compile(String text, RoutingSource source) {
        return compile(text, source, Engine.COMPILED);
    }

    /** Compiles for the given engine. Never throws for any text. */
    public static CompilationResult compile(String text, RoutingSource source, Engine engine) {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(engine, "engine");
        try {
            ConditionParser.ParseResult parsed = ConditionParser.parse(text);
            if (parsed.error() != null) {
                return new CompilationResult(null, List.of(parsed.error()));
            }
            Analyzer.Analysis analysis = Analyzer.analyze(parsed.expression(), source);
            if (!analysis.errors().isEmpty()) {
                return new CompilationResult(null, analysis.errors());
            }
            TypedExpression typed = analysis.expression();
            CompiledCondition.Evaluator evaluator =
                    engine == Engine.COMPILED
                            ? FastCompiler.compile(typed)
                            : ReferenceInterpreter.evaluator(typed);
            Set<JsonPath> bodyPaths = new LinkedHashSet<>();
            boolean[] reads = new boolean[2];
            collect(typed, bodyPaths, reads);
            CompiledCondition condition =
                    new CompiledCondition(
                            text,
                            source,
                            engine,
                            evaluator,
                            BodyPaths.of(bodyPaths),
                            reads[0],
                            reads[1],
                            IndexableForms.of(typed));
            return new CompilationResult(condition, List.of());
        } catch (RuntimeException | StackOverflowError e) {
            SourceText sourceText = new SourceText(text);
            return new CompilationResult(
                    null,
                    List.of(
                            SourceText.error(
                                    "condition could not be compiled ("
                                            + e.getClass().getSimpleName()
                                            + "): please report this",
                                    sourceText.range(0, sourceText.length()))));
        }
    }

    /** Compiles, or throws {@link QueryCompileException} with every error. */
    public static CompiledCondition compileOrThrow(String text, RoutingSource source) {
        return compileOrThrow(text, source, Engine.COMPILED);
    }

    /** Compiles for the engine, or throws {@link QueryCompileException} with every error. */
    public static CompiledCondition compileOrThrow(
            String text, RoutingSource source, Engine engine) {
        CompilationResult result = compile(text, source, engine);
        if (!result.succeeded()) {
            throw new QueryCompileException(text, result.errors());
        }
        return result.condition().orElseThrow();
    }

    private static void collect(TypedExpression e, Set<JsonPath> bodyPaths, boolean[] reads) {
        if (e instanceof TypedExpression.BodyQuery) {
            bodyPaths.add(((TypedExpression.BodyQuery) e).path());
            reads[0] = true;
        } else if (e instanceof TypedExpression.TwinChangeIncludes) {
            bodyPaths.add(((TypedExpression.TwinChangeIncludes) e).path());
            reads[0] = true;
        } else if (e instanceof TypedExpression.TwinQuery) {
            reads[1] = true;
        } else if (e instanceof TypedExpression.Not) {
            collect(((TypedExpression.Not) e).operand(), bodyPaths, reads);
        } else if (e instanceof TypedExpression.Negate) {
            collect(((TypedExpression.Negate) e).operand(), bodyPaths, reads);
        } else if (e instanceof TypedExpression.Logical) {
            collect(((TypedExpression.Logical) e).left(), bodyPaths, reads);
            collect(((TypedExpression.Logical) e).right(), bodyPaths, reads);
        } else if (e instanceof TypedExpression.Comparison) {
            collect(((TypedExpression.Comparison) e).left(), bodyPaths, reads);
            collect(((TypedExpression.Comparison) e).right(), bodyPaths, reads);
        } else if (e instanceof TypedExpression.Arithmetic) {
            collect(((TypedExpression.Arithmetic) e).left(), bodyPaths, reads);
            collect(((TypedExpression.Arithmetic) e).right(), bodyPaths, reads);
        } else if (e instanceof TypedExpression.Coalesce) {
            collect(((TypedExpression.Coalesce) e).left(), bodyPaths, reads);
            collect(((TypedExpression.Coalesce) e).right(), bodyPaths, reads);
        } else if (e instanceof TypedExpression.Call) {
            for (TypedExpression argument : ((TypedExpression.Call) e).arguments()) {
                collect(argument, bodyPaths, reads);
            }
        }
    }
}
