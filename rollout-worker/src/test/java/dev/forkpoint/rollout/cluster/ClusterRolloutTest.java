package dev.forkpoint.rollout.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.forkpoint.rollout.batch.LocalRollout;
import dev.forkpoint.rollout.batch.RolloutBatch;
import dev.forkpoint.rollout.batch.RolloutCall;
import dev.forkpoint.rollout.batch.RolloutWorker;
import dev.forkpoint.rollout.checkpoint.CheckpointFiles;
import dev.forkpoint.rollout.checkpoint.PolicyCheckpoint;
import dev.forkpoint.rollout.policy.DecoderTransformer;
import dev.forkpoint.rollout.policy.ModelConfig;
import dev.forkpoint.rollout.sampler.AdaptiveTemperature;
import dev.forkpoint.rollout.sampler.SamplingConfig;
import dev.forkpoint.rollout.task.Task;
import dev.forkpoint.rollout.task.Tasks;
import dev.forkpoint.rollout.tokenizer.BuiltinTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ClusterRollout}'s scheduling against an in-process cluster whose workers are real {@link ShardRunner}s
 * (their own policy loaded from the published bytes) and whose failures are scripted: the joined batch must be the
 * local rollout's, bit for bit, whatever fails on the way. The two-JVM Hazelcast run is learner's
 * {@code ClusterBackendTest}.
 */
class ClusterRolloutTest {

    private static final String TASK = "{\"name\": \"countdown\", \"numbers\": 3, \"maxNumber\": 20}";
    private static DecoderTransformer policy;
    private static BuiltinTokenizer tokenizer;
    private static RolloutWorker local;
    private static AdaptiveTemperature temperature;

    @TempDir
    Path scratch;

    @BeforeAll
    static void model() {
        tokenizer = new BuiltinTokenizer();
        policy = DecoderTransformer.initialize(new ModelConfig(tokenizer.vocabSize(), 2, 2, 32, 64, 4), 5,
                Device.cpu());
        Task task = Tasks.create(Tasks.parse(TASK));
        local = new RolloutWorker(policy, tokenizer, task);
        // HAPO's rule with fitted statistics, so that the statistics must travel with the shard
        temperature = new AdaptiveTemperature(1.0, 0.3, 0.5);
        temperature.update(new float[][] {{0.1f, 0.9f, 2.0f}, {0.5f, 1.5f}});
    }

    @AfterAll
    static void close() {
        policy.close();
    }

    private static RolloutCall call(int prompts) {
        SamplingConfig s = new SamplingConfig(20, tokenizer.stopIds(), tokenizer.padId(), 1.0, 77, true);
        return new RolloutCall(3, 0, 2, 40, prompts, 3, s, temperature);
    }

    /** The local backend's batch with the same shard size. */
    private static RolloutBatch localBatch(int prompts, int shardPrompts) {
        try (NDManager m = NDManager.newBaseManager()) {
            return new LocalRollout(local, shardPrompts).rollout(call(prompts), m);
        }
    }

    private ClusterRollout backend(FakeCluster cluster, int shardPrompts, Duration timeout) {
        ClusterSettings settings = new ClusterSettings("test", List.of("127.0.0.1:1"), "127.0.0.1", 5701, 1,
                shardPrompts, timeout, null);
        return new ClusterRollout(cluster, settings, "run-1", TASK, "cpu", local,
                file -> PolicyCheckpoint.save(file, policy, tokenizer), scratch.resolve("trainer"));
    }

    private static RolloutBatch sample(ClusterRollout backend, int prompts) {
        try (NDManager m = NDManager.newBaseManager()) {
            return backend.rollout(call(prompts), m);
        }
    }

    static void assertSameBatch(RolloutBatch expected, RolloutBatch actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.promptIds()[i], actual.promptIds()[i], "row " + i);
            assertArrayEquals(expected.responseIds()[i], actual.responseIds()[i], "row " + i);
            assertArrayEquals(expected.oldLogProbs()[i], actual.oldLogProbs()[i], "row " + i);
            assertArrayEquals(expected.oldEntropies()[i], actual.oldEntropies()[i], "row " + i);
            assertArrayEquals(expected.temperatures()[i], actual.temperatures()[i], "row " + i);
        }
        assertArrayEquals(expected.groups(), actual.groups());
        assertArrayEquals(expected.problemIds(), actual.problemIds());
        assertArrayEquals(expected.scores(), actual.scores());
        assertArrayEquals(expected.correct(), actual.correct());
        assertArrayEquals(expected.finishReasons(), actual.finishReasons());
    }

    @Test
    void shardsOfUnevenSizeOnTwoWorkersJoinToTheLocalRollout() {
        FakeCluster cluster = new FakeCluster(scratch, "a", "b");
        try (ClusterRollout backend = backend(cluster, 3, Duration.ofSeconds(60))) {
            assertSameBatch(localBatch(7, 3), sample(backend, 7));
            assertEquals(3, cluster.calls.get());
            Map<String, Double> m = backend.drainMetrics();
            assertEquals(2.0, m.get("rollout/workers"));
            assertEquals(0.0, m.get("rollout/shard_retries"));
            assertTrue(m.get("rollout/worker_seconds_max") > 0);
            assertEquals(1, cluster.publishes.get(), "published once for one version");
        }
    }

    @Test
    void withoutAShardSizeABatchIsOneShardAndTheUnshardedLocalRollout() {
        FakeCluster cluster = new FakeCluster(scratch, "a", "b");
        try (ClusterRollout backend = backend(cluster, 0, Duration.ofSeconds(60));
             NDManager m = NDManager.newBaseManager()) {
            RolloutCall c = call(5);
            assertSameBatch(local.rollout(c.cursor(), c.prompts(), c.groupSize(), c.sampling(), c.temperature(), m),
                    sample(backend, 5));
            assertEquals(1, cluster.calls.get());
        }
    }

    @Test
    void aShardWhoseWorkerLeavesIsSampledByAnother() {
        FakeCluster cluster = new FakeCluster(scratch, "a", "b");
        cluster.script.put("b", FakeCluster.Behaviour.LEAVE);
        try (ClusterRollout backend = backend(cluster, 2, Duration.ofSeconds(60))) {
            assertSameBatch(localBatch(6, 2), sample(backend, 6));
            assertEquals(1.0, backend.drainMetrics().get("rollout/shard_retries"));
            assertEquals(Map.of("a", 3), backend.shardsByWorker());
        }
    }

    @Test
    void aSlowShardIsSentAgainAndItsLateDuplicateDropped() {
        FakeCluster cluster = new FakeCluster(scratch, "slow", "fast");
        cluster.delayMillis.put("slow", 3000L);
        try (ClusterRollout backend = backend(cluster, 2, Duration.ofSeconds(1))) {
            assertSameBatch(localBatch(4, 2), sample(backend, 4));
            assertTrue(backend.drainMetrics().get("rollout/shard_retries") >= 1);
            assertEquals(Map.of("fast", 2), backend.shardsByWorker());
        }
    }

    @Test
    void tooFewWorkersFailTheRolloutAfterTheTimeoutAndSaySoMeanwhile() {
        FakeCluster cluster = new FakeCluster(scratch);
        List<String> status = new ArrayList<>();
        try (ClusterRollout backend = backend(cluster, 2, Duration.ofSeconds(1))) {
            backend.onStatus(status::add);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> sample(backend, 4));
            assertTrue(e.getMessage().startsWith("rollout.cluster.timeout = 1 s: only 0 of rollout.cluster.minWorkers"
                    + " = 1 rollout workers joined cluster 'test'"), e.getMessage());
            assertTrue(status.get(0).startsWith("waiting for rollout workers: 0 of rollout.cluster.minWorkers = 1"),
                    status.toString());
        }
    }

    @Test
    void aStopRequestEndsTheWaitForWorkers() {
        FakeCluster cluster = new FakeCluster(scratch);
        try (ClusterRollout backend = backend(cluster, 2, Duration.ofSeconds(60))) {
            backend.stopWhen(() -> true);
            assertThrows(RolloutStopped.class, () -> sample(backend, 4));
        }
    }

    @Test
    void anErrorOfTheShardItselfFailsTheRolloutAfterThreeAttempts() {
        FakeCluster cluster = new FakeCluster(scratch, "a", "b");
        cluster.script.put("a", FakeCluster.Behaviour.ERROR_ALWAYS);
        cluster.script.put("b", FakeCluster.Behaviour.ERROR_ALWAYS);
        try (ClusterRollout backend = backend(cluster, 2, Duration.ofSeconds(60))) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> sample(backend, 2));
            assertTrue(e.getMessage().contains("shard 0") && e.getMessage().contains("verifier exploded"),
                    e.getMessage());
            assertEquals(ClusterRollout.MAX_FAILURES, cluster.calls.get());
        }
    }

    @Test
    void weightsLostFromTheClusterArePublishedAgain() {
        FakeCluster cluster = new FakeCluster(scratch, "a");
        cluster.loseWeightsOnce = true;
        try (ClusterRollout backend = backend(cluster, 2, Duration.ofSeconds(60))) {
            assertSameBatch(localBatch(4, 2), sample(backend, 4));
            assertEquals(2, cluster.publishes.get());
        }
    }

    @Test
    void withASharedWeightsPathOnlyThePathTravelsAndOldVersionsGo() throws Exception {
        FakeCluster cluster = new FakeCluster(scratch, "a", "b");
        Path shared = scratch.resolve("shared");
        ClusterSettings settings = new ClusterSettings("test", List.of("127.0.0.1:1"), "127.0.0.1", 5701, 1, 2,
                Duration.ofSeconds(60), shared.toString());
        try (ClusterRollout backend = new ClusterRollout(cluster, settings, "run-1", TASK, "cpu", local,
                file -> PolicyCheckpoint.save(file, policy, tokenizer), scratch.resolve("trainer"));
             NDManager m = NDManager.newBaseManager()) {
            assertSameBatch(localBatch(4, 2), backend.rollout(call(4), m));
            assertEquals(0, cluster.publishes.get(), "nothing went through the cluster's store");
            RolloutCall next = new RolloutCall(4, 0, 3, 40, 4, 3, call(4).sampling(), temperature);
            backend.rollout(next, m);
            try (var files = Files.list(shared.resolve("run-1"))) {
                assertEquals(List.of("weights-v000003.fpckpt"), files.map(f -> f.getFileName().toString()).toList());
            }
        }
        assertTrue(Files.notExists(shared.resolve("run-1")), "a closed run leaves no weights behind");
    }

    @Test
    void aWorkerRefusesAShardFromAnotherBuild() throws Exception {
        ShardRunner runner = new ShardRunner("w", (m, i) -> null, scratch);
        ShardTask t = new ShardTask("0.0.1-other", "run", 1, 0, 0, new WeightManifest("run", 0, 1, 1, "x", null),
                TASK, "cpu", 0, 0, 1, 2, 10, call(1).sampling(), TemperatureSpec.of(temperature));
        IncompatibleVersionException e = assertThrows(IncompatibleVersionException.class, () -> runner.run(t));
        assertTrue(e.getMessage().contains("from a trainer of Forkpoint 0.0.1-other"), e.getMessage());
    }

    @Test
    void aWorkerRefusesWeightsWhoseHashDiffers() throws Exception {
        Path file = scratch.resolve("w.fpckpt");
        PolicyCheckpoint.save(file, policy, tokenizer);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 1] ^= 1;
        byte[] tampered = bytes;
        ShardRunner runner = new ShardRunner("w", (m, i) -> tampered, scratch);
        ShardTask t = new ShardTask(ForkpointVersion.get(), "run", 1, 0, 0,
                new WeightManifest("run", 0, 1, bytes.length, CheckpointFiles.sha256(file), null), TASK, "cpu", 0, 0, 1,
                2, 10, call(1).sampling(), TemperatureSpec.of(temperature));
        WeightsUnavailableException e = assertThrows(WeightsUnavailableException.class, () -> runner.run(t));
        assertTrue(e.getMessage().contains("published as"), e.getMessage());
    }

    /** Workers in this JVM, each a {@link ShardRunner} of its own, on a thread of their own, with scripted faults. */
    static final class FakeCluster implements RolloutCluster {

        enum Behaviour { NORMAL, LEAVE, ERROR_ALWAYS }

        final List<Worker> workers = new ArrayList<>();
        final Map<String, ShardRunner> runners = new ConcurrentHashMap<>();
        final Map<String, Behaviour> script = new ConcurrentHashMap<>();
        final Map<String, Long> delayMillis = new ConcurrentHashMap<>();
        final Map<String, byte[]> store = new ConcurrentHashMap<>();
        final AtomicInteger calls = new AtomicInteger();
        final AtomicInteger publishes = new AtomicInteger();
        final ExecutorService pool = Executors.newCachedThreadPool();
        volatile boolean loseWeightsOnce;

        FakeCluster(Path scratch, String... ids) {
            for (String id : ids) {
                workers.add(new Worker(id, id + ":1"));
                runners.put(id, new ShardRunner(id, (m, i) -> {
                    if (loseWeightsOnce) {
                        loseWeightsOnce = false;
                        return null;
                    }
                    return store.get(m.chunkKey(i));
                }, scratch));
            }
        }

        @Override
        public synchronized List<Worker> workers() {
            return List.copyOf(workers);
        }

        @Override
        public void submit(Worker worker, ShardTask task, BiConsumer<ShardResult, Throwable> done) {
            calls.incrementAndGet();
            pool.submit(() -> {
                Behaviour b = script.getOrDefault(worker.id(), Behaviour.NORMAL);
                if (b == Behaviour.LEAVE) {
                    synchronized (this) {
                        workers.remove(worker);
                    }
                    done.accept(null, new WorkerLeft());
                    return;
                }
                if (b == Behaviour.ERROR_ALWAYS) {
                    done.accept(null, new IllegalArgumentException("verifier exploded"));
                    return;
                }
                try {
                    Thread.sleep(delayMillis.getOrDefault(worker.id(), 0L));
                    done.accept(runners.get(worker.id()).run(task), null);
                } catch (Throwable t) {
                    done.accept(null, t);
                }
            });
        }

        @Override
        public void publish(WeightManifest manifest, byte[] checkpoint) {
            publishes.incrementAndGet();
            int size = (int) ((manifest.bytes() + manifest.chunks() - 1) / manifest.chunks());
            for (int i = 0; i < manifest.chunks(); i++) {
                int from = Math.min(checkpoint.length, i * size);
                int to = Math.min(checkpoint.length, (i + 1) * size);
                store.put(manifest.chunkKey(i), java.util.Arrays.copyOfRange(checkpoint, from, to));
            }
        }

        @Override
        public void retire(String runId) {
            store.keySet().removeIf(k -> k.startsWith(runId + "/"));
        }

        @Override
        public boolean isWorkerLoss(Throwable failure) {
            return failure instanceof WorkerLeft;
        }

        @Override
        public String describe() {
            return "fake";
        }

        @Override
        public void close() {
            pool.shutdownNow();
            runners.values().forEach(ShardRunner::close);
        }

        static final class WorkerLeft extends RuntimeException {
        }
    }
}
