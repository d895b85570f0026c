package io.hubroute.deploy;

import java.util.List;

/** Every problem that keeps a deployment from being rendered, reported at once. */
public final class DeploymentException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final List<DeploymentProblem> problems;

    DeploymentException(List<DeploymentProblem> problems) {
        super(message(problems));
        this.problems = List.copyOf(problems);
    }

    public List<DeploymentProblem> problems() {
        return problems;
    }

    private static String message(List<DeploymentProblem> problems) {
        StringBuilder message = new StringBuilder();
        for (DeploymentProblem problem : problems) {
            if (message.length() > 0) {
                message.append('\n');
            }
            message.append(problem);
        }
        return message.toString();
    }
}
