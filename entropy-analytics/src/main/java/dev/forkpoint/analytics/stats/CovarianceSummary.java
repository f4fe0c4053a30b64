package dev.forkpoint.analytics.stats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Covariance statistics of one step (docs/algorithms.md 8/9 and 15): the per-token
 * {@code cov = (A - mean A)(lp - mean lp)} values supplied by the learner, summarised as their mean and the mean
 * of the top {@link #TOP_FRACTIONS} by cov. The top fraction f takes {@code k = max(1, floor(f * count))} tokens,
 * the same rule as KL-Cov's top-k, so even a small step reports one token per fraction. Tokens are selected by
 * finite cov alone (their entropy may be non-finite).
 *
 * @param count          tokens with a finite cov value
 * @param nonFiniteCount tokens whose cov was NaN or infinite (excluded)
 * @param mean           mean cov, {@code null} when count is 0
 * @param topMeans       mean cov of the top fraction, aligned with {@link #TOP_FRACTIONS}; {@code null} when count
 *                       is 0
 */
public record CovarianceSummary(long count, long nonFiniteCount, Double mean, List<Double> topMeans) {
    /** 0.02%, 0.2%, 2%, 20%: Clip-Cov's and KL-Cov's ratios and two coarser levels (docs/algorithms.md section 15). */
    public static final List<Double> TOP_FRACTIONS = List.of(0.0002, 0.002, 0.02, 0.2);

    public CovarianceSummary {
        if (topMeans != null) {
            topMeans = List.copyOf(topMeans);
        }
    }

    /** Tokens taken for a top fraction of {@code count} values. */
    public static int topCount(double fraction, int count) {
        return Math.max(1, (int) Math.floor(fraction * count));
    }

    /**
     * @param values         finite cov values, first {@code n} used; sorted in place
     * @param n              how many are valid
     * @param nonFiniteCount how many were excluded as non-finite
     */
    static CovarianceSummary of(double[] values, int n, long nonFiniteCount) {
        if (n == 0) {
            return new CovarianceSummary(0, nonFiniteCount, null, null);
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += values[i];
        }
        Arrays.sort(values, 0, n);
        List<Double> tops = new ArrayList<>(TOP_FRACTIONS.size());
        for (double f : TOP_FRACTIONS) {
            int k = topCount(f, n);
            double s = 0;
            for (int i = n - k; i < n; i++) {
                s += values[i];
            }
            tops.add(s / k);
        }
        return new CovarianceSummary(n, nonFiniteCount, sum / n, tops);
    }
}
