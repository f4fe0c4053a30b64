package dev.forkpoint.learner.objective;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Detached host copy of a mini-batch's per-token inputs, flattened row-major (index {@code i * cols + t}).
 * Batch statistics (means, quantiles, top-k, random choices) are computed here over the valid tokens only
 * (docs/algorithms.md notation: padding never enters a statistic); what carries gradient stays on NDArrays.
 */
public final class TokenGrid {

    private final int rows;
    private final int cols;
    private final float[] mask;
    private final double[] logProbs;
    private final double[] oldLogProbs;
    private final double[] entropy;
    private final double[] oldEntropy;
    private final int[] valid;

    private TokenGrid(int rows, int cols, float[] mask, double[] lp, double[] olp, double[] h, double[] hOld) {
        this.rows = rows;
        this.cols = cols;
        this.mask = mask;
        this.logProbs = lp;
        this.oldLogProbs = olp;
        this.entropy = h;
        this.oldEntropy = hOld;
        int n = 0;
        for (float m : mask) {
            if (m != 0f && m != 1f) {
                throw new IllegalArgumentException("responseMask: value " + m + " is not 0 or 1");
            }
            n += (int) m;
        }
        valid = new int[n];
        for (int i = 0, j = 0; i < mask.length; i++) {
            if (mask[i] == 1f) {
                valid[j++] = i;
            }
        }
    }

    public static TokenGrid of(PolicyBatch b) {
        Shape s = b.logProbs().getShape();
        try (NDArray lp = b.logProbs().stopGradient()) {
            return new TokenGrid((int) s.get(0), (int) s.get(1), b.responseMask().toType(
                    ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray(), doubles(lp),
                    doubles(b.oldLogProbs()), doubles(b.entropy()), doubles(b.oldEntropy()));
        }
    }

    private static double[] doubles(NDArray a) {
        float[] f = a.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    public int size() {
        return rows * cols;
    }

    /** N: the number of valid tokens. */
    public int validCount() {
        return valid.length;
    }

    /** Flat indices of the valid tokens, ascending. */
    public int[] validIndices() {
        return valid;
    }

    public boolean isValid(int index) {
        return mask[index] == 1f;
    }

    public float[] mask() {
        return mask;
    }

    /** Valid tokens of response {@code row}. */
    public int length(int row) {
        int n = 0;
        for (int t = 0; t < cols; t++) {
            n += (int) mask[row * cols + t];
        }
        return n;
    }

    public double logProb(int index) {
        return logProbs[index];
    }

    public double oldLogProb(int index) {
        return oldLogProbs[index];
    }

    public double entropy(int index) {
        return entropy[index];
    }

    public double oldEntropy(int index) {
        return oldEntropy[index];
    }

    /** The importance ratio {@code r = exp(lp - olp)}, detached. */
    public double ratio(int index) {
        return Math.exp(logProbs[index] - oldLogProbs[index]);
    }

    /** Per-sequence values broadcast to their valid tokens (0 on padding). */
    public double[] broadcast(double[] perSequence) {
        double[] out = new double[size()];
        for (int idx : valid) {
            out[idx] = perSequence[idx / cols];
        }
        return out;
    }

    /** Mean of {@code values} over the valid tokens (0 when there are none). */
    public double validMean(double[] values) {
        if (valid.length == 0) {
            return 0;
        }
        double s = 0;
        for (int idx : valid) {
            s += values[idx];
        }
        return s / valid.length;
    }

    /** The valid tokens' values, in index order. */
    public double[] validValues(double[] values) {
        double[] out = new double[valid.length];
        for (int j = 0; j < valid.length; j++) {
            out[j] = values[valid[j]];
        }
        return out;
    }

    public double[] entropies() {
        return entropy;
    }

    public double[] logProbs() {
        return logProbs;
    }

    /** A constant (no gradient) float32 array of this grid's shape, in {@code manager}. */
    public NDArray constant(NDManager manager, double[] values) {
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return manager.create(f, new Shape(rows, cols));
    }

    public NDArray constant(NDManager manager, float[] values) {
        return manager.create(values, new Shape(rows, cols));
    }

    public NDArray condition(NDManager manager, boolean[] values) {
        return manager.create(values, new Shape(rows, cols));
    }
}
