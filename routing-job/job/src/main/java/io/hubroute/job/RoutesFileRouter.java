package io.hubroute.job;

import io.hubroute.config.Endpoint;
import io.hubroute.config.Route;
import io.hubroute.config.RoutingConfig;
import io.hubroute.config.RoutingConfigLoader;
import io.hubroute.message.Message;
import io.hubroute.message.Twin;
import io.hubroute.query.Engine;
import io.hubroute.query.RouteResult;
import io.hubroute.routing.RouteOutcome;
import io.hubroute.routing.Router;
import io.hubroute.routing.RoutingDecision;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * {@link JobRouter} over {@link Router}, built in each task from the routes file's text (shipped
 * with the job as data, secret references unresolved: the router needs none), so conditions compile
 * once per task.
 */
public final class RoutesFileRouter implements JobRouter {
    private final Router router;
    private final List<String> routeNames;
    private final List<String> endpointNames;

    private RoutesFileRouter(RoutingConfig config) {
        this.router = Router.create(config, Engine.COMPILED);
        List<String> routes = new ArrayList<>();
        for (Route route : config.routes()) {
            routes.add(route.name());
        }
        List<String> endpoints = new ArrayList<>();
        for (Endpoint endpoint : config.allEndpoints()) {
            endpoints.add(endpoint.name());
        }
        this.routeNames = List.copyOf(routes);
        this.endpointNames = List.copyOf(endpoints);
    }

    /** A factory that parses {@code routesYaml} (named {@code fileName} in errors) in each task. */
    public static JobRouter.Factory factory(String routesYaml, String fileName) {
        return new Factory(routesYaml, fileName);
    }

    /** Parses the routes file text without resolving secrets. */
    public static RoutingConfig parse(String routesYaml, String fileName) {
        return RoutingConfigLoader.withoutSecrets()
                .parse(routesYaml, fileName, Path.of("."))
                .orThrow();
    }

    @Override
    public List<String> routeNames() {
        return routeNames;
    }

    @Override
    public List<String> endpointNames() {
        return endpointNames;
    }

    @Override
    public Decision route(Message message, Twin twin) {
        RoutingDecision decision = router.route(message, twin);
        List<RouteOutcome> outcomes = decision.routeResults();
        List<RouteVerdict> verdicts = new ArrayList<>(outcomes.size());
        for (int i = 0; i < outcomes.size(); i++) {
            RouteOutcome outcome = outcomes.get(i);
            verdicts.add(
                    new RouteVerdict(
                            outcome.routeName(),
                            verdict(outcome.result()),
                            outcome.undefinedReason()));
        }
        List<io.hubroute.routing.Delivery> routed = decision.deliveries();
        List<JobRouter.Delivery> deliveries = new ArrayList<>(routed.size());
        for (int i = 0; i < routed.size(); i++) {
            deliveries.add(
                    new JobRouter.Delivery(routed.get(i).endpointName(), routed.get(i).message()));
        }
        return new Decision(verdicts, deliveries, decision.fallback());
    }

    private static Verdict verdict(RouteResult result) {
        switch (result) {
            case TRUE:
                return Verdict.TRUE;
            case FALSE:
                return Verdict.FALSE;
            default:
                return Verdict.UNDEFINED;
        }
    }

    private static final class Factory implements JobRouter.Factory {
        private static final long serialVersionUID = 1L;
        private final String routesYaml;
        private final String fileName;

        Factory(String routesYaml, String fileName) {
            this.routesYaml = Objects.requireNonNull(routesYaml, "routesYaml");
            this.fileName = Objects.requireNonNull(fileName, "fileName");
        }

        @Override
        public JobRouter create() {
            return new RoutesFileRouter(parse(routesYaml, fileName));
        }

        @Override
        public String toString() {
            return "RoutesFileRouter.Factory{" + fileName + "}";
        }
    }
}
