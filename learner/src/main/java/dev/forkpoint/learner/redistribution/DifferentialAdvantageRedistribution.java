package dev.forkpoint.learner.redistribution;

import dev.forkpoint.learner.cliprange.ClipRanges;
import dev.forkpoint.learner.objective.TokenGrid;

/**
 * HAPO differential advantage redistribution (docs/algorithms.md section 6). With
 * {@code A_ent = A (1 + beta h_hat)} and the neutral zone {@code 1 - epsLow/2 < r < 1 + epsHigh/2} (per-token
 * eps of section 5, the ratio's value only, no gradient through the test): a high-entropy token
 * (h_hat > 0) keeps A inside the zone and gets A_ent outside; any other token gets A_ent inside and A outside.
 */
public record DifferentialAdvantageRedistribution(double beta) {

    /** A' per token (0 on padding), which replaces A in the token loss. */
    public double[] apply(TokenGrid grid, double[] advantages, double[] hHat, ClipRanges eps) {
        double[] out = new double[grid.size()];
        for (int idx : grid.validIndices()) {
            double a = advantages[idx];
            double h = hHat[idx];
            double r = grid.ratio(idx);
            boolean neutral = r > 1 - eps.low()[idx] / 2 && r < 1 + eps.high()[idx] / 2;
            double aEnt = a * (1 + beta * h);
            out[idx] = h > 0 ? (neutral ? a : aEnt) : (neutral ? aEnt : a);
        }
        return out;
    }
}
