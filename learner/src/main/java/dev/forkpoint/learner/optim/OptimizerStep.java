package dev.forkpoint.learner.optim;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/**
 * The one optimiser step that both the supervised warm start and the RL update take after their backward pass:
 * clip the global gradient norm, then step AdamW, unless the loss or the norm is not finite. Such a step is skipped
 * (its gradients are zeroed, so nothing reaches AdamW's moments) and counted; {@link #MAX_CONSECUTIVE_NON_FINITE}
 * in a row mean the policy diverged and fail the training with {@code hint}.
 */
public final class OptimizerStep {

    /** Non-finite steps in a row after which training fails: then it is divergence, not a glitch. */
    public static final int MAX_CONSECUTIVE_NON_FINITE = 5;

    /**
     * What one step did.
     *
     * @param gradNorm     the global gradient norm before clipping (NaN or infinite for a skipped step)
     * @param learningRate the learning rate AdamW applied; NaN when skipped
     * @param skipped      true when the update was skipped for a non-finite loss or gradient norm
     * @param skippedInARow non-finite steps in a row, this one included (0 after a taken step)
     */
    public record Result(double gradNorm, double learningRate, boolean skipped, int skippedInARow) {
    }

    private final AdamW adamW;
    private final double maxGradNorm;
    private final String hint;
    private int consecutiveNonFinite;
    private int skipped;

    /**
     * @param maxGradNorm global-norm clip (torch's {@code clip_grad_norm_})
     * @param hint        what the failure message suggests, e.g. "lower model.warmStart.learningRate"
     */
    public OptimizerStep(AdamW adamW, double maxGradNorm, String hint) {
        if (!(maxGradNorm > 0)) {
            throw new IllegalArgumentException("maxGradNorm = " + maxGradNorm + ": must be > 0");
        }
        this.adamW = adamW;
        this.maxGradNorm = maxGradNorm;
        this.hint = hint;
    }

    /** Clips and steps {@code parameters}, whose gradients hold the backward of {@code loss}. */
    public Result apply(Map<String, NDArray> parameters, double loss) {
        // Outside any gradient collector: clipping and AdamW change the parameters in place, with autograd off.
        double norm = GradientClipping.clipGlobalNorm(parameters, maxGradNorm);
        if (Double.isFinite(loss) && Double.isFinite(norm)) {
            consecutiveNonFinite = 0;
            return new Result(norm, adamW.step(parameters), false, 0);
        }
        AdamW.zeroGradients(parameters);
        consecutiveNonFinite++;
        skipped++;
        if (consecutiveNonFinite >= MAX_CONSECUTIVE_NON_FINITE) {
            throw new IllegalStateException(consecutiveNonFinite + " optimiser steps in a row had a non-finite loss "
                    + "or gradient norm (last: loss " + loss + ", gradient norm " + norm + "): the policy diverged; "
                    + hint);
        }
        return new Result(norm, Double.NaN, true, consecutiveNonFinite);
    }

    /** Steps skipped so far. */
    public int skipped() {
        return skipped;
    }

    public AdamW adamW() {
        return adamW;
    }
}
