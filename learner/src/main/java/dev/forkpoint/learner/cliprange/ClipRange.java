package dev.forkpoint.learner.cliprange;

import dev.forkpoint.learner.objective.TokenGrid;

/** Chooses epsLow/epsHigh per token (docs/algorithms.md sections 5 and 7). */
public interface ClipRange {

    /**
     * @param hHat HAPO's normalised entropy per token (section 3), or null when HAPO is off
     */
    ClipRanges compute(TokenGrid grid, double[] hHat);
}
