package io.hubroute.routetest;

import java.util.List;
import java.util.Objects;

/** One case's result: passed when nothing differed from its expectations. */
public record RouteTestOutcome(String name, List<String> failures) {
    public RouteTestOutcome {
        Objects.requireNonNull(name, "name");
        failures = List.copyOf(failures);
    }

    public boolean passed() {
        return failures.isEmpty();
    }
}
