package dev.forkpoint.learner.aggregation;

import ai.djl.ndarray.NDArray;

/**
 * The 0/1 mask an aggregation averages over, both on the device (to multiply) and on the host (to count
 * tokens, so denominators are exact constants).
 *
 * @param array  (B, T) float32 mask
 * @param values the same values, flattened row-major
 * @param rows   B
 * @param cols   T
 */
public record LossMask(NDArray array, float[] values, int rows, int cols) {

    public double total() {
        double s = 0;
        for (float v : values) {
            s += v;
        }
        return s;
    }

    public double rowTotal(int row) {
        double s = 0;
        for (int t = 0; t < cols; t++) {
            s += values[row * cols + t];
        }
        return s;
    }
}
