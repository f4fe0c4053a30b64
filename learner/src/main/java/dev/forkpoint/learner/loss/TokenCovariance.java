package dev.forkpoint.learner.loss;

import dev.forkpoint.learner.objective.TokenGrid;

/**
 * Cui et al.'s per-token covariance of advantage and log-probability (docs/algorithms.md sections 8, 9, 15):
 * {@code cov = (A - mean(A)) (lp.detach() - mean(lp))}, means over the valid tokens of the mini-batch.
 */
public final class TokenCovariance {

    private TokenCovariance() {
    }

    /** cov per token, 0 on padding. */
    public static double[] of(TokenGrid grid, double[] advantages) {
        double meanA = grid.validMean(advantages);
        double meanLp = grid.validMean(grid.logProbs());
        double[] cov = new double[grid.size()];
        for (int idx : grid.validIndices()) {
            cov[idx] = (advantages[idx] - meanA) * (grid.logProb(idx) - meanLp);
        }
        return cov;
    }
}
