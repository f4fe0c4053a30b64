package dev.forkpoint.rollout.sampler;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Seeded standard Gumbel noise {@code -ln(-ln U)} for the Gumbel-max trick. The uniforms come from
 * {@link SplittableRandom}s owned by one generation, not from the engine's global generator, so the same
 * seed gives the same noise whatever thread samples and whatever else the process samples meanwhile.
 * Row {@code i} has its own stream (the i-th split of the seed's generator), so a row's noise does not
 * depend on how many rows the batch has: a prompt sampled alone or as row 0 of a larger, padded batch
 * gets the same samples, and rows sampled as a shard starting at row {@code firstRow} get the noise of those rows
 * of the whole generation.
 */
final class GumbelNoise {

    private static final double TWO_POW_MINUS_23 = 1.0 / (1 << 23);

    private final SplittableRandom root;
    private SplittableRandom[] rows = new SplittableRandom[0];
    private float[] uniforms = new float[0];

    GumbelNoise(long seed) {
        this(seed, 0);
    }

    /**
     * Noise for rows {@code firstRow, firstRow + 1, ...} of the generation seeded {@code seed}: a shard of a larger
     * generation draws exactly the noise its rows get in the whole one (the first {@code firstRow} splits are
     * skipped).
     */
    GumbelNoise(long seed, long firstRow) {
        if (firstRow < 0) {
            throw new IllegalArgumentException("firstRow = " + firstRow + ": must be >= 0");
        }
        this.root = new SplittableRandom(seed);
        for (long i = 0; i < firstRow; i++) {
            root.split();
        }
    }

    /** Noise {@code (rows, vocab)} float32 on {@code manager}; one transfer to the device. */
    NDArray next(NDManager manager, int rows, int vocab) {
        if (this.rows.length < rows) {
            SplittableRandom[] grown = Arrays.copyOf(this.rows, rows);
            for (int i = this.rows.length; i < rows; i++) {
                grown[i] = root.split();
            }
            this.rows = grown;
        }
        int n = rows * vocab;
        if (uniforms.length != n) {
            uniforms = new float[n];
        }
        for (int i = 0; i < rows; i++) {
            SplittableRandom r = this.rows[i];
            for (int j = i * vocab, end = j + vocab; j < end; j++) {
                uniforms[j] = uniform(r.nextInt());
            }
        }
        return manager.create(uniforms, new Shape(rows, vocab)).log().neg().log().neg();
    }

    /**
     * U from 32 random bits: the top 23, centred in their bin, so U is in [2^-24, 1 - 2^-24], exact in
     * float32 and never 0 or 1 (24 bits would round the top bin to 1.0f and give infinite noise). The noise
     * is therefore at most about 16.6, which only matters for tokens less likely than about 1e-7.
     */
    static float uniform(int randomBits) {
        return (float) (((randomBits >>> 9) + 0.5) * TWO_POW_MINUS_23);
    }
}
