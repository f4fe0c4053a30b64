package dev.forkpoint.rollout.batch;

import ai.djl.ndarray.NDManager;
import java.util.Map;

/**
 * Where a run's training rollouts are sampled: in the trainer's own JVM ({@link LocalRollout}) or on rollout workers
 * of a cluster ({@code dev.forkpoint.rollout.cluster.ClusterRollout}). Every backend gives, for the same call and
 * policy, the same batch token for token and bit for bit, so the backend is a deployment choice, not a change of the
 * run. Used by one thread.
 */
public interface RolloutBackend extends AutoCloseable {

    /** The scored responses of {@code call}; arrays live in a sub-manager of {@code manager}, closed before returning. */
    RolloutBatch rollout(RolloutCall call, NDManager manager);

    /**
     * What the backend measured since the previous call (workers, retries, weight publishing), as step metrics;
     * empty for a backend with nothing to report.
     */
    Map<String, Double> drainMetrics();

    @Override
    void close();
}
