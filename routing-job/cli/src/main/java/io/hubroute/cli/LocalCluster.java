package io.hubroute.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.prometheus.PrometheusReporterFactory;

/**
 * Where the local Flink cluster of {@code hubroute run} listens. Flink's REST API accepts jar
 * uploads and job submissions from anyone who reaches it, so every port binds to the loopback
 * interface: the REST API and web UI, the JobManager's and TaskManager's RPC, the blob server, the
 * data port. Only {@code --bind-address} moves the REST API and web UI elsewhere, and says what
 * that opens; the rest stays on loopback.
 *
 * <p>The one exception is asked for by name: {@code --metrics-port} turns on Flink's Prometheus
 * reporter, which serves every metric read-only on that port of every interface (the reporter has
 * no bind address setting). It serves nothing else.
 *
 * @param bindAddress where the REST API and web UI listen (127.0.0.1 unless asked otherwise)
 * @param webUiPort their port
 * @param metricsPort the Prometheus reporter's port, or {@link #NO_METRICS}
 */
record LocalCluster(String bindAddress, int webUiPort, int metricsPort) {
    static final String LOOPBACK = "127.0.0.1";

    /** {@link #metricsPort()} when no Prometheus reporter runs. */
    static final int NO_METRICS = 0;

    /**
     * The reporter's name in Flink's configuration ({@code metrics.reporter.prom.*}): the name the
     * Kubernetes deployment gives it too.
     */
    static final String PROMETHEUS_REPORTER = "prom";

    /** On loopback; the web UI on {@code webUiPort}, or a free port when it is null; no metrics. */
    static LocalCluster of(String bindAddress, Integer webUiPort) throws IOException {
        return of(bindAddress, webUiPort, null);
    }

    /**
     * As {@link #of(String, Integer)}, with Flink's Prometheus reporter on {@code metricsPort}
     * unless it is null.
     *
     * @throws IllegalStateException when {@code metricsPort} is in use: Flink would only log that
     *     the reporter could not start, and run without it
     */
    static LocalCluster of(String bindAddress, Integer webUiPort, Integer metricsPort)
            throws IOException {
        String address = bindAddress == null ? LOOPBACK : bindAddress;
        if (metricsPort != null) {
            checkFree(metricsPort);
        }
        return new LocalCluster(
                address,
                webUiPort == null ? freeLoopbackPort() : webUiPort,
                metricsPort == null ? NO_METRICS : metricsPort);
    }

    /** Sets every address and port Flink binds, and the Prometheus reporter when asked for. */
    void applyTo(Configuration flink) {
        flink.setString("rest.bind-address", bindAddress);
        flink.setString("rest.address", isLoopback() ? LOOPBACK : bindAddress);
        flink.setString("rest.bind-port", Integer.toString(webUiPort));
        flink.setString("rest.port", Integer.toString(webUiPort));
        flink.setString("jobmanager.bind-host", LOOPBACK);
        flink.setString("jobmanager.rpc.address", LOOPBACK);
        flink.setString("taskmanager.bind-host", LOOPBACK);
        flink.setString("taskmanager.host", LOOPBACK);
        if (metricsPort != NO_METRICS) {
            String reporter = "metrics.reporter." + PROMETHEUS_REPORTER + ".";
            flink.setString(reporter + "factory.class", PrometheusReporterFactory.class.getName());
            flink.setString(reporter + "port", Integer.toString(metricsPort));
            // route and endpoint names as the routes file spells them (IoT Hub allows '-' and '.')
            flink.setString(reporter + "filterLabelValueCharacters", "false");
        }
    }

    boolean isLoopback() {
        try {
            return InetAddress.getByName(bindAddress).isLoopbackAddress();
        } catch (IOException e) {
            return false;
        }
    }

    /** The web UI's address for people. */
    String webUiUrl() {
        String host =
                isLoopback() || bindAddress.equals("0.0.0.0") || bindAddress.equals("::")
                        ? (isLoopback() ? LOOPBACK : "<this machine>")
                        : bindAddress;
        return "http://" + host + ":" + webUiPort + "/";
    }

    /** Where Prometheus scrapes this machine's metrics. */
    String metricsUrl() {
        return "http://localhost:" + metricsPort + "/metrics";
    }

    /** Prints where the web UI and the metrics are, and what listening beyond loopback opens. */
    void describe(PrintStream out, PrintStream err) {
        out.println("hubroute run: Flink web UI " + webUiUrl());
        if (metricsPort != NO_METRICS) {
            out.println(
                    "hubroute run: metrics: "
                            + metricsUrl()
                            + " (Prometheus; read-only, on every interface of this machine)");
        }
        if (!isLoopback()) {
            err.println(
                    "hubroute run: warning: Flink's REST API and web UI listen on "
                            + bindAddress
                            + ":"
                            + webUiPort
                            + " (--bind-address): anyone who can reach it can upload jars and run"
                            + " code as this user; every other port stays on "
                            + LOOPBACK
                            + (metricsPort == NO_METRICS ? "" : " but the metrics port"));
        }
    }

    /** Binds the port as the reporter will (every interface), to say now if it cannot. */
    private static void checkFree(int port) throws IOException {
        try (ServerSocket socket = new ServerSocket(port)) {
            // free: the reporter binds it when the cluster starts
        } catch (BindException e) {
            throw new IllegalStateException(
                    "metrics port "
                            + port
                            + " is in use (another hubroute run, a Flink cluster, a Prometheus"
                            + " exporter?): pass another --metrics-port, or stop what listens on "
                            + port);
        }
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            return socket.getLocalPort();
        }
    }
}
