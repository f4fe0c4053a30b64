package dev.forkpoint.learner;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.forkpoint.learner.objective.ObjectiveResult;
import dev.forkpoint.learner.objective.PolicyBatch;
import dev.forkpoint.learner.objective.PolicyObjective;

/**
 * Test helper: evaluates an objective on host arrays and backpropagates with DJL autograd (one
 * GradientCollector, always closed).
 *
 * @param loss    the scalar loss
 * @param grad    dLoss/dlp, flattened
 * @param result  the objective's result (its NDArrays are closed; use pieces and metrics)
 */
record ObjectiveRun(double loss, float[] grad, ObjectiveResult result) {

    static ObjectiveRun of(PolicyObjective objective, float[][] lp, float[][] olp, float[][] ref, float[][] h,
                           float[][] hOld, float[][] mask, double[] rewards, int[] groups, long seed) {
        int[] lengths = new int[mask.length];
        for (int i = 0; i < mask.length; i++) {
            for (float m : mask[i]) {
                lengths[i] += (int) m;
            }
        }
        double[] advantages = objective.advantages(rewards, groups, lengths);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray logProbs = manager.create(lp);
            logProbs.setRequiresGradient(true);
            PolicyBatch batch = new PolicyBatch(logProbs, manager.create(olp), ref == null ? null : manager.create(ref),
                    manager.create(h), manager.create(hOld), manager.create(mask), advantages, seed);
            ObjectiveResult result;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                result = objective.compute(batch);
                collector.backward(result.loss());
            }
            return new ObjectiveRun(result.loss().getFloat(), logProbs.getGradient().toFloatArray(), result);
        }
    }
}
