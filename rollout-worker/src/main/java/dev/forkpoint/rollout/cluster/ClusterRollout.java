package dev.forkpoint.rollout.cluster;

import ai.djl.ndarray.NDManager;
import dev.forkpoint.rollout.batch.RolloutBackend;
import dev.forkpoint.rollout.batch.RolloutBatch;
import dev.forkpoint.rollout.batch.RolloutCall;
import dev.forkpoint.rollout.batch.RolloutWorker;
import dev.forkpoint.rollout.checkpoint.CheckpointFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code rollout.backend = cluster}: a generation batch cut into shards of whole prompt groups, sampled by the
 * cluster's rollout workers, joined in order. Each shard carries the whole batch's seed, row offset and prompt width,
 * so the joined batch is bit for bit the one {@code rollout.backend = local} samples with the same shard size
 * ({@link dev.forkpoint.rollout.batch.LocalRollout}).
 *
 * <p>Scheduling: one shard per idle worker at a time, so a fast worker takes more shards and a late joiner gets the
 * next free one. A shard whose worker leaves, errs or exceeds {@code timeout} goes back to the front of the queue for
 * another worker; the first result of a shard wins and a late duplicate is dropped, so no row is lost or counted
 * twice. With fewer than {@code minWorkers} workers nothing is sent; after {@code timeout} of that the rollout fails
 * with the reason. A shard that fails {@link #MAX_FAILURES} times with an error of its own (not a worker leaving)
 * fails the rollout with that error: it would fail anywhere.
 *
 * <p>Weights: before the first shard of a new weight version the trainer's policy is written as a checkpoint and
 * published once ({@link RolloutCluster#publish}, or a file under {@code weightsPath}); workers load it on their
 * first shard of that version.
 */
public final class ClusterRollout implements RolloutBackend {

    private static final Logger log = LoggerFactory.getLogger(ClusterRollout.class);
    /** Chunk size of published weights: large enough for throughput, small enough to spread over members. */
    static final int CHUNK_BYTES = 1 << 20;
    static final int MAX_FAILURES = 3;
    private static final long POLL_MILLIS = 50;

    /** Writes the trainer's current policy as a checkpoint file. */
    public interface WeightSource {
        void write(Path file);
    }

    /** Sees every shard sent, before it is sent (tests; logs). */
    public interface DispatchListener {
        void dispatched(ShardTask task, RolloutCluster.Worker worker, int attempt);
    }

    private record Completion(long rollout, int shard, RolloutCluster.Worker worker, ShardResult result,
                              Throwable failure) {}

    private record Attempt(int shard, RolloutCluster.Worker worker, long startedNanos) {}

    private final RolloutCluster cluster;
    private final ClusterSettings settings;
    private final String runId;
    private final String taskJson;
    private final String device;
    private final RolloutWorker local;
    private final WeightSource weights;
    private final Path scratch;
    private final BlockingQueue<Completion> completions = new LinkedBlockingQueue<>();
    private final Map<String, Integer> shardsByWorker = new LinkedHashMap<>();

    private DispatchListener listener = (t, w, a) -> { };
    private Consumer<String> status = s -> { };
    private java.util.function.BooleanSupplier stop = () -> false;
    private WeightManifest published;
    private long rolloutCounter;
    private int lastWorkerCount = -1;
    private final Set<String> knownWorkers = new HashSet<>();

    // metrics since the last drain
    private int retries;
    private double publishSeconds;
    private double workerSecondsMax;
    private double fetchSecondsMax;

    /**
     * @param local    the trainer's own worker: only its prompt encoding is used (each batch's prompt width)
     * @param weights  writes the current policy when a new version is published
     * @param scratch  directory for the trainer's temporary checkpoint files
     */
    public ClusterRollout(RolloutCluster cluster, ClusterSettings settings, String runId, String taskJson,
                          String device, RolloutWorker local, WeightSource weights, Path scratch) {
        this.cluster = cluster;
        this.settings = settings;
        this.runId = runId;
        this.taskJson = taskJson;
        this.device = device;
        this.local = local;
        this.weights = weights;
        this.scratch = scratch;
    }

    public void onDispatch(DispatchListener l) {
        this.listener = l == null ? (t, w, a) -> { } : l;
    }

    /** Receives a line while the rollout waits for workers, and null once it no longer waits. */
    public void onStatus(Consumer<String> s) {
        this.status = s == null ? x -> { } : s;
    }

    /** Asked while the rollout waits for workers: true ends the wait with {@link RolloutStopped}. */
    public void stopWhen(java.util.function.BooleanSupplier s) {
        this.stop = s == null ? () -> false : s;
    }

    /** Shards sampled so far per worker id, in order of first result. */
    public synchronized Map<String, Integer> shardsByWorker() {
        return new LinkedHashMap<>(shardsByWorker);
    }

    @Override
    public RolloutBatch rollout(RolloutCall call, NDManager manager) {
        // Weights live on the workers: none can be published before one is there.
        awaitWorkers(call.step());
        WeightManifest w;
        try {
            w = publish(call.weightVersion(), false);
        } catch (RuntimeException e) {
            log.warn("publishing weights v{} failed ({}); waiting for workers and publishing again",
                    call.weightVersion(), e.toString());
            awaitWorkers(call.step());
            w = publish(call.weightVersion(), true);
        }
        int width = local.promptWidth(call.cursor(), call.prompts());
        int per = settings.shardPrompts() > 0 ? settings.shardPrompts() : call.prompts();
        int n = (call.prompts() + per - 1) / per;
        ShardTask[] tasks = new ShardTask[n];
        for (int s = 0; s < n; s++) {
            int first = s * per;
            tasks[s] = new ShardTask(ForkpointVersion.get(), runId, call.step(), call.genBatch(), s, w, taskJson,
                    device, call.cursor(), first, Math.min(per, call.prompts() - first), call.groupSize(), width,
                    call.sampling(), TemperatureSpec.of(call.temperature()));
        }
        RolloutBatch[] results = collect(tasks);
        RolloutBatch joined = results[0];
        for (int s = 1; s < n; s++) {
            joined = joined.concat(results[s]);
        }
        return joined;
    }

    /** Returns once {@code minWorkers} workers are members, or fails after the timeout, or stops on request. */
    private void awaitWorkers(int step) {
        long waitingSince = -1;
        while (true) {
            List<RolloutCluster.Worker> workers = cluster.workers();
            noteWorkers(workers);
            if (workers.size() >= settings.minWorkers()) {
                if (waitingSince >= 0) {
                    status.accept(null);
                    log.info("{} rollout workers in cluster '{}': rollout continues", workers.size(), settings.name());
                }
                return;
            }
            long now = System.nanoTime();
            if (waitingSince < 0) {
                waitingSince = now;
                reportWaiting(workers.size(), step);
            }
            checkWait(workers.size(), step, now - waitingSince);
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("rollout interrupted", e);
            }
        }
    }

    private void reportWaiting(int workers, int step) {
        String line = String.format(Locale.ROOT, "waiting for rollout workers: %d of rollout.cluster.minWorkers = %d "
                        + "in cluster '%s' (step %d); the run fails after %d s", workers, settings.minWorkers(),
                settings.name(), step, settings.timeout().toSeconds());
        log.warn(line);
        status.accept(line);
    }

    /** Ends a wait for workers that was asked to stop or has lasted {@code timeout}. */
    private void checkWait(int workers, int step, long waitedNanos) {
        if (stop.getAsBoolean()) {
            status.accept(null);
            throw new RolloutStopped("step " + step + " stopped on request while waiting for rollout workers");
        }
        if (waitedNanos > settings.timeout().toNanos()) {
            status.accept(null);
            throw new IllegalStateException(String.format(Locale.ROOT, "rollout.cluster.timeout = %d s: only %d of "
                            + "rollout.cluster.minWorkers = %d rollout workers joined cluster '%s' (members %s) in that "
                            + "time, at step %d", settings.timeout().toSeconds(), workers, settings.minWorkers(),
                    settings.name(), settings.members(), step));
        }
    }

    private RolloutBatch[] collect(ShardTask[] tasks) {
        long rollout = ++rolloutCounter;
        int n = tasks.length;
        RolloutBatch[] results = new RolloutBatch[n];
        int[] failures = new int[n];
        int missing = n;
        Deque<Integer> pending = new ArrayDeque<>();
        for (int s = 0; s < n; s++) {
            pending.add(s);
        }
        Map<String, Attempt> busy = new HashMap<>();
        long timeoutNanos = settings.timeout().toNanos();
        while (missing > 0) {
            List<RolloutCluster.Worker> workers = cluster.workers();
            noteWorkers(workers);
            if (workers.size() < settings.minWorkers()) {
                // Nothing is sent meanwhile; completions that arrive wait in the queue until the wait ends.
                awaitWorkers(tasks[0].step());
                continue;
            }
            long now = System.nanoTime();
            for (RolloutCluster.Worker worker : workers) {
                Integer next = busy.containsKey(worker.id()) ? null : nextPending(pending, results);
                if (next != null) {
                    int attempt = failures[next] + 1;
                    busy.put(worker.id(), new Attempt(next, worker, now));
                    listener.dispatched(tasks[next], worker, attempt);
                    int shard = next;
                    cluster.submit(worker, tasks[next], (r, e) -> completions.add(
                            new Completion(rollout, shard, worker, r, e)));
                }
            }
            // Shards out longer than the timeout go to another worker too; whichever answers first wins.
            for (Attempt a : busy.values()) {
                if (now - a.startedNanos() > timeoutNanos && results[a.shard()] == null
                        && !pending.contains(a.shard()) && !othersOn(busy, a.shard(), a.worker().id())) {
                    retries++;
                    log.warn("{} took more than rollout.cluster.timeout = {} s on worker {}: sent to another worker",
                            tasks[a.shard()].describe(), settings.timeout().toSeconds(), a.worker().id());
                    pending.addFirst(a.shard());
                }
            }
            Completion c;
            try {
                c = completions.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("rollout interrupted", e);
            }
            for (; c != null; c = completions.poll()) {
                if (c.rollout() != rollout) {
                    continue; // a straggler of an earlier rollout, already replaced
                }
                Attempt a = busy.get(c.worker().id());
                if (a != null && a.shard() == c.shard()) {
                    busy.remove(c.worker().id());
                }
                if (c.failure() == null) {
                    if (results[c.shard()] == null) {
                        results[c.shard()] = c.result().batch();
                        missing--;
                        pending.remove(c.shard());
                        workerSecondsMax = Math.max(workerSecondsMax, c.result().seconds());
                        fetchSecondsMax = Math.max(fetchSecondsMax, c.result().fetchSeconds());
                        synchronized (this) {
                            shardsByWorker.merge(c.result().worker(), 1, Integer::sum);
                        }
                    } else {
                        log.debug("{}: late duplicate from {} dropped", tasks[c.shard()].describe(), c.worker().id());
                    }
                    continue;
                }
                if (results[c.shard()] != null) {
                    continue; // another attempt already delivered it
                }
                Throwable cause = rootCause(c.failure());
                retries++;
                if (cluster.isWorkerLoss(c.failure())) {
                    log.warn("{}: worker {} left the cluster; the shard goes to another worker",
                            tasks[c.shard()].describe(), c.worker().id());
                } else if (cause instanceof WeightsUnavailableException) {
                    log.warn("{}: {}; publishing the weights again", tasks[c.shard()].describe(), cause.getMessage());
                    publish(tasks[c.shard()].weights().version(), true);
                } else if (++failures[c.shard()] >= MAX_FAILURES || cause instanceof IncompatibleVersionException) {
                    throw new IllegalStateException(tasks[c.shard()].describe() + " failed on worker "
                            + c.worker().id() + ": " + cause, cause);
                } else {
                    log.warn("{} failed on worker {} (attempt {} of {}): {}", tasks[c.shard()].describe(),
                            c.worker().id(), failures[c.shard()], MAX_FAILURES, cause.toString());
                }
                if (!pending.contains(c.shard()) && !othersOn(busy, c.shard(), c.worker().id())) {
                    pending.addFirst(c.shard());
                }
            }
        }
        return results;
    }

    private static Integer nextPending(Deque<Integer> pending, RolloutBatch[] results) {
        while (!pending.isEmpty()) {
            int s = pending.poll();
            if (results[s] == null) {
                return s;
            }
        }
        return null;
    }

    /** Whether a worker other than {@code workerId} is sampling {@code shard}. */
    private static boolean othersOn(Map<String, Attempt> busy, int shard, String workerId) {
        for (Attempt b : busy.values()) {
            if (b.shard() == shard && !b.worker().id().equals(workerId)) {
                return true;
            }
        }
        return false;
    }

    private void noteWorkers(List<RolloutCluster.Worker> workers) {
        if (workers.size() != lastWorkerCount) {
            List<String> joined = new ArrayList<>();
            for (RolloutCluster.Worker w : workers) {
                if (knownWorkers.add(w.id())) {
                    joined.add(w.id() + "@" + w.address());
                }
            }
            log.info("cluster '{}': {} rollout workers{}", settings.name(), workers.size(),
                    joined.isEmpty() ? "" : " (joined: " + String.join(", ", joined) + ")");
            lastWorkerCount = workers.size();
        }
    }

    private static Throwable rootCause(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c && !(c instanceof WeightsUnavailableException)
                && !(c instanceof IncompatibleVersionException)) {
            c = c.getCause();
        }
        return c;
    }

    /** Publishes {@code version} unless it is the published one ({@code again}: publish it anyway). */
    private WeightManifest publish(long version, boolean again) {
        if (!again && published != null && published.version() == version) {
            return published;
        }
        long t0 = System.nanoTime();
        try {
            Files.createDirectories(scratch);
            if (settings.weightsPath() != null) {
                Path dir = Path.of(settings.weightsPath()).resolve(runId);
                Files.createDirectories(dir);
                Path file = dir.resolve(String.format(Locale.ROOT, "weights-v%06d.fpckpt", version));
                weights.write(file); // atomic: a worker sees the whole file or none
                published = new WeightManifest(runId, version, 0, Files.size(file), CheckpointFiles.sha256(file),
                        file.toAbsolutePath().toString());
                try (var old = Files.list(dir)) {
                    for (Path p : old.toList()) {
                        if (!p.equals(file) && p.getFileName().toString().startsWith("weights-v")) {
                            Files.deleteIfExists(p);
                        }
                    }
                }
            } else {
                Path file = Files.createTempFile(scratch, "publish-", ".fpckpt");
                try {
                    weights.write(file);
                    byte[] bytes = Files.readAllBytes(file);
                    String sha = CheckpointFiles.sha256(bytes);
                    int chunks = Math.max(1, (bytes.length + CHUNK_BYTES - 1) / CHUNK_BYTES);
                    published = new WeightManifest(runId, version, chunks, bytes.length, sha, null);
                    cluster.publish(published, bytes);
                } finally {
                    Files.deleteIfExists(file);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("publishing run " + runId + " weights v" + version, e);
        }
        double s = (System.nanoTime() - t0) / 1e9;
        publishSeconds += s;
        log.info(String.format(Locale.ROOT, "published run %s weights v%d: %.1f MB in %.2f s", runId, version,
                published.bytes() / 1e6, s));
        return published;
    }

    /** Size of the last published weight version in bytes (0 before the first). */
    public long publishedBytes() {
        return published == null ? 0 : published.bytes();
    }

    /** Compatible rollout workers in the cluster now. */
    public int workerCount() {
        return cluster.workers().size();
    }

    @Override
    public Map<String, Double> drainMetrics() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("rollout/workers", (double) cluster.workers().size());
        m.put("rollout/shard_retries", (double) retries);
        m.put("rollout/weight_publish_seconds", publishSeconds);
        m.put("rollout/worker_seconds_max", workerSecondsMax);
        m.put("rollout/weight_fetch_seconds_max", fetchSecondsMax);
        retries = 0;
        fetchSecondsMax = 0;
        publishSeconds = 0;
        workerSecondsMax = 0;
        return m;
    }

    @Override
    public void close() {
        try {
            cluster.retire(runId);
        } catch (RuntimeException e) {
            log.warn("cluster '{}': removing run {}'s weights: {}", settings.name(), runId, e.toString());
        }
        cluster.close();
        if (settings.weightsPath() != null) {
            Path dir = Path.of(settings.weightsPath()).resolve(runId);
            try (var old = Files.list(dir)) {
                for (Path p : old.toList()) {
                    Files.deleteIfExists(p);
                }
                Files.deleteIfExists(dir);
            } catch (IOException e) {
                log.debug("removing {}: {}", dir, e.toString());
            }
        }
    }
}
