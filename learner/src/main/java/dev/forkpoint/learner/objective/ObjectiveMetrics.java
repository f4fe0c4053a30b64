package dev.forkpoint.learner.objective;

import java.util.Arrays;

/**
 * Names of the per-step metrics the objective reports (verl's where one exists), all over the valid tokens of
 * the mini-batch. Part-specific names live with their part (e.g. {@code forking/threshold} in
 * {@link dev.forkpoint.learner.weights.ForkingTokenMask}).
 */
public final class ObjectiveMetrics {

    /** The aggregated policy loss, without the KL term (verl). */
    public static final String PG_LOSS = "actor/pg_loss";
    /** Share of valid tokens where the clipped term is active, {@code L2 > L1} (verl); 0 for kl_cov. */
    public static final String PG_CLIPFRAC = "actor/pg_clipfrac";
    /** Share of valid tokens where the dual clip is active, {@code A < 0 and Lc > -A c} (verl). */
    public static final String PG_CLIPFRAC_LOWER = "actor/pg_clipfrac_lower";
    /** Mean of {@code olp - lp} over valid tokens (verl's {@code ppo_kl}). */
    public static final String PPO_KL = "actor/ppo_kl";
    /** Current-policy entropy H aggregated with the loss' mode over the response mask (verl). */
    public static final String ENTROPY = "actor/entropy";
    /** The aggregated KL estimate before its coefficient (verl); only with a KL term. */
    public static final String KL_LOSS = "actor/kl_loss";
    /** Mean per-token covariance (section 15). */
    public static final String COV_MEAN = "cov/mean";
    /** Mean covariance of the top 0.2% valid tokens by covariance (at least one token; section 15). */
    public static final String COV_TOP_02PCT = "cov/top_0.2pct";
    /** KL-Cov's penalised share of valid tokens. */
    public static final String KL_COV_SELECTED_FRACTION = "kl_cov/selected_fraction";
    /** HAPO: share of valid tokens with h_hat > 0 (about 1 - pivot). */
    public static final String HAPO_H_HAT_POSITIVE_FRACTION = "hapo/h_hat_positive_fraction";

    private ObjectiveMetrics() {
    }

    /** Mean of the largest {@code max(1, floor(share N))} values (0 when empty). */
    static double topMean(double[] values, double share) {
        if (values.length == 0) {
            return 0;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int k = Math.max(1, (int) Math.floor(share * sorted.length));
        double s = 0;
        for (int j = 0; j < k; j++) {
            s += sorted[sorted.length - 1 - j];
        }
        return s / k;
    }

    static double fraction(TokenGrid g, boolean[] flags) {
        if (g.validCount() == 0) {
            return 0;
        }
        int n = 0;
        for (int idx : g.validIndices()) {
            if (flags[idx]) {
                n++;
            }
        }
        return (double) n / g.validCount();
    }
}
