package dev.forkpoint.learner.cliprange;

import dev.forkpoint.learner.objective.TokenGrid;

/** The same epsLow0/epsHigh0 for every token (section 7; DAPO clip-higher is epsHigh0 = 0.28). */
public record FixedClipRange(double epsLow, double epsHigh) implements ClipRange {

    @Override
    public ClipRanges compute(TokenGrid grid, double[] hHat) {
        double[] low = new double[grid.size()];
        double[] high = new double[grid.size()];
        for (int idx : grid.validIndices()) {
            low[idx] = epsLow;
            high[idx] = epsHigh;
        }
        return new ClipRanges(low, high);
    }
}
