package dev.forkpoint.learner.objective;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * One optimisation mini-batch, every per-token array shaped (sequences, response tokens) in float32
 * (docs/algorithms.md notation). Only {@code logProbs} carries gradient; the objective creates its arrays in
 * {@code logProbs}' manager, so open a sub-manager per mini-batch.
 *
 * @param logProbs      lp, log pi_theta of the sampled tokens; set {@code setRequiresGradient(true)} or let the
 *                      model's graph produce it
 * @param oldLogProbs   olp, log pi_old recorded at rollout (T = 1)
 * @param refLogProbs   ref, log pi_ref of a frozen reference policy; null when the config has no KL term
 * @param entropy       H of the current policy in nats (detached)
 * @param oldEntropy    H_old of the rollout policy (detached); used by STEER
 * @param responseMask  m: 1 on generated tokens, 0 on prompt and padding
 * @param advantages    A_i per sequence from {@link PolicyObjective#advantages}, computed once over the rollout
 *                      batch so groups are never split across mini-batches
 * @param seed          seed of this mini-batch's random choices (Clip-Cov); derive it from run seed, step,
 *                      epoch and mini-batch so a resumed run repeats it
 */
public record PolicyBatch(NDArray logProbs, NDArray oldLogProbs, NDArray refLogProbs, NDArray entropy,
                          NDArray oldEntropy, NDArray responseMask, double[] advantages, long seed) {

    public PolicyBatch {
        Shape shape = logProbs.getShape();
        if (shape.dimension() != 2) {
            throw new IllegalArgumentException("logProbs: shape " + shape + " must be (sequences, tokens)");
        }
        check("oldLogProbs", oldLogProbs, shape);
        check("entropy", entropy, shape);
        check("oldEntropy", oldEntropy, shape);
        check("responseMask", responseMask, shape);
        if (refLogProbs != null) {
            check("refLogProbs", refLogProbs, shape);
        }
        if (advantages.length != shape.get(0)) {
            throw new IllegalArgumentException("advantages: " + advantages.length + " values for "
                    + shape.get(0) + " sequences");
        }
    }

    private static void check(String name, NDArray a, Shape expected) {
        if (a == null || !a.getShape().equals(expected)) {
            throw new IllegalArgumentException(name + ": shape " + (a == null ? "null" : a.getShape())
                    + " must equal logProbs' shape " + expected);
        }
    }
}
