package dev.forkpoint.trainer.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The service (with the fake engine) in a JVM of its own, so a test can SIGKILL it mid-run. */
public final class ServiceProcess implements AutoCloseable {

    private final Process process;
    private final Path log;
    public final ServiceClient client;

    private ServiceProcess(Process process, Path log, int port, String token) {
        this.process = process;
        this.log = log;
        this.client = new ServiceClient(port, token);
    }

    /** Starts it with {@code forkpoint.home = home} and the given {@code --key=value} arguments; waits for health. */
    public static ServiceProcess start(Path home, String token, String... args) throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Path log = home.resolve("service-process.log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), ServiceProcessMain.class.getName(),
                "--server.port=" + port, "--forkpoint.home=" + home, "--forkpoint.security.token=" + token,
                "--forkpoint.scheduler.poll-interval=100ms"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        ServiceProcess service = new ServiceProcess(process, log, port, token);
        ServiceClient.await(() -> {
            if (!process.isAlive()) {
                throw new AssertionError("the service process exited; see " + log);
            }
            try {
                return service.client.get("/actuator/health").statusCode() == 200;
            } catch (IllegalStateException notYet) {
                return false;
            }
        }, Duration.ofSeconds(120), () -> "the service process did not start; see " + log);
        return service;
    }

    /** SIGKILL: no shutdown hook runs, no step boundary is waited for. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
