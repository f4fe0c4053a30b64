package dev.forkpoint.learner.weights;

import dev.forkpoint.learner.objective.TokenGrid;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Clip-Cov's gradient detaching (docs/algorithms.md section 8): among the valid tokens not already clipped
 * ({@code L2 > L1}) whose covariance lies strictly inside {@code (lb, ub)}, pick
 * {@code n = max(floor(ratio N), 1)} uniformly at random without replacement (all when fewer) and multiply
 * their loss by 0; they stay in the token-mean denominator. The choice is seeded by the mini-batch seed.
 */
public record ClipCovDetach(double ratio, double lb, double ub) implements TokenWeight {

    public static final String DETACHED_FRACTION = "clip_cov/detached_fraction";

    @Override
    public TokenWeightOutput compute(TokenWeightInput in) {
        TokenGrid g = in.grid();
        int[] candidates = Arrays.stream(g.validIndices())
                .filter(i -> !in.loss().clipped()[i] && in.covariance()[i] > lb && in.covariance()[i] < ub)
                .toArray();
        int n = Math.max((int) Math.floor(ratio * g.validCount()), 1);
        int take = Math.min(n, candidates.length);
        // Partial Fisher-Yates: the first `take` entries are a uniform sample without replacement.
        SplittableRandom random = new SplittableRandom(in.seed());
        for (int j = 0; j < take; j++) {
            int swap = j + random.nextInt(candidates.length - j);
            int tmp = candidates[j];
            candidates[j] = candidates[swap];
            candidates[swap] = tmp;
        }
        double[] w = new double[g.size()];
        Arrays.fill(w, 1.0);
        for (int j = 0; j < take; j++) {
            w[candidates[j]] = 0.0;
        }
        double fraction = g.validCount() == 0 ? 0 : (double) take / g.validCount();
        return new TokenWeightOutput(w, false, Map.of(DETACHED_FRACTION, fraction));
    }
}
