package dev.forkpoint.learner.weights;

import dev.forkpoint.learner.objective.TokenGrid;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Forking-token-only updates (docs/algorithms.md section 10, Wang et al.): only the
 * {@code k = max(1, ceil(rho N))} valid tokens with the highest current entropy H get gradient (ties: the
 * earlier token). With {@code selected} normalisation the mask also narrows the aggregation's denominator.
 */
public record ForkingTokenMask(double rho, boolean normalizeBySelected) implements TokenWeight {

    public static final String THRESHOLD = "forking/threshold";
    public static final String SELECTED_FRACTION = "forking/selected_fraction";

    @Override
    public TokenWeightOutput compute(TokenWeightInput in) {
        TokenGrid g = in.grid();
        double[] mask = new double[g.size()];
        int n = g.validCount();
        Map<String, Double> metrics = new LinkedHashMap<>();
        if (n == 0) {
            metrics.put(SELECTED_FRACTION, 0.0);
            return new TokenWeightOutput(mask, normalizeBySelected, metrics);
        }
        int k = count(rho, n);
        Integer[] order = Arrays.stream(g.validIndices()).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -g.entropy(i)));
        for (int j = 0; j < k; j++) {
            mask[order[j]] = 1.0;
        }
        metrics.put(THRESHOLD, g.entropy(order[k - 1]));
        metrics.put(SELECTED_FRACTION, (double) k / n);
        return new TokenWeightOutput(mask, normalizeBySelected, metrics);
    }

    /** k = max(1, ceil(rho N)), at most N; the 1e-9 guard keeps rho N = 0.28 * 25 = 7.000000000000001 at 7. */
    public static int count(double rho, int n) {
        return Math.min(n, Math.max(1, (int) Math.ceil(rho * n - 1e-9)));
    }
}
