package io.hubroute.job;

import io.hubroute.config.RoutingConfig;
import io.hubroute.config.RoutingConfigLoader;
import io.hubroute.query.Engine;
import io.hubroute.routing.Router;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.Objects;

/**
 * How each parallel task gets its {@link Router}: the routes file's text travels with the job as
 * data (secret references unresolved: routing needs none), and every task parses and compiles it
 * once when it opens.
 *
 * <pre>{@code
 * RoutingJob.builder().setRouterFactory(RoutesFileRouter.factory(Files.readString(routes), "routes.yaml"));
 * }</pre>
 */
public final class RoutesFileRouter implements Serializable {
    private static final long serialVersionUID = 2L;

    private final String routesYaml;
    private final String fileName;

    private RoutesFileRouter(String routesYaml, String fileName) {
        this.routesYaml = Objects.requireNonNull(routesYaml, "routesYaml");
        this.fileName = Objects.requireNonNull(fileName, "fileName");
    }

    /** A factory that parses {@code routesYaml} (named {@code fileName} in errors) in each task. */
    public static RoutesFileRouter factory(String routesYaml, String fileName) {
        return new RoutesFileRouter(routesYaml, fileName);
    }

    /** Parses the routes file text without resolving secrets. */
    public static RoutingConfig parse(String routesYaml, String fileName) {
        return RoutingConfigLoader.withoutSecrets()
                .parse(routesYaml, fileName, Path.of("."))
                .orThrow();
    }

    /** Parses the routes without compiling them (their names, endpoints and settings). */
    public RoutingConfig config() {
        return parse(routesYaml, fileName);
    }

    /** Parses and compiles the routes: once per task. */
    public Router create() {
        return Router.create(parse(routesYaml, fileName), Engine.COMPILED);
    }

    /** Names the file only: the text may hold secret references and is not shown. */
    @Override
    public String toString() {
        return "RoutesFileRouter{" + fileName + "}";
    }
}
