package dev.forkpoint.learner.aggregation;

import ai.djl.ndarray.NDArray;
import dev.forkpoint.learner.NamedRegistry;
import dev.forkpoint.rollout.policy.AutogradScalar;

/**
 * The aggregation modes of docs/algorithms.md section 13 by their config name ({@code agg}), as verl's
 * {@code agg_loss}. The seq-mean modes average over the sequences with at least one counted token; with no
 * counted token at all every mode gives 0 (and a zero gradient).
 */
public final class LossAggregations {

    /** {@code sum(L m) / sum(m)}. */
    static final LossAggregation TOKEN_MEAN = (loss, mask, maxLen) ->
            loss.mul(mask.array()).sum().div(AutogradScalar.of(loss, Math.max(mask.total(), 1.0)));

    /** {@code mean_i sum_t L m}. */
    static final LossAggregation SEQ_MEAN_TOKEN_SUM = (loss, mask, maxLen) ->
            loss.mul(mask.array()).sum().div(AutogradScalar.of(loss, Math.max(nonEmptyRows(mask), 1)));

    /** {@code mean_i (sum_t L m / sum_t m)}. */
    static final LossAggregation SEQ_MEAN_TOKEN_MEAN = (loss, mask, maxLen) -> {
        float[] perRow = new float[mask.rows()];
        for (int i = 0; i < perRow.length; i++) {
            double n = mask.rowTotal(i);
            perRow[i] = n > 0 ? (float) (1.0 / n) : 0f;
        }
        NDArray rowSums = loss.mul(mask.array()).sum(new int[] {1});
        NDArray scale = mask.array().getManager().create(perRow);
        return rowSums.mul(scale).sum().div(AutogradScalar.of(loss, Math.max(nonEmptyRows(mask), 1)));
    };

    /** {@code sum(L m) / Lmax} (Dr. GRPO's constant normaliser). */
    static final LossAggregation SEQ_MEAN_TOKEN_SUM_NORM = (loss, mask, maxLen) ->
            loss.mul(mask.array()).sum().div(AutogradScalar.of(loss, maxLen));

    public static final NamedRegistry<LossAggregation> REGISTRY = new NamedRegistry<LossAggregation>("agg")
            .register("token-mean", TOKEN_MEAN)
            .register("seq-mean-token-sum", SEQ_MEAN_TOKEN_SUM)
            .register("seq-mean-token-mean", SEQ_MEAN_TOKEN_MEAN)
            .register("seq-mean-token-sum-norm", SEQ_MEAN_TOKEN_SUM_NORM);

    private LossAggregations() {
    }

    private static int nonEmptyRows(LossMask mask) {
        int n = 0;
        for (int i = 0; i < mask.rows(); i++) {
            if (mask.rowTotal(i) > 0) {
                n++;
            }
        }
        return n;
    }
}
