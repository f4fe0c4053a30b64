package dev.forkpoint.learner.optim;

import dev.forkpoint.rollout.policy.GradModeOff;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import java.util.List;
import java.util.Map;

/**
 * Global-norm gradient clipping, written by hand because DJL's {@code optClipGrad} clamps element-wise on one
 * side only (docs/architecture.md, "Known DJL facts").
 */
public final class GradientClipping {

    private GradientClipping() {}

    /**
     * Scales every gradient by {@code maxNorm / (norm + 1e-6)} when the global L2 norm over all of them exceeds
     * {@code maxNorm} (as {@code torch.nn.utils.clip_grad_norm_}), in place.
     *
     * Runs with autograd off (an in-place scaling must not be recorded).
     *
     * @return the global norm before clipping (what training logs report as {@code grad_norm})
     */
    public static double clipGlobalNorm(Map<String, NDArray> parameters, double maxNorm) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("optim.maxGradNorm = " + maxNorm + ": must be > 0");
        }
        try (GradModeOff noGrad = new GradModeOff()) {
            return clip(parameters, maxNorm);
        }
    }

    private static double clip(Map<String, NDArray> parameters, double maxNorm) {
        double sumSquares = 0;
        for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
            try (NDArray g = AdamW.gradient(e.getKey(), e.getValue())) {
                List<NDIndex> blocks = RowBlocks.of(g);
                if (blocks == null) {
                    sumSquares += sumOfSquares(g);
                } else {
                    // Per block of rows: a whole-tensor square would be one more gradient-sized temporary.
                    for (NDIndex rows : blocks) {
                        try (NDArray b = g.get(rows)) {
                            sumSquares += sumOfSquares(b);
                        }
                    }
                }
            }
        }
        double norm = Math.sqrt(sumSquares);
        if (norm > maxNorm) {
            double scale = maxNorm / (norm + 1e-6);
            for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
                try (NDArray g = AdamW.gradient(e.getKey(), e.getValue())) {
                    g.muli(scale);
                }
            }
        }
        return norm;
    }

    private static double sumOfSquares(NDArray g) {
        try (NDArray sq = g.square(); NDArray s = sq.sum()) {
            return s.getFloat();
        }
    }
}
