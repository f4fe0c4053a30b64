package dev.forkpoint.rollout.sampler;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;

/**
 * Seeded standard Gumbel noise {@code -ln(-ln U)} for the Gumbel-max trick. The uniforms come from a
 * {@link SplittableRandom} owned by one generation, not from the engine's global generator, so the same
 * seed gives the same noise whatever thread samples and whatever else the process samples meanwhile.
 */
final class GumbelNoise {

    private static final double TWO_POW_MINUS_24 = 1.0 / (1 << 24);

    private final SplittableRandom random;
    private float[] uniforms = new float[0];

    GumbelNoise(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** Noise {@code (rows, vocab)} float32 on {@code manager}; one transfer to the device. */
    NDArray next(NDManager manager, int rows, int vocab) {
        int n = rows * vocab;
        if (uniforms.length != n) {
            uniforms = new float[n];
        }
        for (int i = 0; i < n; i++) {
            // 24 random bits, centred in their bin: U in (0, 1) exactly representable, never 0 or 1
            uniforms[i] = (float) (((random.nextInt() >>> 8) + 0.5) * TWO_POW_MINUS_24);
        }
        return manager.create(uniforms, new Shape(rows, vocab)).log().neg().log().neg();
    }
}
