package dev.forkpoint.learner.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;

/**
 * PPO clipped surrogate with dual clip (docs/algorithms.md section 7, verl {@code compute_policy_loss_vanilla}):
 * {@code L1 = -A r}, {@code L2 = -A clip(r, 1 - epsLow, 1 + epsHigh)}, {@code Lc = max(L1, L2)}, and for
 * {@code A < 0}: {@code L = min(-A c, Lc)}.
 */
public record PpoClipLoss(double clipC) implements TokenLoss {

    @Override
    public TokenLossOutput compute(TokenLossInput in) {
        Surrogate s = Surrogate.of(in);
        NDArray negA = s.negA();
        NDArray lc = s.l1().maximum(s.l2());
        NDArray l3 = negA.mul((float) clipC);
        NDArray negative = in.grid().condition(in.manager(), negativeAdvantage(in));
        NDArray loss = NDArrays.where(negative, l3.minimum(lc), lc);
        boolean[] lower = lc.gt(l3).logicalAnd(negative).toBooleanArray();
        return new TokenLossOutput(loss, s.clipped(), lower, null);
    }

    static boolean[] negativeAdvantage(TokenLossInput in) {
        boolean[] neg = new boolean[in.advantages().length];
        for (int i = 0; i < neg.length; i++) {
            neg[i] = in.advantages()[i] < 0;
        }
        return neg;
    }

    /** L1 and L2 of section 7, shared with Clip-Cov (section 8). */
    record Surrogate(NDArray negA, NDArray l1, NDArray l2, boolean[] clipped) {

        static Surrogate of(TokenLossInput in) {
            NDArray negA = in.grid().constant(in.manager(), in.advantages()).neg();
            double[] lowBound = new double[in.advantages().length];
            double[] highBound = new double[lowBound.length];
            for (int i = 0; i < lowBound.length; i++) {
                lowBound[i] = 1 - in.eps().low()[i];
                highBound[i] = 1 + in.eps().high()[i];
            }
            NDArray ratio = in.ratio();
            NDArray clippedRatio = ratio.maximum(in.grid().constant(in.manager(), lowBound))
                    .minimum(in.grid().constant(in.manager(), highBound));
            NDArray l1 = negA.mul(ratio);
            NDArray l2 = negA.mul(clippedRatio);
            boolean[] clipped = l2.gt(l1).toBooleanArray();
            return new Surrogate(negA, l1, l2, clipped);
        }
    }
}
