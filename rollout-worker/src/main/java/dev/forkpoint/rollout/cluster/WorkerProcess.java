package dev.forkpoint.rollout.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code forkpoint worker} in a JVM of its own, started from this JVM's class path (tests) or a worker jar (the
 * cluster benchmark); its output is echoed with a name prefix.
 */
public final class WorkerProcess implements AutoCloseable {

    private static final Pattern READY = Pattern.compile("forkpoint worker (\\S+) ready at (\\S+)");

    private final Process process;
    private final String name;
    private final CompletableFuture<String> ready = new CompletableFuture<>();
    private final List<String> log = java.util.Collections.synchronizedList(new ArrayList<>());

    private WorkerProcess(String name, Process process) {
        this.name = name;
        this.process = process;
        Thread pump = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    log.add(line);
                    System.out.println("[" + name + "] " + line);
                    Matcher m = READY.matcher(line);
                    if (m.find()) {
                        ready.complete(m.group(1));
                    }
                }
            } catch (IOException e) {
                // the process was killed
            }
            ready.completeExceptionally(new IllegalStateException(name + " exited before it was ready"));
        }, name + "-output");
        pump.setDaemon(true);
        pump.start();
    }

    /** A worker on this JVM's class path with one torch thread (tests). */
    public static WorkerProcess start(String name, String cluster, String members, int port) throws IOException {
        return start(name, List.of("-cp", System.getProperty("java.class.path"), WorkerMain.class.getName()), cluster,
                members, port, 1);
    }

    /**
     * @param launch what follows {@code java -Xmx1g ...}: {@code -cp PATH MAIN} or {@code -jar WORKER_JAR}
     */
    public static WorkerProcess start(String name, List<String> launch, String cluster, String members, int port,
                                      int threads) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx1g", "-Dai.djl.offline=true",
                "-Dai.djl.pytorch.graph_optimizer=false"));
        cmd.addAll(launch);
        cmd.addAll(List.of("--cluster-name", cluster, "--members", members, "--port", Integer.toString(port),
                "--threads", Integer.toString(threads)));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        pb.environment().put("OMP_NUM_THREADS", Integer.toString(threads));
        return new WorkerProcess(name, pb.start());
    }

    /** The worker's member id, once it has joined. */
    public String awaitReady() throws Exception {
        return ready.get(120, TimeUnit.SECONDS);
    }

    /** SIGKILL: no goodbye to the cluster. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    public List<String> log() {
        return List.copyOf(log);
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
