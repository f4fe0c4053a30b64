package dev.forkpoint.rollout.hf;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Adapter dropout's mask as a pure function of (seed, layer, projection, batch row, position, feature), computed on
 * the device with integer arithmetic modulo the prime {@code 2^31 - 1}: a gradient-checkpointed backward that
 * recomputes a few rows of a block draws exactly the masks the forward drew, and a resumed run the masks of an
 * uninterrupted one, which libtorch's stateful generator would not give.
 *
 * <p>Each value's index {@code ((row * T + position) * in + feature)}, offset by a salt of the seed, layer and
 * projection, goes through an affine step, a squaring (the nonlinearity that breaks the lattice an affine map alone
 * leaves) and another affine step; {@code u = h / (2^31 - 1)} is then uniform on [0, 1) to within {@code 2^-31}
 * and the value is kept, scaled by {@code 1 / (1 - p)}, when {@code u >= p}.
 */
final class LoraDropout {

    static final long PRIME = 2147483647L;

    private LoraDropout() {}

    /** {@code keep / (1 - p)} with the shape of {@code x (rows, T, in)}, as float32 on its device. */
    static NDArray mask(NDArray x, double p, long seed, int layer, int target, long firstRow) {
        Shape s = x.getShape();
        if (s.dimension() != 3) {
            throw new IllegalArgumentException("adapter input " + s + ": expected (rows, T, in)");
        }
        long rows = s.get(0);
        long t = s.get(1);
        long in = s.get(2);
        NDManager m = x.getManager();
        NDArray r = m.arange(0, (int) rows, 1, DataType.INT64).addi(firstRow).reshape(rows, 1, 1);
        NDArray pos = m.arange(0, (int) t, 1, DataType.INT64).reshape(1, t, 1);
        NDArray f = m.arange(0, (int) in, 1, DataType.INT64).reshape(1, 1, in);
        NDArray h = r.mul(t).add(pos).mul(in).add(f).add(salt(seed, layer, target)).mod(PRIME);
        h = h.mul(48271L).add(11L).mod(PRIME);
        h = h.mul(h).add(salt(seed ^ 0x5DEECE66DL, target, layer)).mod(PRIME);
        h = h.mul(69621L).add(7L).mod(PRIME);
        NDArray keep = h.toType(DataType.FLOAT64, false).div(PRIME).gte(p);
        return keep.toType(DataType.FLOAT32, false).div((float) (1 - p));
    }

    /** A value in [0, 2^31 - 1) mixing the seed, layer and projection (SplitMix64's finaliser). */
    static long salt(long seed, int a, int b) {
        long z = seed + 0x9E3779B97F4A7C15L * (1 + a) + 0xBF58476D1CE4E5B9L * (1 + b);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        return Math.floorMod(z, PRIME);
    }
}
