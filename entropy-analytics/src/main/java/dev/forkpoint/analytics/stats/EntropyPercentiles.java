package dev.forkpoint.analytics.stats;

/**
 * Percentiles of the finite token entropies of one step ({@link Percentile} method), in nats.
 *
 * @param p10 10th percentile
 * @param p50 median
 * @param p80 80th percentile; also the forking threshold (Wang et al., docs/algorithms.md section 15)
 * @param p90 90th percentile
 * @param p95 95th percentile
 * @param p99 99th percentile
 */
public record EntropyPercentiles(double p10, double p50, double p80, double p90, double p95, double p99) {
    static EntropyPercentiles of(double[] sorted, int n) {
        return new EntropyPercentiles(Percentile.of(sorted, n, 0.10), Percentile.of(sorted, n, 0.50),
                Percentile.of(sorted, n, 0.80), Percentile.of(sorted, n, 0.90), Percentile.of(sorted, n, 0.95),
                Percentile.of(sorted, n, 0.99));
    }
}
