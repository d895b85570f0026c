package io.hubroute.config;

import java.util.List;

/** A configuration file with problems; the message lists every one of them. */
public final class RoutingConfigException extends RuntimeException {
    private final transient List<ConfigProblem> problems;

    public RoutingConfigException(List<ConfigProblem> problems) {
        super(describe(problems));
        this.problems = List.copyOf(problems);
    }

    public List<ConfigProblem> problems() {
        return problems;
    }

    private static String describe(List<ConfigProblem> problems) {
        StringBuilder text = new StringBuilder();
        text.append(problems.size()).append(problems.size() == 1 ? " problem" : " problems");
        for (ConfigProblem problem : problems) {
            text.append('\n').append(problem);
        }
        return text.toString();
    }
}
