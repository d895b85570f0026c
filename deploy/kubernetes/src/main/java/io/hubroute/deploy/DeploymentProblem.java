package io.hubroute.deploy;

import static java.util.Objects.requireNonNull;

/**
 * One reason a deployment cannot be rendered: where ({@code file:line:column}, or a setting's
 * name), what is wrong and what to do about it. Never holds a secret's value.
 */
public record DeploymentProblem(String location, String message, String fix) {
    public DeploymentProblem {
        requireNonNull(location, "location");
        requireNonNull(message, "message");
        requireNonNull(fix, "fix");
    }

    @Override
    public String toString() {
        return location + ": " + message + "\n    fix: " + fix;
    }
}
