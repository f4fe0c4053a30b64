package dev.forkpoint.learner.advantage;

/**
 * GRPO (docs/algorithms.md section 1): {@code A_i = (R_i - mean_g) / (std_g + 1e-6)} with the unbiased std, or
 * {@code R_i - mean_g} without std normalisation (Dr. GRPO). A group of one uses mean 0 and std 1 (verl).
 */
public final class GroupRelativeAdvantage implements AdvantageEstimator {

    static final double EPS = 1e-6;

    @Override
    public double[] estimate(double[] rewards, int[] groups, int[] lengths, boolean normByStd) {
        AdvantageEstimator.checkShapes(rewards, groups, lengths);
        double[] a = new double[rewards.length];
        for (int[] members : AdvantageEstimator.groupMembers(groups)) {
            apply(rewards, members, normByStd, a);
        }
        return a;
    }

    /** Writes the GRPO advantages of one group into {@code out}; shared with TLGA's fallback. */
    static void apply(double[] rewards, int[] members, boolean normByStd, double[] out) {
        int n = members.length;
        double mean = 0;
        double std = 1;
        if (n > 1) {
            for (int i : members) {
                mean += rewards[i];
            }
            mean /= n;
            double ss = 0;
            for (int i : members) {
                ss += (rewards[i] - mean) * (rewards[i] - mean);
            }
            std = Math.sqrt(ss / (n - 1));
        }
        for (int i : members) {
            out[i] = normByStd ? (rewards[i] - mean) / (std + EPS) : rewards[i] - mean;
        }
    }
}
