package io.hubroute.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.apache.flink.configuration.Configuration;

/**
 * Where the local Flink cluster of {@code hubroute run} listens. Flink's REST API accepts jar
 * uploads and job submissions from anyone who reaches it, so every port binds to the loopback
 * interface: the REST API and web UI, the JobManager's and TaskManager's RPC, the blob server, the
 * data port. Only {@code --bind-address} moves the REST API and web UI elsewhere, and says what
 * that opens; the rest stays on loopback.
 *
 * @param bindAddress where the REST API and web UI listen (127.0.0.1 unless asked otherwise)
 * @param webUiPort their port
 */
record LocalCluster(String bindAddress, int webUiPort) {
    static final String LOOPBACK = "127.0.0.1";

    /** On loopback; the web UI on {@code webUiPort}, or a free port when it is null. */
    static LocalCluster of(String bindAddress, Integer webUiPort) throws IOException {
        String address = bindAddress == null ? LOOPBACK : bindAddress;
        return new LocalCluster(address, webUiPort == null ? freeLoopbackPort() : webUiPort);
    }

    /** Sets every address and port Flink binds. */
    void applyTo(Configuration flink) {
        flink.setString("rest.bind-address", bindAddress);
        flink.setString("rest.address", isLoopback() ? LOOPBACK : bindAddress);
        flink.setString("rest.bind-port", Integer.toString(webUiPort));
        flink.setString("rest.port", Integer.toString(webUiPort));
        flink.setString("jobmanager.bind-host", LOOPBACK);
        flink.setString("jobmanager.rpc.address", LOOPBACK);
        flink.setString("taskmanager.bind-host", LOOPBACK);
        flink.setString("taskmanager.host", LOOPBACK);
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

    /** Prints where the web UI is, and what listening beyond loopback opens. */
    void describe(PrintStream out, PrintStream err) {
        out.println("hubroute run: Flink web UI " + webUiUrl());
        if (!isLoopback()) {
            err.println(
                    "hubroute run: warning: Flink's REST API and web UI listen on "
                            + bindAddress
                            + ":"
                            + webUiPort
                            + " (--bind-address): anyone who can reach it can upload jars and run"
                            + " code as this user; every other port stays on "
                            + LOOPBACK);
        }
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            return socket.getLocalPort();
        }
    }
}
