package dev.forkpoint.learner.run;

import dev.forkpoint.rollout.batch.RolloutBatch;
import dev.forkpoint.rollout.tokenizer.Tokenizer;

/**
 * Sees the per-token entropies of each training step, for analytics, without {@link RlRun}
 * depending on who listens. Called on the training thread; an exception thrown here fails the step (and so the
 * run) on purpose: a statistic is never dropped silently.
 */
public interface StepObserver extends AutoCloseable {

    /**
     * After the rollout of {@code step}: every response drawn this step (all generation batches of dynamic
     * sampling), with {@code H_old} per generated token, token ids, outcome and problem id.
     */
    void rollout(int step, RolloutBatch drawn, Tokenizer tokenizer) throws Exception;

    /**
     * After the update of {@code step}: {@code entropies[i]} is H of response i of {@code batch} recomputed by the
     * current policy in the update's first epoch (every response is scored exactly once there), and
     * {@code covariance[i]} its per-token {@code cov = (A - mean A)(lp - mean lp)} as the objective computed it over
     * the mini-batch (docs/algorithms.md sections 8, 9). Not called when the step had nothing to update.
     */
    void update(int step, RolloutBatch batch, float[][] entropies, float[][] covariance, Tokenizer tokenizer)
            throws Exception;

    /** Delivers what is still pending; the run calls it at its end, also when cancelled. */
    @Override
    void close() throws Exception;
}
