package dev.forkpoint.analytics.stats;

/**
 * The percentile method used for every quantile in the analytics (entropy percentiles, the forking threshold p80,
 * the window-entropy threshold): linear interpolation between closest ranks (Hyndman and Fan type 7, numpy's and
 * torch.quantile's default). For sorted values {@code x[0..n-1]} and {@code q} in [0, 1]: {@code h = (n-1) q},
 * {@code lo = floor(h)}, result {@code x[lo] + (h - lo)(x[lo+1] - x[lo])}. So p0 is the minimum, p100 the maximum,
 * and a single value is every percentile.
 */
public final class Percentile {
    private Percentile() {
    }

    /**
     * @param sorted ascending values, first {@code n} used
     * @param n      how many values of {@code sorted} are valid, at least 1
     * @param q      quantile in [0, 1] (0.8 for p80)
     */
    public static double of(double[] sorted, int n, double q) {
        if (n < 1) {
            throw new IllegalArgumentException("n = " + n + ": a percentile needs at least one value");
        }
        if (!(q >= 0 && q <= 1)) {
            throw new IllegalArgumentException("q = " + q + ": must be in [0, 1]");
        }
        double h = (n - 1) * q;
        int lo = (int) Math.floor(h);
        if (lo >= n - 1) {
            return sorted[n - 1];
        }
        return sorted[lo] + (h - lo) * (sorted[lo + 1] - sorted[lo]);
    }
}
