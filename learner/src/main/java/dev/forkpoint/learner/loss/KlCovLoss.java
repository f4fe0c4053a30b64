package dev.forkpoint.learner.loss;

import ai.djl.ndarray.NDArray;
import dev.forkpoint.learner.objective.TokenGrid;
import java.util.Arrays;
import java.util.Comparator;

/**
 * KL-Cov (docs/algorithms.md section 9, Cui et al. {@code compute_policy_loss_kl_cov}): the unclipped
 * {@code L = -A r} for every token plus {@code beta |lp - olp|} on the {@code k = max(1, floor(ratio N))}
 * valid tokens with the largest covariance (ties: the earlier token).
 */
public record KlCovLoss(double ratio, double beta) implements TokenLoss {

    @Override
    public TokenLossOutput compute(TokenLossInput in) {
        TokenGrid g = in.grid();
        boolean[] selected = select(g, in.covariance(), ratio);
        NDArray negA = g.constant(in.manager(), in.advantages()).neg();
        NDArray pg = negA.mul(in.ratio());
        float[] sel = new float[selected.length];
        for (int i = 0; i < sel.length; i++) {
            sel[i] = selected[i] ? (float) beta : 0f;
        }
        NDArray penalty = in.logProbs().sub(in.oldLogProbs()).abs().mul(g.constant(in.manager(), sel));
        boolean[] none = new boolean[selected.length];
        return new TokenLossOutput(pg.add(penalty), none, none.clone(), selected);
    }

    /** The top-k valid tokens by covariance. */
    static boolean[] select(TokenGrid g, double[] cov, double ratio) {
        boolean[] selected = new boolean[g.size()];
        int n = g.validCount();
        if (n == 0) {
            return selected;
        }
        int k = Math.min(n, Math.max(1, (int) Math.floor(ratio * n)));
        Integer[] order = Arrays.stream(g.validIndices()).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -cov[i])); // stable: ties keep index order
        for (int j = 0; j < k; j++) {
            selected[order[j]] = true;
        }
        return selected;
    }
}
