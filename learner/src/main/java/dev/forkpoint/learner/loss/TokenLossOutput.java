package dev.forkpoint.learner.loss;

import ai.djl.ndarray.NDArray;

/**
 * A token loss and what later parts and metrics need from it.
 *
 * @param loss          per-token loss L (B, T) with gradient; padding is masked later by aggregation
 * @param clipped       per token: the clipped term is active, {@code L2 > L1} (verl's {@code pg_clipfrac});
 *                      Clip-Cov excludes these tokens from its candidates
 * @param clippedLower  per token: the dual clip is active, {@code A < 0 and Lc > -A c}
 *                      (verl's {@code pg_clipfrac_lower})
 * @param klCovSelected per token: KL-Cov's penalised tokens (section 9); null for other losses
 */
public record TokenLossOutput(NDArray loss, boolean[] clipped, boolean[] clippedLower, boolean[] klCovSelected) {
}
