package dev.forkpoint.learner.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkpoint.learner.config.ConfigDocuments;
import dev.forkpoint.learner.config.RunSpec;
import dev.forkpoint.learner.run.RlRun;
import dev.forkpoint.learner.run.StepReport;
import dev.forkpoint.rollout.cluster.ClusterRollout;
import dev.forkpoint.rollout.cluster.WorkerProcess;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The cluster backend end to end: two rollout workers in their own JVMs on localhost (one torch thread each), a late
 * joiner and a SIGKILL in the middle of a step, against the same run on the local backend: every step's metrics
 * identical.
 */
class ClusterBackendTest {

    private static final int STEPS = 6;
    private static final int LATE_JOIN_STEP = 2;
    private static final int KILL_STEP = 5;

    private static String config(String rollout) {
        return """
                {"name": "cluster-test", "seed": 11,
                 "model": {"layers": 2, "heads": 2, "dModel": 32, "contextLength": 64},
                 "task": {"name": "countdown", "numbers": 3, "maxNumber": 20},
                 "objective": {"preset": "HAPO"},
                 "sampling": {"maxNewTokens": 24},
                 "training": {"steps": %d, "promptsPerStep": 8, "groupSize": 4, "miniBatches": 2,
                              "learningRate": 1e-3, "evalEvery": 3, "evalSize": 16},
                 "rollout": %s}
                """.formatted(STEPS, rollout);
    }

    @Test
    void clusterRunEqualsLocalRunThroughLateJoinAndKilledWorker() throws Exception {
        List<StepReport> local = new ArrayList<>();
        String cluster = "forkpoint-test-" + UUID.randomUUID().toString().substring(0, 8);
        int portA = WorkerProcess.freePort();
        int portB = WorkerProcess.freePort();
        String members = "127.0.0.1:" + portA + ",127.0.0.1:" + portB;
        // The same document but for the backend: the local run samples in shards of the same size.
        String rollout = """
                {"backend": "%s", "cluster": {"name": "%s", "members": "%s", "port": %d, "minWorkers": 1,
                 "shardPrompts": 3, "timeout": 120}}""";
        int trainerPort = WorkerProcess.freePort();
        try (RlRun run = RlRun.open(RunSpec.parse(ConfigDocuments.parseJson(config(rollout.formatted("local", cluster,
                members, trainerPort)))))) {
            for (int s = 0; s < STEPS; s++) {
                local.add(run.step());
            }
        }

        List<StepReport> clustered = new ArrayList<>();
        AtomicReference<WorkerProcess> late = new AtomicReference<>();
        AtomicReference<String> lateId = new AtomicReference<>();
        AtomicBoolean killed = new AtomicBoolean();
        try (WorkerProcess a = WorkerProcess.start("worker-a", cluster, members, portA)) {
            String aId = a.awaitReady();
            try (RlRun run = RlRun.open(RunSpec.parse(ConfigDocuments.parseJson(config(rollout.formatted("cluster",
                    cluster, members, trainerPort)))))) {
                ClusterRollout backend = (ClusterRollout) run.rolloutBackend();
                backend.onDispatch((task, worker, attempt) -> {
                    if (task.step() == KILL_STEP && worker.id().equals(lateId.get()) && !killed.getAndSet(true)) {
                        try {
                            late.get().kill(); // its shard is on the way: the trainer learns it left, not a result
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                });
                for (int s = 1; s <= STEPS; s++) {
                    if (s == LATE_JOIN_STEP + 1) {
                        // joined between steps LATE_JOIN_STEP and LATE_JOIN_STEP + 1: it must get work
                        late.set(WorkerProcess.start("worker-b", cluster, members, portB));
                        lateId.set(late.get().awaitReady());
                        waitForWorkers(backend, 2);
                    }
                    clustered.add(run.step());
                }
                Map<String, Integer> served = backend.shardsByWorker();
                System.out.println("shards per worker: " + served);
                assertTrue(served.getOrDefault(lateId.get(), 0) > 0, "the late worker sampled no shard: " + served);
                assertTrue(served.getOrDefault(aId, 0) > 0, "worker a sampled no shard: " + served);
            } finally {
                if (late.get() != null) {
                    late.get().close();
                }
            }
        }
        assertTrue(killed.get(), "the late worker was never sent a shard of step " + KILL_STEP);
        for (int s = 0; s < STEPS; s++) {
            assertEquals(comparable(local.get(s)), comparable(clustered.get(s)), "step " + (s + 1));
            int step = s + 1;
            double workers = step > LATE_JOIN_STEP && step < KILL_STEP ? 2 : 1;
            assertEquals(workers, clustered.get(s).metrics().get("rollout/workers"), "step " + step + " workers");
        }
        double retries = clustered.get(KILL_STEP - 1).metrics().get("rollout/shard_retries");
        assertTrue(retries >= 1, "step " + KILL_STEP + " shows no retry: " + clustered.get(KILL_STEP - 1).metrics());
    }

    /** Every metric but timings and the cluster's own counters, which differ between backends by nature. */
    private static Map<String, Double> comparable(StepReport r) {
        Map<String, Double> m = new TreeMap<>(r.metrics());
        m.keySet().removeIf(k -> k.startsWith("timing/") || k.startsWith("rollout/workers")
                || k.startsWith("rollout/shard_retries") || k.startsWith("rollout/weight_")
                || k.startsWith("rollout/worker_seconds"));
        m.put("report/reward", r.reward());
        m.put("report/accuracy", r.accuracy());
        m.put("report/entropy", r.entropy());
        m.put("report/eval", r.evalAccuracy());
        return m;
    }

    private static void waitForWorkers(ClusterRollout backend, int n) throws InterruptedException {
        long end = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < end) {
            if (backend.workerCount() >= n) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("fewer than " + n + " workers after 60 s");
    }
}
