package dev.forkpoint.learner.objective;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.forkpoint.learner.advantage.AdvantageEstimator;
import dev.forkpoint.learner.advantage.AdvantageEstimators;
import dev.forkpoint.learner.aggregation.LossAggregation;
import dev.forkpoint.learner.aggregation.LossAggregations;
import dev.forkpoint.learner.aggregation.LossMask;
import dev.forkpoint.learner.cliprange.AsymmetricAdaptiveClip;
import dev.forkpoint.learner.cliprange.ClipRange;
import dev.forkpoint.learner.cliprange.ClipRanges;
import dev.forkpoint.learner.cliprange.FixedClipRange;
import dev.forkpoint.learner.config.HapoOptions;
import dev.forkpoint.learner.config.ObjectiveConfig;
import dev.forkpoint.learner.kl.KlEstimator;
import dev.forkpoint.learner.kl.KlEstimators;
import dev.forkpoint.learner.loss.TokenCovariance;
import dev.forkpoint.learner.loss.TokenLoss;
import dev.forkpoint.learner.loss.TokenLossInput;
import dev.forkpoint.learner.loss.TokenLossOutput;
import dev.forkpoint.learner.loss.TokenLosses;
import dev.forkpoint.learner.redistribution.DifferentialAdvantageRedistribution;
import dev.forkpoint.learner.weights.TokenWeight;
import dev.forkpoint.learner.weights.TokenWeightInput;
import dev.forkpoint.learner.weights.TokenWeightOutput;
import dev.forkpoint.learner.weights.TokenWeights;
import dev.forkpoint.rollout.policy.AutogradScalar;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The policy objective: the one place where docs/algorithms.md section 14's composition order is written.
 * advantage estimator -> per-token clip ranges (5) -> advantage redistribution (6) -> token loss (7/8/9) ->
 * token weights (Clip-Cov zeroing, forking mask, STEER) -> aggregation (13) -> + KL term (12).
 * Each part is looked up by its config name in its registry; this class only wires them.
 */
public final class PolicyObjective {

    private final ObjectiveConfig config;
    private final AdvantageEstimator estimator;
    private final ClipRange clipRange;
    private final DifferentialAdvantageRedistribution redistribution;
    private final TokenLoss tokenLoss;
    private final Map<String, TokenWeight> weights = new LinkedHashMap<>();
    private final LossAggregation aggregation;
    private final KlEstimator kl;

    public PolicyObjective(ObjectiveConfig config) {
        this.config = config;
        this.estimator = AdvantageEstimators.REGISTRY.get(config.advantage());
        HapoOptions hapo = config.hapo();
        this.clipRange = hapo != null && hapo.adaptiveClip()
                ? new AsymmetricAdaptiveClip(config.clipLow(), config.clipHigh(), hapo.clipAlpha())
                : new FixedClipRange(config.clipLow(), config.clipHigh());
        this.redistribution = hapo != null && hapo.adaptiveAdvantage()
                ? new DifferentialAdvantageRedistribution(hapo.advBeta()) : null;
        this.tokenLoss = TokenLosses.REGISTRY.get(config.loss()).apply(config);
        for (String name : TokenWeights.REGISTRY.names()) {
            TokenWeight w = TokenWeights.REGISTRY.get(name).apply(config);
            if (w != null) {
                weights.put(name, w);
            }
        }
        this.aggregation = LossAggregations.REGISTRY.get(config.agg());
        this.kl = config.kl() == null ? null : KlEstimators.REGISTRY.get(config.kl().kind());
    }

    public ObjectiveConfig config() {
        return config;
    }

    /**
     * Step 1 (section 1): sequence advantages over a whole rollout batch, before it is cut into mini-batches.
     *
     * @param rewards shaped sequence rewards; {@code groups} the prompt group of each; {@code lengths} the
     *                valid-token count of each response
     */
    public double[] advantages(double[] rewards, int[] groups, int[] lengths) {
        return estimator.estimate(rewards, groups, lengths, config.normAdvByStd());
    }

    /** Steps 2-7 on one mini-batch; call inside a GradientCollector to backpropagate {@code loss}. */
    public ObjectiveResult compute(PolicyBatch batch) {
        NDManager manager = batch.logProbs().getManager();
        TokenGrid grid = TokenGrid.of(batch);
        Map<String, Double> metrics = new LinkedHashMap<>();

        double[] advantages = grid.broadcast(batch.advantages());
        double[] hHat = null;
        if (config.hapo() != null) {
            hHat = TokenEntropyNormalization.hHat(grid, config.hapo().pivot());
            boolean[] positive = new boolean[hHat.length];
            for (int i = 0; i < hHat.length; i++) {
                positive[i] = hHat[i] > 0;
            }
            metrics.put(ObjectiveMetrics.HAPO_H_HAT_POSITIVE_FRACTION, ObjectiveMetrics.fraction(grid, positive));
        }
        ClipRanges eps = clipRange.compute(grid, hHat);
        double[] shaped = redistribution == null ? advantages : redistribution.apply(grid, advantages, hHat, eps);
        double[] covariance = TokenCovariance.of(grid, shaped);

        TokenLossOutput lossOut = tokenLoss.compute(new TokenLossInput(manager, grid, batch.logProbs(),
                batch.oldLogProbs(), shaped, eps, covariance));

        double[] product = new double[grid.size()];
        float[] denominator = grid.mask().clone();
        for (int idx : grid.validIndices()) {
            product[idx] = 1.0;
        }
        Map<String, double[]> partWeights = new LinkedHashMap<>();
        TokenWeightInput weightInput = new TokenWeightInput(grid, shaped, lossOut, covariance, batch.seed());
        for (Map.Entry<String, TokenWeight> e : weights.entrySet()) {
            TokenWeightOutput out = e.getValue().compute(weightInput);
            double[] masked = new double[grid.size()];
            for (int idx : grid.validIndices()) {
                masked[idx] = out.weights()[idx];
                product[idx] *= out.weights()[idx];
                if (out.narrowsDenominator()) {
                    denominator[idx] *= (float) out.weights()[idx];
                }
            }
            partWeights.put(e.getKey(), masked);
            metrics.putAll(out.metrics());
        }

        // The host copy, re-created as float32 whatever the caller's mask type.
        LossMask responseMask = new LossMask(grid.constant(manager, grid.mask()), grid.mask(), grid.rows(),
                grid.cols());
        LossMask lossMask = Arrays.equals(denominator, grid.mask()) ? responseMask
                : new LossMask(grid.constant(manager, denominator), denominator, grid.rows(), grid.cols());
        int maxLen = config.maxLen() != null ? config.maxLen() : grid.cols();
        NDArray weighted = lossOut.loss().mul(grid.constant(manager, product));
        NDArray policyLoss = aggregation.aggregate(weighted, lossMask, maxLen);
        NDArray loss = policyLoss;
        if (kl != null) {
            if (batch.refLogProbs() == null) {
                throw new IllegalArgumentException("refLogProbs: null, but the config has a KL term (kl.kind = "
                        + config.kl().kind() + ")");
            }
            NDArray klLoss = aggregation.aggregate(kl.perToken(batch.logProbs(), batch.refLogProbs()),
                    responseMask, maxLen);
            metrics.put(ObjectiveMetrics.KL_LOSS, (double) klLoss.getFloat());
            loss = policyLoss.add(klLoss.mul(AutogradScalar.of(klLoss, config.kl().coef())));
        }

        metrics.put(ObjectiveMetrics.PG_LOSS, (double) policyLoss.getFloat());
        metrics.put(ObjectiveMetrics.PG_CLIPFRAC, ObjectiveMetrics.fraction(grid, lossOut.clipped()));
        metrics.put(ObjectiveMetrics.PG_CLIPFRAC_LOWER, ObjectiveMetrics.fraction(grid, lossOut.clippedLower()));
        double[] approxKl = new double[grid.size()];
        for (int idx : grid.validIndices()) {
            approxKl[idx] = grid.oldLogProb(idx) - grid.logProb(idx);
        }
        metrics.put(ObjectiveMetrics.PPO_KL, grid.validMean(approxKl));
        metrics.put(ObjectiveMetrics.ENTROPY, (double) aggregation.aggregate(batch.entropy(), responseMask,
                maxLen).getFloat());
        metrics.put(ObjectiveMetrics.COV_MEAN, grid.validMean(covariance));
        metrics.put(ObjectiveMetrics.COV_TOP_02PCT, ObjectiveMetrics.topMean(grid.validValues(covariance), 0.002));
        if (lossOut.klCovSelected() != null) {
            metrics.put(ObjectiveMetrics.KL_COV_SELECTED_FRACTION,
                    ObjectiveMetrics.fraction(grid, lossOut.klCovSelected()));
        }

        double[] tokenWeights = new double[grid.size()];
        for (int idx : grid.validIndices()) {
            tokenWeights[idx] = product[idx];
        }
        PieceOutputs pieces = new PieceOutputs(grid.rows(), grid.cols(), advantages, hHat, eps.low(), eps.high(),
                shaped, covariance, lossOut.klCovSelected(), partWeights, tokenWeights);
        return new ObjectiveResult(loss, pieces, metrics);
    }

    /** The registry names of the active token weights, in application order. */
    public List<String> activeTokenWeights() {
        return List.copyOf(weights.keySet());
    }
}
