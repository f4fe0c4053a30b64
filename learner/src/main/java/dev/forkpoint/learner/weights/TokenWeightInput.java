package dev.forkpoint.learner.weights;

import dev.forkpoint.learner.loss.TokenLossOutput;
import dev.forkpoint.learner.objective.TokenGrid;

/**
 * What a token weight sees (docs/algorithms.md section 14: weights come after the token loss).
 *
 * @param grid       detached per-token inputs
 * @param advantages A' per token (final advantages, section 6)
 * @param loss       the token loss' output (its clip flags)
 * @param covariance per-token covariance of sections 8-9
 * @param seed       seed of this mini-batch's random choices
 */
public record TokenWeightInput(TokenGrid grid, double[] advantages, TokenLossOutput loss, double[] covariance,
                               long seed) {
}
