package io.hubroute.query;

import io.hubroute.message.JsonPath;
import io.hubroute.query.json.PathExtractor;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The {@code $body} paths a set of compiled conditions reads. A {@link MessageContext} built with
 * them parses the body once and extracts just these paths, whichever condition asks first.
 */
public final class BodyPaths {
    private static final BodyPaths NONE = new BodyPaths(Set.of());

    private final Set<JsonPath> paths;
    private final PathExtractor extractor;

    private BodyPaths(Set<JsonPath> paths) {
        this.paths = paths;
        this.extractor = new PathExtractor(paths);
    }

    /** The extraction slot of a path, or -1 when these paths do not include it. */
    public int slotOf(JsonPath path) {
        return extractor.slotOf(path);
    }

    PathExtractor extractor() {
        return extractor;
    }

    public static BodyPaths none() {
        return NONE;
    }

    public static BodyPaths of(Collection<JsonPath> paths) {
        return paths.isEmpty() ? NONE : new BodyPaths(Set.copyOf(new LinkedHashSet<>(paths)));
    }

    /** The union of what the conditions read. */
    public static BodyPaths union(Collection<CompiledCondition> conditions) {
        Set<JsonPath> all = new LinkedHashSet<>();
        for (CompiledCondition condition : conditions) {
            all.addAll(condition.bodyPaths().paths);
        }
        return of(all);
    }

    public Set<JsonPath> paths() {
        return paths;
    }

    public boolean isEmpty() {
        return paths.isEmpty();
    }

    @Override
    public String toString() {
        return paths.toString();
    }
}
