package dev.forkpoint.rollout.sampler;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.forkpoint.rollout.entropy.NormalizedEntropy;

/**
 * HAPO adaptive temperature (docs/algorithms.md section 4): at every decoding step and row,
 * {@code T = tBase * (1 + tau * h_hat(H))}, where {@code H} is the entropy of the raw (T=1) logits and
 * {@code h_hat} uses the section-3 statistics of the <em>previous</em> training step's rollout entropies
 * (one step lag). Before the first {@link #update} there are no statistics and {@code T = tBase}.
 *
 * <p>Not thread-safe: one instance belongs to one run; {@link #update} is called once per training step,
 * after that step's rollout, and the next step's rollout reads the new statistics.
 *
 * <p>No correction is made for sampling at {@code T != 1}: the recorded {@code olp} is the T=1
 * log-probability and the learner's ratio uses it, as in HAPO's released code.
 */
public final class AdaptiveTemperature implements TemperatureRule {

    /** HAPO defaults (section 4). */
    public static final double DEFAULT_T_BASE = 1.0;
    public static final double DEFAULT_TAU = 0.05;

    private final double tBase;
    private final double tau;
    private final double pivotQuantile;
    private NormalizedEntropy stats;

    /**
     * @param tBase         base temperature, > 0
     * @param tau           strength of the entropy adjustment, in [0, 1) so that T stays > 0
     * @param pivotQuantile section-3 pivot quantile q in [0, 1]
     */
    public AdaptiveTemperature(double tBase, double tau, double pivotQuantile) {
        if (!(tBase > 0) || Double.isInfinite(tBase)) {
            throw new IllegalArgumentException("adaptiveTemperature.tBase = " + tBase + ": must be finite and > 0");
        }
        if (!(tau >= 0 && tau < 1)) {
            throw new IllegalArgumentException("adaptiveTemperature.tau = " + tau + ": must be in [0, 1)");
        }
        if (!(pivotQuantile >= 0 && pivotQuantile <= 1)) {
            throw new IllegalArgumentException("adaptiveTemperature.pivotQuantile = " + pivotQuantile
                    + ": must be in [0, 1]");
        }
        this.tBase = tBase;
        this.tau = tau;
        this.pivotQuantile = pivotQuantile;
    }

    /** HAPO defaults: T_base 1.0, tau 0.05, pivot quantile 0.8. */
    public static AdaptiveTemperature hapoDefaults() {
        return new AdaptiveTemperature(DEFAULT_T_BASE, DEFAULT_TAU, NormalizedEntropy.DEFAULT_PIVOT_QUANTILE);
    }

    /** Statistics the next rollout will use; null before the first update. */
    public double tBase() {
        return tBase;
    }

    public double tau() {
        return tau;
    }

    public double pivotQuantile() {
        return pivotQuantile;
    }

    public NormalizedEntropy stats() {
        return stats;
    }

    /** Restores statistics saved with a checkpoint, so a resumed run samples as the original would. */
    public void restore(NormalizedEntropy saved) {
        this.stats = saved;
    }

    /** Fits the statistics on the {@code H_old} of every generated (valid) token of a finished rollout. */
    public void update(SampleBatch finished) {
        update(finished.entropies());
    }

    /** Fits the statistics on per-row entropies of valid tokens only (rows may differ in length). */
    public void update(float[][] validEntropiesPerRow) {
        int n = 0;
        for (float[] row : validEntropiesPerRow) {
            n += row.length;
        }
        double[] all = new double[n];
        int k = 0;
        for (float[] row : validEntropiesPerRow) {
            for (float h : row) {
                all[k++] = h;
            }
        }
        stats = NormalizedEntropy.fit(all, pivotQuantile);
    }

    /**
     * Vectorised over the batch on the device: the same formula as {@link NormalizedEntropy#samplingHHat},
     * {@code h = (ln max(H, 1e-6) - pivot) / (std + 1e-6)}, scaled by scalePos or scaleNeg by sign and
     * clamped to [-1, 1].
     */
    @Override
    public NDArray temperatures(NDArray entropy) {
        long rows = entropy.getShape().get(0);
        if (stats == null) {
            return entropy.getManager().full(new Shape(rows, 1), (float) tBase, DataType.FLOAT32, entropy.getDevice());
        }
        // h = (ln max(H, 1e-6) - pivot) / (std + 1e-6), as one multiply-add
        double a = 1.0 / (stats.std() + 1e-6);
        NDArray h = entropy.maximum(1e-6f).log().muli((float) a).addi((float) (-stats.pivot() * a));
        // clamp(h * scalePos if h > 0 else h * scaleNeg, -1, 1): exactly one of the two terms is non-zero
        NDArray hHat = h.mul((float) stats.scalePos()).clip(0f, 1f)
                .addi(h.mul((float) stats.scaleNeg()).clip(-1f, 0f));
        return hHat.muli((float) (tBase * tau)).addi((float) tBase).reshape(rows, 1);
    }
}
