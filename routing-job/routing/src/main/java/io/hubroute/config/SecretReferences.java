package io.hubroute.config;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one resolver of {@code ${env:NAME}} and {@code ${file:PATH}} references, for the routes file
 * and job.yaml alike: environment variables and files come from a {@link SecretLookup}, relative
 * paths resolve against the configuration file's directory, a file's trailing line break is
 * dropped, and a variable or file that is unset, missing or empty is a problem with its fix.
 * Problems name the reference, never a resolved value.
 *
 * <pre>{@code
 * SecretReferences references = new SecretReferences(SecretLookup.system(), Path.of("/etc/hubroute"));
 * SecretReferences.Resolution resolved = references.resolve("${env:EH}", "source.eventHubsConnectionString", "the connection string");
 * }</pre>
 */
public final class SecretReferences {
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{(env|file):([^}]+)}");

    private final SecretLookup lookup;
    private final Path directory;

    /**
     * @param directory what relative {@code ${file:PATH}} paths resolve against, or null for the
     *     working directory
     */
    public SecretReferences(SecretLookup lookup, Path directory) {
        this.lookup = Objects.requireNonNull(lookup, "lookup");
        this.directory = directory;
    }

    /** A resolved value, or the problem and its fix. */
    public record Resolution(String value, String problem, String fix) {
        static Resolution of(String value) {
            return new Resolution(value, null, null);
        }

        static Resolution failed(String problem, String fix) {
            return new Resolution(null, problem, fix);
        }

        public boolean succeeded() {
            return value != null;
        }
    }

    /** Whether {@code text} is exactly one reference. */
    public static boolean isReference(String text) {
        return REFERENCE.matcher(text).matches();
    }

    /** Whether {@code text} holds at least one reference (a JAAS line with a password, say). */
    public static boolean containsReference(String text) {
        return REFERENCE.matcher(text).find();
    }

    /** Whether {@code text} has a {@code ${} that does not start a well-formed reference. */
    public static boolean isMalformed(String text) {
        return REFERENCE.matcher(text).replaceAll("").contains("${");
    }

    /** {@code env} or {@code file} for a reference, or null. */
    static String scheme(String reference) {
        Matcher matcher = REFERENCE.matcher(reference);
        return matcher.matches() ? matcher.group(1) : null;
    }

    /** The variable name or path of a reference, or null. */
    static String target(String reference) {
        Matcher matcher = REFERENCE.matcher(reference);
        return matcher.matches() ? matcher.group(2) : null;
    }

    /**
     * Replaces every reference in {@code text} by its value.
     *
     * @param what the setting, for problems ({@code endpoint 'alerts'}, {@code
     *     source.eventHubsConnectionString})
     * @param holding what a referenced file should hold, for the fix ({@code the connection
     *     string})
     */
    public Resolution resolve(String text, String what, String holding) {
        Matcher matcher = REFERENCE.matcher(text);
        StringBuilder resolved = new StringBuilder();
        int last = 0;
        while (matcher.find()) {
            resolved.append(text, last, matcher.start());
            String reference = matcher.group();
            String target = matcher.group(2);
            String value;
            String fix;
            if (matcher.group(1).equals("env")) {
                value = lookup.environment(target);
                fix = "set the environment variable " + target + " before starting";
            } else {
                Path path = directory == null ? Path.of(target) : directory.resolve(target);
                fix = "create " + path + " holding " + holding;
                try {
                    value = lookup.file(path);
                } catch (IOException e) {
                    return Resolution.failed(
                            what
                                    + ": cannot read "
                                    + reference
                                    + " ("
                                    + e.getClass().getSimpleName()
                                    + ")",
                            "make " + path + " readable");
                }
            }
            if (value == null || value.isEmpty()) {
                return Resolution.failed(what + ": " + reference + " is not set", fix);
            }
            resolved.append(value);
            last = matcher.end();
        }
        resolved.append(text, last, text.length());
        return Resolution.of(resolved.toString());
    }
}
