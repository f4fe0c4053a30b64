package dev.forkpoint.learner.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.forkpoint.learner.cliprange.ClipRanges;
import dev.forkpoint.learner.objective.TokenGrid;

/**
 * What a token loss sees (docs/algorithms.md sections 7-9).
 *
 * @param manager    where the loss creates its arrays (the mini-batch's)
 * @param grid       detached per-token inputs
 * @param logProbs   lp (B, T), carries gradient
 * @param oldLogProbs olp (B, T)
 * @param advantages A' per token after redistribution (section 6), 0 on padding
 * @param eps        per-token clip ranges (section 5 or fixed)
 * @param covariance {@code (A' - mean A')(lp - mean lp)} per token over the valid tokens (sections 8-9)
 */
public record TokenLossInput(NDManager manager, TokenGrid grid, NDArray logProbs, NDArray oldLogProbs,
                             double[] advantages, ClipRanges eps, double[] covariance) {

    /** The ratio r = exp(lp - olp) with gradient; the log-ratio is clamped to [-20, 20] as in verl. */
    NDArray ratio() {
        return logProbs.sub(oldLogProbs).clip(-20f, 20f).exp();
    }
}
