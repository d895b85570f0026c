package io.hubroute.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hubroute run} opens no port beyond this machine: while the demo runs (its own Flink
 * MiniCluster, embedded Kafka and AMQP broker), every socket its process listens on is bound to a
 * loopback address, read from {@code /proc/<pid>/net/tcp*} for the sockets in {@code
 * /proc/<pid>/fd}; and the web UI it prints answers there.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LoopbackE2ECase {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern WEB_UI =
            Pattern.compile("Flink web UI (http://127\\.0\\.0\\.1:(\\d+)/)");

    @TempDir Path work;

    /** A listening socket: where it is bound. */
    private record Listener(String address, int port, boolean loopback) {}

    @Test
    void everyPortOfRunIsOnLoopback() throws Exception {
        ProcessBuilder builder =
                new ProcessBuilder(
                                ROOT.resolve("bin/hubroute").toString(),
                                "run",
                                "--messages",
                                "100000",
                                "--work-dir",
                                work.toString())
                        .directory(ROOT.toFile())
                        .redirectErrorStream(true);
        Process process = builder.start();
        try {
            BufferedReader output =
                    new BufferedReader(
                            new InputStreamReader(
                                    process.getInputStream(), StandardCharsets.UTF_8));
            List<String> lines = new ArrayList<>();
            String webUi = null;
            int restPort = -1;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (webUi == null && System.nanoTime() < deadline) {
                String line = output.readLine();
                if (line == null) {
                    break;
                }
                lines.add(line);
                Matcher matcher = WEB_UI.matcher(line);
                if (matcher.find()) {
                    webUi = matcher.group(1);
                    restPort = Integer.parseInt(matcher.group(2));
                }
            }
            assertThat(webUi).as("run prints its web UI URL: %s", lines).isNotNull();
            drain(output);

            // the REST API answers on loopback once the cluster is up
            int status = -1;
            while (status != 200 && System.nanoTime() < deadline && process.isAlive()) {
                status = get(webUi + "overview");
                if (status != 200) {
                    Thread.sleep(200);
                }
            }
            assertThat(status).as("GET %soverview", webUi).isEqualTo(200);
            // the job is running: the embedded brokers and the TaskManager are listening too
            Thread.sleep(3000);
            assertThat(process.isAlive()).isTrue();

            List<Listener> listeners = listeners(process.pid());
            int webUiPort = restPort;
            assertThat(listeners)
                    .as("sockets run listens on")
                    .anyMatch(listener -> listener.port() == webUiPort);
            assertThat(listeners.size())
                    .as("REST, Kafka (2), AMQP and more")
                    .isGreaterThanOrEqualTo(4);
            assertThat(listeners).allMatch(Listener::loopback, "bound to a loopback address");
        } finally {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    private static int get(String url) {
        try {
            HttpURLConnection connection =
                    (HttpURLConnection) URI.create(url).toURL().openConnection();
            connection.setConnectTimeout(1000);
            connection.setReadTimeout(5000);
            int code = connection.getResponseCode();
            connection.disconnect();
            return code;
        } catch (IOException e) {
            return -1;
        }
    }

    /** Keeps reading the child's output so it never blocks on a full pipe. */
    private static void drain(BufferedReader output) {
        Thread drainer =
                new Thread(
                        () -> {
                            try {
                                while (output.readLine() != null) {
                                    // discarded
                                }
                            } catch (IOException e) {
                                // the process ended
                            }
                        },
                        "drain-run-output");
        drainer.setDaemon(true);
        drainer.start();
    }

    /** The TCP sockets the process listens on, from /proc. */
    static List<Listener> listeners(long pid) throws IOException {
        Set<String> inodes = new HashSet<>();
        try (var fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        }
        List<Listener> listeners = new ArrayList<>();
        for (String table : List.of("tcp", "tcp6")) {
            Path file = Path.of("/proc", Long.toString(pid), "net", table);
            if (!Files.exists(file)) {
                continue;
            }
            List<String> rows = Files.readAllLines(file);
            for (String row : rows.subList(1, rows.size())) {
                String[] fields = row.trim().split("\\s+");
                // local_address is field 1, st field 3 (0A: LISTEN), inode field 9
                if (!fields[3].equals("0A") || !inodes.contains(fields[9])) {
                    continue;
                }
                String[] local = fields[1].split(":");
                listeners.add(
                        new Listener(
                                local[0], Integer.parseInt(local[1], 16), isLoopback(local[0])));
            }
        }
        return listeners;
    }

    /** 127.x.x.x in /proc's little-endian hex, ::1, or ::ffff:127.x.x.x. */
    static boolean isLoopback(String hex) {
        if (hex.length() == 8) {
            return hex.endsWith("7F");
        }
        if (hex.equals("00000000000000000000000001000000")) {
            return true;
        }
        // IPv4-mapped: 0000000000000000FFFF0000 then the IPv4 address little-endian
        return hex.startsWith("0000000000000000FFFF0000") && hex.endsWith("7F");
    }

    @Test
    void procAddressesAreReadAsTheKernelWritesThem() {
        assertThat(isLoopback("0100007F")).isTrue(); // 127.0.0.1
        assertThat(isLoopback("00000000")).isFalse(); // 0.0.0.0
        assertThat(isLoopback("0F02000A")).isFalse(); // 10.0.2.15
        assertThat(isLoopback("00000000000000000000000001000000")).isTrue(); // ::1
        assertThat(isLoopback("00000000000000000000000000000000")).isFalse(); // ::
        assertThat(isLoopback("0000000000000000FFFF00000100007F")).isTrue(); // ::ffff:127.0.0.1
    }
}
