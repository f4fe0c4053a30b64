package dev.forkpoint.rollout.cluster;

import java.util.List;
import java.util.function.BiConsumer;

/**
 * The trainer's side of a cluster engine: which rollout workers are there, run a shard on one, and publish weights
 * where workers fetch them. {@link ClusterRollout} schedules, retries and checks on top of it and knows nothing of
 * the engine; Hazelcast's implementation is {@code hazelcast.HazelcastRolloutCluster}, and another engine would be
 * one more implementation of this interface and of the worker's {@link ShardRunner.WeightStore}.
 */
public interface RolloutCluster extends AutoCloseable {

    /** A worker process. {@code id} is unique for the process's lifetime (a restarted worker gets a new one). */
    record Worker(String id, String address) {}

    /** The workers of this build now members of the cluster; workers of other builds are left out (and logged). */
    List<Worker> workers();

    /**
     * Sends {@code task} to {@code worker}; {@code done} is called once, on another thread, with the result or with
     * why there is none (the worker left: {@link #isWorkerLoss}; or its error).
     */
    void submit(Worker worker, ShardTask task, BiConsumer<ShardResult, Throwable> done);

    /**
     * Stores a run's checkpoint bytes as version {@code manifest.version()} in {@code manifest.chunks()} chunks,
     * then removes the run's older versions.
     */
    void publish(WeightManifest manifest, byte[] checkpoint);

    /** Removes every stored version of {@code runId}. */
    void retire(String runId);

    /** True when {@code failure} says the worker left the cluster (its shard is retried without counting a failure). */
    boolean isWorkerLoss(Throwable failure);

    /** One line for logs and health: the cluster's name, members and workers. */
    String describe();

    @Override
    void close();
}
