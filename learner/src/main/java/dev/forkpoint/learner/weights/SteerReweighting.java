package dev.forkpoint.learner.weights;

import dev.forkpoint.learner.objective.TokenGrid;
import java.util.Map;

/**
 * STEER entropy-change reweighting (docs/algorithms.md section 11), no gradient: the first-order entropy change
 * of a token, {@code Omega = (A / pOld) p (1 - p) (ln p + H_old)}, with {@code M = |Omega|}; tokens whose
 * update moves entropy most get the smallest weight. Linear: {@code w = wMax - (M - Mmin)(wMax - wMin) /
 * (Mmax - Mmin)} (all equal: the midpoint), clamped to [wMin, wMax]. Exponential:
 * {@code w = clamp(exp(-kappa M), wMin, 1)} with {@code kappa = -ln(wMin) / max(Mmax, 0.02)}.
 */
public record SteerReweighting(boolean linear, double wMin, double wMax) implements TokenWeight {

    public static final String WEIGHT_MEAN = "steer/weight_mean";

    @Override
    public TokenWeightOutput compute(TokenWeightInput in) {
        TokenGrid g = in.grid();
        double[] m = new double[g.size()];
        double mMin = Double.POSITIVE_INFINITY;
        double mMax = Double.NEGATIVE_INFINITY;
        for (int idx : g.validIndices()) {
            double p = clamp(Math.exp(g.logProb(idx)), 1e-8, 1 - 1e-8);
            double pOld = clamp(Math.exp(g.oldLogProb(idx)), 1e-8, 1);
            double omega = (in.advantages()[idx] / pOld) * p * (1 - p) * (Math.log(p) + g.oldEntropy(idx));
            m[idx] = Double.isFinite(omega) ? Math.abs(omega) : 0.0;
            mMin = Math.min(mMin, m[idx]);
            mMax = Math.max(mMax, m[idx]);
        }
        double[] w = new double[g.size()];
        double sum = 0;
        for (int idx : g.validIndices()) {
            double v;
            if (linear) {
                v = mMax == mMin ? (wMin + wMax) / 2 : wMax - (m[idx] - mMin) * (wMax - wMin) / (mMax - mMin);
                v = clamp(v, wMin, wMax);
            } else {
                double kappa = -Math.log(wMin) / Math.max(mMax, 0.02);
                v = clamp(Math.exp(-kappa * m[idx]), wMin, 1.0);
            }
            w[idx] = v;
            sum += v;
        }
        double mean = g.validCount() == 0 ? 0 : sum / g.validCount();
        return new TokenWeightOutput(w, false, Map.of(WEIGHT_MEAN, mean));
    }

    private static double clamp(double v, double lo, double hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
