package dev.forkpoint.analytics.stats;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Token counts over FIXED log-spaced entropy bins, identical for every run and step so that histograms can be
 * compared and drawn as a heatmap. Edges {@code e_k = 10^(-4 + k/4)} nats for k = 0..24: four bins per decade
 * from 1e-4 to 1e2 nats. Bin k (0-based) holds {@code e_k <= H < e_(k+1)}; {@code underflow} holds
 * {@code H < 1e-4} (including the very common exact 0 of a deterministic token), {@code overflow} holds
 * {@code H >= 100} (impossible for vocabularies below e^100 tokens, kept so that no finite value is lost).
 * Non-finite values are never binned (they are counted in {@code nonFiniteCount} of the aggregates).
 *
 * @param underflow tokens with H below the first edge
 * @param counts    {@link #BIN_COUNT} counts, bin k at index k
 * @param overflow  tokens with H at or above the last edge
 */
public record EntropyHistogram(long underflow, List<Long> counts, long overflow) {
    public static final int BINS_PER_DECADE = 4;
    public static final int BIN_COUNT = 24;
    public static final int LOWEST_EXPONENT = -4;
    /** The {@code BIN_COUNT + 1} edges in nats, ascending; also seeded as table entropy_histogram_bins (V10). */
    private static final double[] EDGES = new double[BIN_COUNT + 1];

    static {
        for (int k = 0; k <= BIN_COUNT; k++) {
            EDGES[k] = Math.pow(10, LOWEST_EXPONENT + (double) k / BINS_PER_DECADE);
        }
    }

    public EntropyHistogram {
        counts = List.copyOf(counts);
        if (counts.size() != BIN_COUNT) {
            throw new IllegalArgumentException("counts.size() = " + counts.size() + ": must be " + BIN_COUNT);
        }
    }

    /** Edge k (0..BIN_COUNT) in nats. */
    public static double edge(int k) {
        return EDGES[k];
    }

    /**
     * Bin of a finite entropy: -1 for underflow, BIN_COUNT for overflow, else 0..BIN_COUNT-1. The log10 guess is
     * corrected against the stored edges so that a value exactly on an edge lands in the bin that edge opens.
     */
    public static int binOf(double h) {
        if (!Double.isFinite(h)) {
            throw new IllegalArgumentException("h = " + h + ": only finite entropies are binned");
        }
        if (h < EDGES[0]) {
            return -1;
        }
        if (h >= EDGES[BIN_COUNT]) {
            return BIN_COUNT;
        }
        int k = (int) Math.floor((Math.log10(h) - LOWEST_EXPONENT) * BINS_PER_DECADE);
        k = Math.max(0, Math.min(BIN_COUNT - 1, k));
        while (k > 0 && h < EDGES[k]) {
            k--;
        }
        while (k < BIN_COUNT - 1 && h >= EDGES[k + 1]) {
            k++;
        }
        return k;
    }

    /** Sum of all counts including under- and overflow. */
    public long total() {
        long t = underflow + overflow;
        for (long c : counts) {
            t += c;
        }
        return t;
    }

    /** Mutable counter used while summarising one step. */
    static final class Builder {
        private long underflow;
        private long overflow;
        private final long[] counts = new long[BIN_COUNT];

        void add(double h) {
            int k = binOf(h);
            if (k < 0) {
                underflow++;
            } else if (k == BIN_COUNT) {
                overflow++;
            } else {
                counts[k]++;
            }
        }

        EntropyHistogram build() {
            List<Long> list = new ArrayList<>(BIN_COUNT);
            for (long c : counts) {
                list.add(c);
            }
            return new EntropyHistogram(underflow, Collections.unmodifiableList(list), overflow);
        }
    }
}
