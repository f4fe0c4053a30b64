package dev.forkpoint.learner.loop;

import dev.forkpoint.rollout.policy.Gradients;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.forkpoint.rollout.policy.ChunkedHead;
import dev.forkpoint.learner.objective.ObjectiveResult;
import dev.forkpoint.learner.objective.PolicyBatch;
import dev.forkpoint.learner.objective.PolicyObjective;
import dev.forkpoint.rollout.batch.RolloutBatch;
import dev.forkpoint.learner.optim.AdamW;
import dev.forkpoint.learner.optim.OptimizerStep;
import dev.forkpoint.rollout.policy.Policy;
import java.util.Map;
import java.util.Random;

/**
 * The learner's update of one rollout batch (docs/architecture.md, "One training step", 4): {@code ppoEpochs x
 * miniBatches} optimiser steps, each recomputing lp and H with gradient through {@link Policy#score}, evaluating
 * the {@link PolicyObjective} (docs/algorithms.md section 14), backpropagating in a gradient collector, clipping the
 * global gradient norm and stepping AdamW. Advantages come in precomputed over the whole rollout batch, so a
 * group may be split across mini-batches.
 */
public final class PolicyUpdate {

    public static final String GRAD_NORM = "actor/grad_norm";
    public static final String LEARNING_RATE = "actor/lr";
    public static final String LOSS = "actor/loss";
    /** Share of mini-batches whose optimiser step was skipped for a non-finite loss or gradient norm. */
    public static final String NON_FINITE_SKIPPED = "actor/nonfinite_skipped";
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(PolicyUpdate.class);

    private final Policy policy;
    private final Policy reference;
    private final PolicyObjective objective;
    private final OptimizerStep optimizerStep;
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
        this.optimizerStep = new OptimizerStep(optimizer, settings.maxGradNorm(),
                "lower training.learningRate or check the reward and the objective's settings");
        this.settings = settings;
        this.padId = padId;
    }

    /**
     * Receives, in the first epoch only (where each response is scored exactly once), the recomputed entropy H and
     * the objective's per-token covariance of each mini-batch, for analytics.
     */
    public interface TokenObserver {
        /**
         * @param rows       the rollout-batch rows of the mini-batch, in grid order
         * @param cols       the grid width R: response token j of grid row i is at {@code i * cols + j}
         * @param entropy    H per grid cell (padding included; cut with the rows' response lengths)
         * @param covariance cov per grid cell (0 on padding), from {@code ObjectiveResult.pieces()}
         */
        void miniBatch(int[] rows, int cols, float[] entropy, double[] covariance);
    }

    /** As {@link #update(RolloutBatch, double[], int, NDManager, TokenObserver)} without an observer. */
    public Map<String, Double> update(RolloutBatch batch, double[] advantages, int step, NDManager manager) {
        return update(batch, advantages, step, manager, null);
    }

    /**
     * Optimises on {@code batch} and returns the metrics averaged over its mini-batches.
     *
     * @param advantages one per response, from {@link PolicyObjective#advantages}
     * @param step       the training step (1-based): shuffles and objective seeds derive from it
     * @param manager    each mini-batch's arrays live in a sub-manager of it, closed after its optimiser step
     * @param observer   sees H and cov of the first epoch; null for none
     */
    public Map<String, Double> update(RolloutBatch batch, double[] advantages, int step, NDManager manager,
                                      TokenObserver observer) {
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
                Map<String, Double> metrics;
                try (NDManager sub = manager.newSubManager(policy.device())) {
                    UpdateBatch ub = UpdateBatch.of(batch, rows, advantages, padId, sub);
                    timer.lap("batch");
                    long dropoutSeed = SeedStreams.seed(settings.runSeed(), SeedStreams.DROPOUT, step,
                            (long) epoch * parts + mb);
                    metrics = miniBatch(ub, seed, dropoutSeed, params, timer, epoch == 0 ? observer : null, rows);
                }
                OptimizerStep.Result taken = optimizerStep.apply(params, metrics.get(LOSS));
                timer.lap("optimizer");
                if (taken.skipped()) {
                    log.warn("update step {} epoch {} mini-batch {}: loss {} gradient norm {} not finite; optimiser"
                            + " step skipped ({} in a row)", step, epoch, mb, metrics.get(LOSS), taken.gradNorm(),
                            taken.skippedInARow());
                    average.add(NON_FINITE_SKIPPED, 1.0);
                } else {
                    average.add(metrics);
                    average.add(GRAD_NORM, taken.gradNorm());
                    average.add(LEARNING_RATE, taken.learningRate());
                    average.add(NON_FINITE_SKIPPED, 0.0);
                }
                average.add(timer.seconds());
            }
        }
        return average.means();
    }

    private Map<String, Double> miniBatch(UpdateBatch ub, long seed, long dropoutSeed, Map<String, NDArray> params,
                                          PhaseTimer timer, TokenObserver observer, int[] rows) {
        NDArray ref = null;
        if (reference != null) {
            // Frozen parameters (no gradient) and no collector open: nothing is recorded.
            ref = ub.responseSlice(scoresWithoutGradient(reference, ub).logProbs());
            timer.lap("reference");
        }
        AdamW.zeroGradients(params);
        timer.lap("zero_grad");
        // Only one gradient collector may be open per process (docs/architecture.md, "Known DJL facts"): it is
        // opened here, around exactly one forward and backward, and always closed. The policy's dropout (LoRA's)
        // is on for this forward and its recomputations only, with masks from the step's seed.
        try (Policy.Dropout dropout = policy.dropout(dropoutSeed);
             GradientCollector collector = Gradients.collect()) {
            int chunk = settings.chunkTokens(policy.vocabSize());
            Policy.Head head = chunk > 0 ? policy.head(ub.tokens(), ub.keyMask(), settings.recompute()) : null;
            Policy.TokenScores scores;
            if (head != null) {
                // Chunked head: log-probabilities as a leaf, so the objective's backward stops there and the head's
                // backward is done chunk by chunk below (ChunkedHead).
                scores = ChunkedHead.scores(head, ub.tokens(), chunk);
                scores.logProbs().setRequiresGradient(true);
            } else {
                scores = policy.score(ub.tokens(), ub.keyMask());
            }
            NDArray lp = ub.responseSlice(scores.logProbs());
            NDArray h = ub.responseSlice(scores.entropy());
            timer.lap("forward");
            ObjectiveResult result = objective.compute(new PolicyBatch(lp, ub.oldLogProbs(), ref, h, ub.oldEntropy(),
                    ub.responseMask(), ub.advantages(), seed));
            timer.lap("objective");
            collector.backward(result.loss());
            if (head != null) {
                ChunkedHead.backward(collector, head, ub.tokens(), scores.logProbs().getGradient(), chunk);
            }
            timer.lap("backward");
            if (observer != null) {
                observer.miniBatch(rows, ub.responseWidth(), h.toFloatArray(), result.pieces().covariance());
                timer.lap("observer");
            }
            Map<String, Double> metrics = new java.util.LinkedHashMap<>(result.metrics());
            metrics.put(LOSS, (double) result.loss().getFloat());
            return metrics;
        }
    }

    /** Log-probabilities and entropies of a frozen policy, chunked when its head splits off. */
    private Policy.TokenScores scoresWithoutGradient(Policy p, UpdateBatch ub) {
        int chunk = settings.chunkTokens(p.vocabSize());
        // No gradient: the recomputing head's forward frees each layer's activations as it goes.
        Policy.Head head = chunk > 0 ? p.head(ub.tokens(), ub.keyMask(), true) : null;
        return head != null ? ChunkedHead.scores(head, ub.tokens(), chunk) : p.score(ub.tokens(), ub.keyMask());
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
