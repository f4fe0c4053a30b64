package dev.forkpoint.learner.objective;

import dev.forkpoint.rollout.entropy.NormalizedEntropy;

/** HAPO's h_hat per token (docs/algorithms.md section 3), fitted on the valid tokens' current H of the mini-batch. */
final class TokenEntropyNormalization {

    private TokenEntropyNormalization() {
    }

    /** h_hat per token, 0 on padding; all zeros when the batch has no valid token. */
    static double[] hHat(TokenGrid grid, double pivotQuantile) {
        double[] out = new double[grid.size()];
        if (grid.validCount() == 0) {
            return out;
        }
        NormalizedEntropy stats = NormalizedEntropy.fit(grid.validValues(grid.entropies()), pivotQuantile);
        for (int idx : grid.validIndices()) {
            out[idx] = stats.hHat(grid.entropy(idx));
        }
        return out;
    }
}
