package dev.forkpoint.learner.loop;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.forkpoint.learner.objective.ObjectiveResult;
import dev.forkpoint.learner.objective.PolicyBatch;
import dev.forkpoint.learner.objective.PolicyObjective;
import dev.forkpoint.rollout.batch.RolloutBatch;
import dev.forkpoint.rollout.optim.AdamW;
import dev.forkpoint.rollout.optim.GradientClipping;
import dev.forkpoint.rollout.policy.Policy;
import dev.forkpoint.rollout.sampler.GradModeOff;
import java.util.Map;
import java.util.Random;

/**
 * The learner's update of one rollout batch (architecture.md, "One training step", 4): {@code ppoEpochs x
 * miniBatches} optimiser steps, each recomputing lp and H with gradient through {@link Policy#score}, evaluating
 * the {@link PolicyObjective} (algorithms.md section 14), backpropagating in a gradient collector, clipping the
 * global gradient norm and stepping AdamW. Advantages come in precomputed over the whole rollout batch, so a
 * group may be split across mini-batches.
 */
public final class PolicyUpdate {

    public static final String GRAD_NORM = "actor/grad_norm";
    public static final String LEARNING_RATE = "actor/lr";

    private final Policy policy;
    private final Policy reference;
    private final PolicyObjective objective;
    private final AdamW optimizer;
    private final UpdateSettings settings;
    private final int padId;

    /**
     * @param reference frozen reference policy for the KL term (section 12); null when the objective has none
     */
    public PolicyUpdate(Policy policy, Policy reference, PolicyObjective objective, AdamW optimizer,
                        UpdateSettings settings, int padId) {
        if (objective.config().kl() != null && reference == null) {
            throw new IllegalArgumentException("objective.kl: a KL term needs a reference policy");
        }
        this.policy = policy;
        this.reference = reference;
        this.objective = objective;
        this.optimizer = optimizer;
        this.settings = settings;
        this.padId = padId;
    }

    /**
     * Optimises on {@code batch} and returns the metrics averaged over its mini-batches.
     *
     * @param advantages one per response, from {@link PolicyObjective#advantages}
     * @param step       the training step (1-based): shuffles and objective seeds derive from it
     * @param manager    each mini-batch's arrays live in a sub-manager of it, closed after its optimiser step
     */
    public Map<String, Double> update(RolloutBatch batch, double[] advantages, int step, NDManager manager) {
        int n = batch.size();
        if (n == 0) {
            throw new IllegalArgumentException("update: the rollout batch is empty");
        }
        if (advantages.length != n) {
            throw new IllegalArgumentException("advantages: " + advantages.length + " values for " + n + " responses");
        }
        int parts = Math.min(settings.miniBatches(), n);
        Map<String, NDArray> params = policy.parameters();
        MetricAverage average = new MetricAverage();
        for (int epoch = 0; epoch < settings.ppoEpochs(); epoch++) {
            int[] order = shuffled(n, SeedStreams.seed(settings.runSeed(), SeedStreams.SHUFFLE, step, epoch));
            for (int mb = 0; mb < parts; mb++) {
                int from = (int) ((long) n * mb / parts);
                int to = (int) ((long) n * (mb + 1) / parts);
                int[] rows = java.util.Arrays.copyOfRange(order, from, to);
                long seed = SeedStreams.seed(settings.runSeed(), SeedStreams.OBJECTIVE, step,
                        (long) epoch * parts + mb);
                PhaseTimer timer = new PhaseTimer();
                try (NDManager sub = manager.newSubManager(policy.device())) {
                    UpdateBatch ub = UpdateBatch.of(batch, rows, advantages, padId, sub);
                    timer.lap("batch");
                    average.add(miniBatch(ub, seed, params, timer));
                }
                // Outside the collector and any scope: AdamW updates the parameters in place, with autograd off
                // (grad mode is per thread in libtorch). Measured in UpdateBenchmark: without this, 3 of 4 runs
                // hit a NaN gradient norm after a few updates (HAPO, KL_COV, ... at random); with it, 0 of 3.
                try (GradModeOff noGrad = new GradModeOff()) {
                    double norm = GradientClipping.clipGlobalNorm(params, settings.maxGradNorm());
                    if (!Double.isFinite(norm)) {
                        throw new IllegalStateException("update: the gradient norm is " + norm + " at step " + step
                                + " (epoch " + epoch + ", mini-batch " + mb + "); stopping before AdamW corrupts"
                                + " the policy");
                    }
                    timer.lap("clip");
                    average.add(GRAD_NORM, norm);
                    average.add(LEARNING_RATE, optimizer.step(params));
                }
                timer.lap("optimizer");
                average.add(timer.seconds());
            }
        }
        return average.means();
    }

    private Map<String, Double> miniBatch(UpdateBatch ub, long seed, Map<String, NDArray> params,
                                          PhaseTimer timer) {
        NDArray ref = null;
        if (reference != null) {
            // Frozen parameters (no gradient) and no collector open: nothing is recorded.
            ref = ub.responseSlice(reference.score(ub.tokens(), ub.keyMask()).logProbs());
            timer.lap("reference");
        }
        AdamW.zeroGradients(params);
        timer.lap("zero_grad");
        // Only one gradient collector may be open per process (architecture.md, "Known DJL facts"): it is
        // opened here, around exactly one forward and backward, and always closed.
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            Policy.TokenScores scores = policy.score(ub.tokens(), ub.keyMask());
            NDArray lp = ub.responseSlice(scores.logProbs());
            NDArray h = ub.responseSlice(scores.entropy());
            timer.lap("forward");
            ObjectiveResult result = objective.compute(new PolicyBatch(lp, ub.oldLogProbs(), ref, h, ub.oldEntropy(),
                    ub.responseMask(), ub.advantages(), seed));
            timer.lap("objective");
            collector.backward(result.loss());
            timer.lap("backward");
            Map<String, Double> metrics = new java.util.LinkedHashMap<>(result.metrics());
            double loss = result.loss().getFloat();
            if (!Double.isFinite(loss)) {
                throw new IllegalStateException("update: the loss is " + loss + " (pg_loss "
                        + metrics.get("actor/pg_loss") + "); stopping before it corrupts the policy");
            }
            metrics.put("actor/loss", loss);
            return metrics;
        }
    }

    /** Fisher-Yates with a seeded {@link Random}: the same (seed, n) always gives the same order. */
    static int[] shuffled(int n, long seed) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Random rng = new Random(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}
