package dev.forkpoint.learner.aggregation;

import ai.djl.ndarray.NDArray;

/** Reduces a (B, T) per-token loss to a scalar (docs/algorithms.md section 13). */
public interface LossAggregation {

    /**
     * @param loss   per-token loss (B, T), may carry gradient
     * @param mask   tokens that count
     * @param maxLen Lmax of {@code seq-mean-token-sum-norm}
     */
    NDArray aggregate(NDArray loss, LossMask mask, int maxLen);
}
