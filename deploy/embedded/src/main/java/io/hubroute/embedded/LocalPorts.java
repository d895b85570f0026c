package io.hubroute.embedded;

import java.io.IOException;
import java.net.ServerSocket;

/** Free TCP ports on the loopback interface, for the embedded services. */
public final class LocalPorts {
    private LocalPorts() {}

    /** A port that was free a moment ago (the caller binds it soon after). */
    public static int free() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }
}
