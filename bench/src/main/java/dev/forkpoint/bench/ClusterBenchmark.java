package dev.forkpoint.bench;

import dev.forkpoint.learner.config.ConfigDocuments;
import dev.forkpoint.learner.config.RunSpec;
import dev.forkpoint.learner.run.RlRun;
import dev.forkpoint.learner.run.StepReport;
import dev.forkpoint.rollout.cluster.ClusterRollout;
import dev.forkpoint.rollout.cluster.WorkerProcess;
import dev.forkpoint.rollout.logging.QuietLogging;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the cluster backend costs and how fast it recovers, on this machine's loopback (docs/cluster.md):
 * <ol>
 *   <li>step time of the reference run (4 layers, d_model 128, countdown, 64 prompts x 8, 32 new tokens, shards of 16
 *       prompts) on the local backend against the cluster backend with one worker JVM that has the cores the local
 *       run's sampler had (the trainer only waits during the rollout);</li>
 *   <li>the same with two worker JVMs of one torch thread each, which on a 2-core machine share the cores with each
 *       other and the trainer's update: labelled as such, not a scaling figure;</li>
 *   <li>weight publish (checkpoint written, put into the cluster) and fetch (got, SHA-256 checked, loaded) in MB/s,
 *       for a 27M-parameter model (8 layers, d_model 512);</li>
 *   <li>the time from a worker's SIGKILL, while it samples a shard, to that shard being sent to the other worker.</li>
 * </ol>
 * Writes {@code bench/results/cluster.json}.
 *
 * <pre>ClusterBenchmark [--steps 4] [--worker-jar rollout-worker/target/rollout-worker-0.1.0-SNAPSHOT-exec.jar]
 *                  [--out bench/results/cluster.json]</pre>
 */
public final class ClusterBenchmark {

    private static final String REFERENCE = """
            {"name": "cluster-bench", "seed": 4, "device": "cpu",
             "model": {"layers": %d, "heads": 4, "dModel": %d, "contextLength": 64},
             "task": {"name": "countdown", "numbers": 3, "maxNumber": 20}, "objective": {"preset": "GRPO"},
             "sampling": {"maxNewTokens": %d},
             "training": {"steps": 100, "promptsPerStep": %d, "groupSize": %d, "miniBatches": 4, "evalEvery": 0},
             "rollout": {"backend": "%s", "cluster": {"name": "%s", "members": "%s", "port": %d, "minWorkers": %d,
                         "shardPrompts": %d, "timeout": 300}}}""";

    private final List<String> workerLaunch;
    private final String cluster = "forkpoint-bench-" + UUID.randomUUID().toString().substring(0, 8);
    private final int[] ports = new int[3];
    private final int trainerPort;

    private ClusterBenchmark(Path workerJar) throws Exception {
        this.workerLaunch = List.of("-jar", workerJar.toAbsolutePath().toString());
        for (int i = 0; i < ports.length; i++) {
            ports[i] = WorkerProcess.freePort();
        }
        trainerPort = WorkerProcess.freePort();
    }

    public static void main(String[] args) throws Exception {
        int steps = 4;
        Path workerJar = Path.of("rollout-worker/target/rollout-worker-0.1.0-SNAPSHOT-exec.jar");
        Path out = Path.of("bench/results/cluster.json");
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--steps" -> steps = Integer.parseInt(args[i + 1]);
                case "--worker-jar" -> workerJar = Path.of(args[i + 1]);
                case "--out" -> out = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; usage: [--steps N] [--worker-jar JAR] [--out FILE]");
            }
        }
        if (!Files.isRegularFile(workerJar)) {
            throw new IllegalArgumentException("--worker-jar " + workerJar + ": not found; build it with mvn -B -q "
                    + "-DskipTests package (the rollout-worker module's -exec jar)");
        }
        QuietLogging.apply();
        ClusterBenchmark b = new ClusterBenchmark(workerJar);
        Map<String, Object> result = new LinkedHashMap<>();
        int cores = Runtime.getRuntime().availableProcessors();
        result.put("machine", Map.of("cores", cores, "java", System.getProperty("java.version")));
        result.put("reference_run", "4 layers, d_model 128, countdown 3 numbers, 64 prompts x 8 samples, 32 new "
                + "tokens, GRPO, shards of 16 prompts (the local backend samples the same shards); mean of " + steps
                + " steps after one warm-up step");

        Map<String, Object> local = b.steps("local", 0, 0, steps);
        Map<String, Object> one = b.steps("cluster", 1, cores, steps);
        double overhead = (double) one.get("step_seconds") / (double) local.get("step_seconds") - 1;
        result.put("local", local);
        result.put("cluster_1_worker", one);
        result.put("cluster_1_worker_added_share_of_step", overhead);
        Map<String, Object> two = b.steps("cluster", 2, 1, steps);
        two.put("label", "two worker JVMs of one torch thread each on this " + cores + "-core machine, sharing the "
                + "cores with each other and with the trainer: not a scaling figure");
        result.put("cluster_2_workers_same_machine", two);
        result.put("weights", b.weights());
        result.put("worker_death", b.death());
        System.out.println(JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build()
                .writeValueAsString(result));
        Files.createDirectories(out.toAbsolutePath().getParent());
        JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build().writeValue(out.toFile(), result);
        System.out.println("wrote " + out);
    }

    private String members(int workers) {
        StringBuilder m = new StringBuilder("127.0.0.1:" + trainerPort);
        for (int i = 0; i < Math.max(workers, 2); i++) {
            m.append(",127.0.0.1:").append(ports[i]);
        }
        return m.toString();
    }

    private RunSpec config(String backend, int layers, int dModel, int newTokens, int prompts, int group, int workers,
                           int shardPrompts) {
        return RunSpec.parse(ConfigDocuments.parseJson(REFERENCE.formatted(layers, dModel, newTokens, prompts, group,
                backend, cluster, members(workers), trainerPort, 1, shardPrompts)));
    }

    private List<WorkerProcess> startWorkers(int n, int threads) throws Exception {
        List<WorkerProcess> started = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            started.add(WorkerProcess.start("worker-" + (i + 1), workerLaunch, cluster, members(n), ports[i], threads));
        }
        for (WorkerProcess w : started) {
            w.awaitReady();
        }
        return started;
    }

    private static void close(List<WorkerProcess> workers) throws InterruptedException {
        for (WorkerProcess w : workers) {
            w.close();
        }
    }

    /** Mean wall time of {@code steps} steps after one warm-up step. */
    private Map<String, Object> steps(String backend, int workers, int threads, int steps) throws Exception {
        List<WorkerProcess> started = workers > 0 ? startWorkers(workers, threads) : List.of();
        try (RlRun run = RlRun.open(config(backend, 4, 128, 32, 64, 8, workers, 16))) {
            run.step();
            double total = 0;
            double rollout = 0;
            double publish = 0;
            long tokens = 0;
            for (int s = 0; s < steps; s++) {
                long t0 = System.nanoTime();
                StepReport r = run.step();
                total += (System.nanoTime() - t0) / 1e9;
                rollout += r.rolloutTime().toNanos() / 1e9;
                publish += r.metrics().getOrDefault("rollout/weight_publish_seconds", 0.0);
                tokens += r.tokensSampled();
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("workers", workers);
            m.put("worker_torch_threads", threads);
            m.put("step_seconds", total / steps);
            m.put("rollout_seconds", rollout / steps);
            m.put("weight_publish_seconds", publish / steps);
            m.put("sampled_tokens_per_s", tokens / rollout);
            System.out.printf("%s, %d workers: %.2f s per step (rollout %.2f s)%n", backend, workers, total / steps,
                    rollout / steps);
            return m;
        } finally {
            close(started);
        }
    }

    /** Publish and fetch of a 27M-parameter model's weights, over three versions. */
    private Map<String, Object> weights() throws Exception {
        List<WorkerProcess> started = startWorkers(1, 2);
        try (RlRun run = RlRun.open(config("cluster", 8, 512, 4, 2, 2, 1, 2))) {
            ClusterRollout backend = (ClusterRollout) run.rolloutBackend();
            List<Double> publish = new ArrayList<>();
            List<Double> fetch = new ArrayList<>();
            for (int s = 0; s < 3; s++) {
                StepReport r = run.step();
                publish.add(r.metrics().get("rollout/weight_publish_seconds"));
                fetch.add(r.metrics().get("rollout/weight_fetch_seconds_max"));
            }
            double mb = backend.publishedBytes() / 1e6;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("megabytes", mb);
            m.put("publish_seconds", publish);
            m.put("fetch_seconds", fetch);
            m.put("publish_mb_per_s", mb / mean(publish));
            m.put("fetch_mb_per_s", mb / mean(fetch));
            m.put("note", "publish = checkpoint written to a temp file, read, SHA-256, put as 1 MiB entries (one "
                    + "backup copy); fetch = entries got, SHA-256 checked, written and loaded into a model on the worker");
            System.out.printf("weights %.1f MB: publish %.1f MB/s, fetch+load %.1f MB/s%n", mb, mb / mean(publish),
                    mb / mean(fetch));
            return m;
        } finally {
            close(started);
        }
    }

    /** SIGKILL of a worker while it samples a shard, to that shard's dispatch to the other worker. */
    private Map<String, Object> death() throws Exception {
        List<WorkerProcess> started = startWorkers(2, 1);
        AtomicReference<String> victimShard = new AtomicReference<>();
        AtomicLong killedAt = new AtomicLong();
        AtomicLong resentAt = new AtomicLong();
        try (RlRun run = RlRun.open(config("cluster", 4, 128, 32, 64, 8, 2, 16))) {
            ClusterRollout backend = (ClusterRollout) run.rolloutBackend();
            run.step(); // both workers have the model
            String victimId = new ArrayList<>(backend.shardsByWorker().keySet()).get(1);
            WorkerProcess victim = null;
            for (WorkerProcess w : started) {
                if (w.awaitReady().equals(victimId)) {
                    victim = w;
                }
            }
            WorkerProcess doomed = victim;
            backend.onDispatch((task, worker, attempt) -> {
                String key = task.step() + "/" + task.genBatch() + "/" + task.shard();
                if (key.equals(victimShard.get()) && killedAt.get() > 0 && resentAt.get() == 0) {
                    resentAt.set(System.nanoTime());
                }
                if (victimShard.get() == null && worker.id().equals(victimId)) {
                    victimShard.set(key);
                    Thread killer = new Thread(() -> {
                        try {
                            Thread.sleep(300); // it is sampling by now
                            doomed.kill();
                            killedAt.set(System.nanoTime());
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    });
                    killer.start();
                }
            });
            StepReport r = run.step();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("requeue_seconds_after_sigkill", (resentAt.get() - killedAt.get()) / 1e9);
            m.put("shard_retries", r.metrics().get("rollout/shard_retries"));
            m.put("note", "from the killed JVM's exit to the shard's dispatch to the other worker (the trainer learns "
                    + "of the death when the worker's TCP connection closes)");
            System.out.printf("worker death: shard re-sent %.3f s after the SIGKILL%n", (resentAt.get()
                    - killedAt.get()) / 1e9);
            return m;
        } finally {
            close(started);
        }
    }

    private static double mean(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }
}
