package dev.forkpoint.learner.advantage;

/**
 * HAPO's Token Level Group Average (docs/algorithms.md section 1): group mean and population std of the rewards
 * weighted by each response's valid-token count L_i; a group where any response with tokens reaches
 * {@code |A_i| >= 5} falls back to GRPO. A response without valid tokens has weight 0 and takes no part in
 * the fallback test (the released code also tests padding positions; the spec does not).
 */
public final class TokenLevelGroupAverage implements AdvantageEstimator {

    static final double FALLBACK_THRESHOLD = 5.0;

    @Override
    public double[] estimate(double[] rewards, int[] groups, int[] lengths, boolean normByStd) {
        AdvantageEstimator.checkShapes(rewards, groups, lengths);
        double[] a = new double[rewards.length];
        for (int[] members : AdvantageEstimator.groupMembers(groups)) {
            double weight = 0;
            double sum = 0;
            for (int i : members) {
                weight += lengths[i];
                sum += lengths[i] * rewards[i];
            }
            if (weight == 0) {
                GroupRelativeAdvantage.apply(rewards, members, true, a); // no token carries it anyway
                continue;
            }
            double mu = sum / weight;
            double ss = 0;
            for (int i : members) {
                ss += lengths[i] * (rewards[i] - mu) * (rewards[i] - mu);
            }
            double sigma = Math.sqrt(ss / weight);
            boolean fallback = false;
            for (int i : members) {
                a[i] = (rewards[i] - mu) / (sigma + GroupRelativeAdvantage.EPS);
                if (lengths[i] > 0 && Math.abs(a[i]) >= FALLBACK_THRESHOLD) {
                    fallback = true;
                }
            }
            if (fallback) {
                GroupRelativeAdvantage.apply(rewards, members, true, a);
            }
        }
        return a;
    }
}
