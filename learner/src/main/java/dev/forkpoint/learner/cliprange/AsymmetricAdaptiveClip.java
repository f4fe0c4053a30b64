package dev.forkpoint.learner.cliprange;

import dev.forkpoint.learner.objective.TokenGrid;

/**
 * HAPO asymmetric adaptive clipping (docs/algorithms.md section 5): a high-entropy token (h_hat > 0) may rise
 * further, {@code epsHigh = epsHigh0 (1 + alpha h_hat)}; a low-entropy token may fall further,
 * {@code epsLow = epsLow0 (1 - alpha h_hat)}; the other side keeps its base value.
 */
public record AsymmetricAdaptiveClip(double epsLow0, double epsHigh0, double alpha) implements ClipRange {

    @Override
    public ClipRanges compute(TokenGrid grid, double[] hHat) {
        if (hHat == null) {
            throw new IllegalStateException("AsymmetricAdaptiveClip needs h_hat (section 3)");
        }
        double[] low = new double[grid.size()];
        double[] high = new double[grid.size()];
        for (int idx : grid.validIndices()) {
            double h = hHat[idx];
            low[idx] = h > 0 ? epsLow0 : epsLow0 * (1 - alpha * h);
            high[idx] = h > 0 ? epsHigh0 * (1 + alpha * h) : epsHigh0;
        }
        return new ClipRanges(low, high);
    }
}
