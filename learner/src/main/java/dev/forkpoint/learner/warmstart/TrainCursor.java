package dev.forkpoint.learner.warmstart;

import dev.forkpoint.rollout.seed.SeedMixer;

import java.util.SplittableRandom;

/**
 * Which train-split problems each SFT batch holds. The state is one {@code long} (the position), so a batch
 * depends only on the seed, the pool and the position, never on call order.
 *
 * <p>Unlimited pool (0): position {@code p} maps to a seeded pseudo-random train index, so two seeds see
 * different problem streams of the same task. A pool of {@code n} problems (train indices {@code 0..n-1},
 * e.g. to overfit a few problems) is walked in epochs, each a fresh seeded permutation.
 */
public final class TrainCursor {

    private final long seed;
    private final long pool;
    private long position;
    private long permutationEpoch = -1;
    private long[] permutation;

    /**
     * @param seed     fixes the order
     * @param pool     number of distinct train problems used; 0 = an unlimited stream of fresh problems
     * @param position where to start (0 for a new run, a saved value to resume)
     */
    public TrainCursor(long seed, long pool, long position) {
        if (pool < 0) {
            throw new IllegalArgumentException("warmStart.trainPool = " + pool + ": must be >= 0 (0 = unlimited)");
        }
        if (pool > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("warmStart.trainPool = " + pool + ": must be at most " + Integer.MAX_VALUE);
        }
        if (position < 0) {
            throw new IllegalArgumentException("cursor position = " + position + ": must be >= 0");
        }
        this.seed = seed;
        this.pool = pool;
        this.position = position;
    }

    public long position() {
        return position;
    }

    /** Train indices of the next {@code count} problems; advances the position by {@code count}. */
    public long[] next(int count) {
        long[] out = new long[count];
        for (int i = 0; i < count; i++) {
            out[i] = indexAt(position++);
        }
        return out;
    }

    private long indexAt(long p) {
        if (pool == 0) {
            // The SplitMix64 finaliser is a bijection: distinct positions give distinct, well-spread indices
            // (the shift keeps them non-negative; at most two positions share one index).
            return SeedMixer.mix(seed, p) >>> 1;
        }
        long epoch = p / pool;
        if (epoch != permutationEpoch) {
            permutation = permutation(epoch);
            permutationEpoch = epoch;
        }
        return permutation[(int) (p % pool)];
    }

    private long[] permutation(long epoch) {
        long[] perm = new long[(int) pool];
        for (int i = 0; i < perm.length; i++) {
            perm[i] = i;
        }
        SplittableRandom rng = new SplittableRandom(SeedMixer.mix(seed, epoch));
        for (int i = perm.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            long t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        return perm;
    }

}
