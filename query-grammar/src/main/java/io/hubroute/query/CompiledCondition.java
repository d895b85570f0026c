package io.hubroute.query;

import io.hubroute.message.RoutingSource;
import java.util.Objects;
import java.util.Optional;

/**
 * A route condition compiled once and evaluated many times. Immutable and thread-safe; rebuilt from
 * {@link #text()} and {@link #source()} by {@link QueryLanguage#compileOrThrow}, which is how the
 * Flink job ships it.
 *
 * <pre>{@code
 * CompiledCondition condition = QueryLanguage.compileOrThrow("level = 'critical'", RoutingSource.DEVICE_MESSAGES);
 * MessageContext context = MessageContext.of(message, twin, condition.bodyPaths());
 * RouteResult result = condition.evaluate(context);
 * }</pre>
 */
public final class CompiledCondition {
    /** What an engine produces: evaluation against one message's context. */
    public interface Evaluator {
        RouteResult evaluate(MessageContext context);
    }

    private static final String UNDEFINED_REASON = "condition evaluated to undefined";

    private final String text;
    private final RoutingSource source;
    private final Engine engine;
    private final Evaluator evaluator;
    private final BodyPaths bodyPaths;
    private final boolean readsBody;
    private final boolean readsTwin;
    private final IndexableCondition indexable;

    CompiledCondition(
            String text,
            RoutingSource source,
            Engine engine,
            Evaluator evaluator,
            BodyPaths bodyPaths,
            boolean readsBody,
            boolean readsTwin,
            IndexableCondition indexable) {
        this.text = Objects.requireNonNull(text, "text");
        this.source = Objects.requireNonNull(source, "source");
        this.engine = Objects.requireNonNull(engine, "engine");
        this.evaluator = Objects.requireNonNull(evaluator, "evaluator");
        this.bodyPaths = Objects.requireNonNull(bodyPaths, "bodyPaths");
        this.readsBody = readsBody;
        this.readsTwin = readsTwin;
        this.indexable = indexable;
    }

    /** The condition text as written. */
    public String text() {
        return text;
    }

    /**
     * The routing source it was compiled for (it decides whether twin_change_includes is allowed).
     */
    public RoutingSource source() {
        return source;
    }

    public Engine engine() {
        return engine;
    }

    /** The body paths this condition reads. */
    public BodyPaths bodyPaths() {
        return bodyPaths;
    }

    /** Whether the condition reads the body ({@code $body} or twin_change_includes). */
    public boolean readsBody() {
        return readsBody;
    }

    /** Whether the condition reads the twin. */
    public boolean readsTwin() {
        return readsTwin;
    }

    /**
     * Present when the whole condition is of a form a router may index instead of evaluating it
     * (property equality, a range of a query against a number, a prefix or suffix test): see {@link
     * IndexableCondition}.
     */
    public Optional<IndexableCondition> indexable() {
        return Optional.ofNullable(indexable);
    }

    /** Evaluates the condition; never throws for any message. */
    public RouteResult evaluate(MessageContext context) {
        return evaluator.evaluate(context);
    }

    /**
     * Why an evaluation gave {@link RouteResult#UNDEFINED}: the failed body precondition, the
     * missing twin, or "condition evaluated to undefined" (spec §15).
     */
    public String undefinedReason(MessageContext context) {
        if (readsBody) {
            String bodyFailure = context.bodyFailure();
            if (bodyFailure != null) {
                return bodyFailure;
            }
        }
        if (readsTwin && context.twin() == null) {
            return context.missingTwinReason();
        }
        return UNDEFINED_REASON;
    }

    @Override
    public String toString() {
        return text;
    }
}
