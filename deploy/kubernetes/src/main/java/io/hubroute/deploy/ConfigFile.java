package io.hubroute.deploy;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A routes file or job.yaml as text, with what the deployment needs to know of it without reading
 * it as hubroute does: the {@code ${env:NAME}} references the pods must supply, and the secrets
 * that must not reach a ConfigMap.
 */
record ConfigFile(String name, String text) {
    private static final Pattern ENVIRONMENT_REFERENCE =
            Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)}");

    private static final Pattern FILE_REFERENCE = Pattern.compile("\\$\\{file:[^}]*}");

    /** {@code Key=value} parts of connection strings and SAS URLs that hold a credential. */
    private static final Pattern INLINE_KEY =
            Pattern.compile(
                    "(?i)(?<![A-Za-z0-9])(AccountKey|SharedAccessKey|SharedAccessSignature|sig|password)\\s*=\\s*(?![\"']?\\$\\{)(?=[^\\s;\"'&]{2})");

    /** {@code scheme://user:password@host}: a password in a URI. */
    private static final Pattern INLINE_USER_INFO =
            Pattern.compile(
                    "(?i)\\b[a-z][a-z0-9+.-]*://[^/\\s:@'\"]+:(?![\"']?\\$\\{)[^@\\s'\"/]+@");

    ConfigFile {
        requireNonNull(name, "name");
        requireNonNull(text, "text");
    }

    /** The variables named by {@code ${env:NAME}} references, each once, in order of appearance. */
    Set<String> environmentReferences() {
        Set<String> names = new LinkedHashSet<>();
        Matcher matcher = ENVIRONMENT_REFERENCE.matcher(text);
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        return names;
    }

    /**
     * Every {@code ${file:}} reference (a pod has no such file) and every credential written inline
     * (a ConfigMap is no place for it). The problems name the place, never the value.
     */
    List<DeploymentProblem> secretProblems(String secretName) {
        List<Found> found = new ArrayList<>();
        Matcher files = FILE_REFERENCE.matcher(text);
        while (files.find()) {
            found.add(
                    new Found(
                            files.start(),
                            "a ${file:...} reference: the FlinkDeployment's pods receive connection"
                                    + " strings as environment variables from Secret '"
                                    + secretName
                                    + "', not as files",
                            "write ${env:NAME} instead (hubroute import-arm writes"
                                    + " ${env:<ENDPOINT>_CONNECTION}) and create the key NAME in"
                                    + " Secret '"
                                    + secretName
                                    + "'"));
        }
        for (Pattern pattern : List.of(INLINE_KEY, INLINE_USER_INFO)) {
            Matcher matcher = pattern.matcher(text);
            while (matcher.find()) {
                found.add(
                        new Found(
                                matcher.start(),
                                "a credential written inline: it would be stored in a ConfigMap"
                                        + " and shown in Flink's web UI",
                                "move the whole connection string into Secret '"
                                        + secretName
                                        + "' under a key NAME and write ${env:NAME} here"));
            }
        }
        found.sort(Comparator.comparingInt(Found::offset));
        List<DeploymentProblem> problems = new ArrayList<>();
        for (Found problem : found) {
            problems.add(
                    new DeploymentProblem(
                            location(problem.offset()), problem.message(), problem.fix()));
        }
        return problems;
    }

    private record Found(int offset, String message, String fix) {}

    /** {@code name:line:column} of a character offset, both counted from 1. */
    String location(int offset) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < offset && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return name + ":" + line + ":" + (offset - lineStart + 1);
    }
}
