package dev.forkpoint.learner.kl;

import ai.djl.ndarray.NDArray;

/** A per-token estimator of KL(pi_theta || pi_ref) (docs/algorithms.md section 12), with {@code d = ref - lp}. */
public interface KlEstimator {

    /** Per-token estimate (B, T) with gradient through {@code logProbs}. */
    NDArray perToken(NDArray logProbs, NDArray refLogProbs);
}
