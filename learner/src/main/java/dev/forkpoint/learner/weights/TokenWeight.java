package dev.forkpoint.learner.weights;

/** A per-token loss multiplier (docs/algorithms.md section 14: Clip-Cov zeroing, forking mask, STEER). */
public interface TokenWeight {

    TokenWeightOutput compute(TokenWeightInput in);
}
