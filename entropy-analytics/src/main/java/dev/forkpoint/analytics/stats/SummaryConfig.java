package dev.forkpoint.analytics.stats;

/**
 * Settings of the step summariser. Bins, levels, buckets and cov fractions are fixed constants (comparable across
 * runs, fixed columns); only these vary.
 *
 * @param windowSize       tokens in the sliding window of the window-entropy share (ARES default 8), >= 1
 * @param topForkingTokens how many forking-token strings to keep per step (K), >= 0
 * @param sampleSequences  reservoir capacity: whole sequences kept per step for inspection, >= 0
 * @param sampleSeed       seed of the reservoir; mixed with (run, step, phase) so each step draws independently
 *                         yet reproducibly
 */
public record SummaryConfig(int windowSize, int topForkingTokens, int sampleSequences, long sampleSeed) {
    public static final SummaryConfig DEFAULTS = new SummaryConfig(8, 50, 8, 20250601L);

    public SummaryConfig {
        if (windowSize < 1) {
            throw new IllegalArgumentException("windowSize = " + windowSize + ": must be >= 1");
        }
        if (topForkingTokens < 0) {
            throw new IllegalArgumentException("topForkingTokens = " + topForkingTokens + ": must be >= 0");
        }
        if (sampleSequences < 0) {
            throw new IllegalArgumentException("sampleSequences = " + sampleSequences + ": must be >= 0");
        }
    }
}
