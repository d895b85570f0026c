package io.hubroute.embedded;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;

/**
 * Azurite's Blob service as a local process (Blob Storage for tests and local runs): no Docker. The
 * install directory comes from the {@code hubroute.azurite.dir} system property (failsafe sets it;
 * the build installs {@code azurite} there from npm). Start, stop and start again on the same port
 * and data directory to simulate an outage.
 */
public final class AzuriteProcess implements AutoCloseable {
    /** Azurite's well-known development account key (public, not a secret). */
    public static final String ACCOUNT_KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private final Path executable;
    private final Path dataDirectory;
    private final int port;
    private Process process;

    private AzuriteProcess(Path executable, Path dataDirectory, int port) {
        this.executable = executable;
        this.dataDirectory = dataDirectory;
        this.port = port;
    }

    /** An Azurite on a free port with a fresh data directory, not started yet. */
    public static AzuriteProcess create() throws IOException {
        String installDirectory = System.getProperty("hubroute.azurite.dir");
        if (installDirectory == null) {
            installDirectory = System.getProperty("user.home") + "/.cache/hubroute/azurite-3.37.0";
        }
        Path executable = Paths.get(installDirectory, "node_modules", ".bin", "azurite-blob");
        if (!Files.isExecutable(executable)) {
            throw new IllegalStateException(
                    "azurite-blob not found at "
                            + executable
                            + ": run the integration tests through Maven (mvn -B verify), which installs it there from npm, or set hubroute.azurite.dir");
        }
        return new AzuriteProcess(
                executable, Files.createTempDirectory("azurite-"), LocalPorts.free());
    }

    public AzuriteProcess start() throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            return this;
        }
        process =
                new ProcessBuilder(
                                List.of(
                                        executable.toString(),
                                        "--blobHost",
                                        "127.0.0.1",
                                        "--blobPort",
                                        Integer.toString(port),
                                        "--location",
                                        dataDirectory.toString(),
                                        "--disableTelemetry",
                                        "--silent",
                                        "--skipApiVersionCheck"))
                        .redirectErrorStream(true)
                        .redirectOutput(dataDirectory.resolve("azurite.log").toFile())
                        .start();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!isListening()) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "azurite exited with "
                                + process.exitValue()
                                + "; see "
                                + dataDirectory.resolve("azurite.log"));
            }
            if (System.nanoTime() > deadline) {
                stop();
                throw new IllegalStateException(
                        "azurite did not listen on port " + port + " within 30 s");
            }
            Thread.sleep(100);
        }
        return this;
    }

    /** Stops the process (and its children) and waits until the port is closed. */
    public void stop() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor();
        }
        process = null;
        while (isListening()) {
            Thread.sleep(50);
        }
    }

    public int port() {
        return port;
    }

    /** The connection string of the development account on this Azurite. */
    public String connectionString() {
        return "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey="
                + ACCOUNT_KEY
                + ";BlobEndpoint=http://127.0.0.1:"
                + port
                + "/devstoreaccount1;";
    }

    private boolean isListening() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
