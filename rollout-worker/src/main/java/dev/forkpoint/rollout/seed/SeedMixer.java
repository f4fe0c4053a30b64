package dev.forkpoint.rollout.seed;

/**
 * Derives independent seeds from a run seed and coordinates (stream, step, index, ...): the SplitMix64
 * finaliser chained over the parts. Neighbouring coordinates give unrelated seeds, and a resumed run that
 * knows its coordinates repeats every random choice without storing generator state.
 */
public final class SeedMixer {

    private SeedMixer() {
    }

    /** {@code fmix(... fmix(fmix(seed + G*(p0+1)) + G*(p1+1)) ...)} with G the golden-ratio increment. */
    public static long mix(long seed, long... parts) {
        long z = seed;
        for (long part : parts) {
            z = fmix(z + 0x9E3779B97F4A7C15L * (part + 1));
        }
        return z;
    }

    private static long fmix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
