package dev.forkpoint.rollout.cluster;

import dev.forkpoint.rollout.cluster.hazelcast.HazelcastWorkerNode;
import dev.forkpoint.rollout.device.DeviceSelection;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * {@code forkpoint worker}: a rollout worker process. Joins a cluster, then samples the shards trainers send it, for
 * any run whose model it can load, until it is stopped (SIGTERM or SIGINT). Plain Java: no Spring, no database. The
 * {@code rollout-worker} module's {@code -exec} jar runs this class; {@code ./forkpoint worker} runs it too.
 */
public final class WorkerMain {

    public static final String USAGE = """
            usage: forkpoint worker --cluster-name NAME --members HOST:PORT,... [--port P] [--interface ADDR]
                                    [--threads N] [--scratch DIR]

            Starts a rollout worker: it joins the cluster NAME through the listed members (any live one will do)
            and samples the rollout shards of runs with rollout.backend = cluster (docs/cluster.md).

              --cluster-name NAME   the cluster's name, as rollout.cluster.name of the runs it serves (required)
              --members LIST        comma-separated HOST:PORT of members to join through (required)
              --port P              first port to listen on, the next ones when taken (default 5701)
              --interface ADDR      address or pattern (10.0.0.*) of the interface to bind to (default 127.0.0.1;
                                    the cluster has no TLS or authentication: keep it on a private network)
              --threads N           PyTorch intra-op threads (default: one per core)
              --scratch DIR         where each weight version's checkpoint is unpacked (default: the temp dir)
            """;

    private WorkerMain() {
    }

    public static void main(String[] args) {
        dev.forkpoint.rollout.logging.QuietLogging.apply();
        int status = run(args, System.out, System.err, null);
        if (status != 0) {
            System.exit(status);
        }
    }

    /**
     * Runs a worker until the JVM is asked to stop ({@code stop} null) or {@code stop} counts down.
     *
     * @return 0, or 2 for a bad command line
     */
    public static int run(String[] args, PrintStream out, PrintStream err, CountDownLatch stop) {
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            out.print(USAGE);
            return 0;
        }
        Map<String, String> flags;
        try {
            flags = parse(args);
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            err.print(USAGE);
            return 2;
        }
        String name = flags.get("cluster-name");
        List<String> members = ClusterSettings.parseMembers(flags.get("members"));
        if (name == null || name.isBlank() || members.isEmpty()) {
            err.println("error: --cluster-name and --members are required");
            err.print(USAGE);
            return 2;
        }
        int port;
        try {
            port = Integer.parseInt(flags.getOrDefault("port", "5701"));
            if (flags.containsKey("threads")) {
                // before the engine loads, which is at the first shard
                DeviceSelection.pinTorchThreads(Integer.parseInt(flags.get("threads")));
            }
        } catch (IllegalArgumentException e) { // NumberFormatException included
            err.println("error: --port and --threads take whole numbers (" + e.getMessage() + ")");
            return 2;
        }
        Path scratch = Path.of(flags.getOrDefault("scratch", System.getProperty("java.io.tmpdir")));
        try {
            Files.createDirectories(scratch);
        } catch (java.io.IOException e) {
            err.println("error: --scratch " + scratch + ": " + e.getMessage());
            return 2;
        }
        HazelcastWorkerNode node = HazelcastWorkerNode.start(name, members, flags.getOrDefault("interface",
                "127.0.0.1"), port, scratch);
        CountDownLatch done = stop != null ? stop : new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            node.close();
            done.countDown();
        }, "forkpoint-worker-shutdown");
        if (stop == null) {
            Runtime.getRuntime().addShutdownHook(hook);
        }
        out.println("forkpoint worker " + node.id() + " ready at " + node.address() + " in cluster '" + name
                + "' (Forkpoint " + ForkpointVersion.get() + ")");
        out.flush();
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (stop != null) {
            node.close();
        }
        return 0;
    }

    private static final Set<String> FLAGS = Set.of("cluster-name", "members", "port", "interface", "threads",
            "scratch");

    private static Map<String, String> parse(String[] args) {
        Map<String, String> flags = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + a + "'");
            }
            String key = a.substring(2);
            String value;
            int eq = key.indexOf('=');
            if (eq >= 0) {
                value = key.substring(eq + 1);
                key = key.substring(0, eq);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException(a + " needs a value");
            }
            if (!FLAGS.contains(key)) {
                throw new IllegalArgumentException("unknown flag --" + key);
            }
            flags.put(key, value);
        }
        return flags;
    }
}
