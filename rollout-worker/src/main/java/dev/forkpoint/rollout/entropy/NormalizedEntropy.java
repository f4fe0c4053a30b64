package dev.forkpoint.rollout.entropy;

import java.util.Arrays;

/**
 * HAPO's normalised entropy h_hat (docs/algorithms.md section 3): log-entropy centred on a quantile pivot,
 * scaled by its root-mean-square, then mapped to [-1, 1] separately on each side of the pivot.
 *
 * <p>The fitted statistics serve two places: the learner's per-token {@code h_hat} over a mini-batch
 * (section 3, {@link #hHat(double)}), and the sampler's adaptive temperature, which applies the previous
 * step's statistics with its own epsilons (section 4, {@link #samplingHHat(double)}).
 *
 * <p>Sign convention: low-entropy tokens get {@code h/|negMin|} (negative). The released HAPO code divides
 * by {@code negMin} itself, which flips their sign; the paper's text describes the form used here.
 *
 * @param pivot    the pivot quantile of {@code ln(max(H, 1e-8))}
 * @param std      {@code sqrt(max(mean((e - pivot)^2), 1e-8))}
 * @param scalePos {@code 1 / posMax}
 * @param scaleNeg {@code 1 / |negMin|}
 */
public record NormalizedEntropy(double pivot, double std, double scalePos, double scaleNeg)
        implements java.io.Serializable {

    /** Pivot quantile of HAPO (0.8: about 20% of tokens get h_hat > 0). */
    public static final double DEFAULT_PIVOT_QUANTILE = 0.8;

    /**
     * Fits the section-3 statistics on the entropies of valid tokens.
     *
     * @param entropies full-vocabulary entropies in nats, padding already removed; must not be empty
     * @param quantile  pivot quantile q in [0, 1]
     */
    public static NormalizedEntropy fit(double[] entropies, double quantile) {
        if (entropies.length == 0) {
            throw new IllegalArgumentException("entropies: no valid token to fit the normalised entropy on");
        }
        if (!(quantile >= 0 && quantile <= 1)) {
            throw new IllegalArgumentException("pivot quantile = " + quantile + ": must be in [0, 1]");
        }
        int n = entropies.length;
        double[] e = new double[n];
        for (int i = 0; i < n; i++) {
            e[i] = Math.log(Math.max(entropies[i], 1e-8));
        }
        double[] sorted = e.clone();
        Arrays.sort(sorted);
        double pivot = sorted[(int) Math.floor(quantile * (n - 1) + 0.5)];
        double sumSq = 0;
        for (double v : e) {
            sumSq += (v - pivot) * (v - pivot);
        }
        double std = Math.sqrt(Math.max(sumSq / n, 1e-8));
        double posMax = 1e-8;
        double negMin = -1e-8;
        for (double v : e) {
            double h = (v - pivot) / std;
            if (h > 0) {
                posMax = Math.max(posMax, h);
            } else if (h < 0) {
                negMin = Math.min(negMin, h);
            }
        }
        return new NormalizedEntropy(pivot, std, 1.0 / posMax, 1.0 / Math.abs(negMin));
    }

    public static NormalizedEntropy fit(float[] entropies, double quantile) {
        double[] d = new double[entropies.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = entropies[i];
        }
        return fit(d, quantile);
    }

    /** Section 3: h_hat of one token of the batch the statistics were fitted on; in [-1, 1]. */
    public double hHat(double entropy) {
        double h = (Math.log(Math.max(entropy, 1e-8)) - pivot) / std;
        return h > 0 ? h * scalePos : h * scaleNeg;
    }

    /**
     * Section 4: h_hat used for the sampling temperature, with the statistics of the previous step;
     * epsilons 1e-6 as in HAPO's sampler, clamped to [-1, 1] because a new step can leave the old range.
     */
    public double samplingHHat(double entropy) {
        double h = (Math.log(Math.max(entropy, 1e-6)) - pivot) / (std + 1e-6);
        double scaled = h > 0 ? h * scalePos : h * scaleNeg;
        return Math.max(-1.0, Math.min(1.0, scaled));
    }
}
