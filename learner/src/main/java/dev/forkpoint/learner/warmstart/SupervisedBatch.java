package dev.forkpoint.learner.warmstart;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.forkpoint.rollout.policy.AutogradScalar;
import dev.forkpoint.rollout.policy.ChunkedHead;
import dev.forkpoint.rollout.policy.Policy;
import java.util.List;

/**
 * A right-padded batch of {@link SupervisedExample}s and its loss: the mean next-token cross-entropy over the
 * response tokens and eos of all rows (token-level mean, as the learner's token-level aggregation), taken from
 * {@link Policy#score} log-probabilities. Prompt positions and padding get weight exactly 0, so the prompt is
 * context only.
 *
 * <p>Right padding: a real token never attends to a later key, so trailing padding cannot reach it, and
 * positions (derived from the key mask) are unaffected.
 */
public final class SupervisedBatch {

    private final long[] tokens;
    private final float[] keyMask;
    /** {@code (B, T-1)}: 1 where the scored next token (column t+1) is a target. */
    private final float[] lossMask;
    private final int rows;
    private final int width;
    private final int realTokens;
    private final int targetTokens;

    public SupervisedBatch(List<SupervisedExample> examples, int padId) {
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("SFT batch: at least one example is needed");
        }
        rows = examples.size();
        int w = 2;
        for (SupervisedExample e : examples) {
            w = Math.max(w, e.length());
        }
        width = w;
        tokens = new long[rows * width];
        keyMask = new float[rows * width];
        lossMask = new float[rows * (width - 1)];
        java.util.Arrays.fill(tokens, padId);
        int real = 0;
        int targets = 0;
        for (int r = 0; r < rows; r++) {
            SupervisedExample e = examples.get(r);
            int[] ids = e.ids();
            for (int c = 0; c < ids.length; c++) {
                tokens[r * width + c] = ids[c];
                keyMask[r * width + c] = 1;
            }
            // Score column c predicts token c+1: targets are tokens promptLength .. length-1.
            for (int c = e.promptLength() - 1; c < ids.length - 1; c++) {
                lossMask[r * (width - 1) + c] = 1;
            }
            real += ids.length;
            targets += e.targetCount();
        }
        realTokens = real;
        targetTokens = targets;
    }

    /** Sequences in the batch. */
    public int rows() {
        return rows;
    }

    /** Non-padding tokens (prompt and response), what tokens/s counts. */
    public int realTokens() {
        return realTokens;
    }

    /** Tokens the loss averages over. */
    public int targetTokens() {
        return targetTokens;
    }

    /**
     * {@code -sum(mask * log p(target)) / sum(mask)}, a scalar on {@code manager}; it carries gradient when
     * computed inside a gradient collector.
     */
    public NDArray loss(Policy policy, NDManager manager) {
        NDArray ids = manager.create(tokens, new Shape(rows, width));
        NDArray mask = manager.create(keyMask, new Shape(rows, width));
        return loss(policy.score(ids, mask).logProbs(), manager);
    }

    private NDArray loss(NDArray logProbs, NDManager manager) {
        NDArray weights = manager.create(lossMask, new Shape(rows, width - 1));
        return logProbs.mul(weights).sum().neg().div(AutogradScalar.of(logProbs, targetTokens));
    }

    /**
     * The loss's gradient added to the policy's parameters through {@code collector}, and the loss's value. A policy
     * whose head splits off ({@link Policy#head}) is scored a chunk of tokens at a time with its layers recomputed
     * in the backward ({@link ChunkedHead}), as the RL update does; any other takes {@link #loss}'s plain path.
     */
    public float backward(Policy policy, NDManager manager, GradientCollector collector) {
        NDArray ids = manager.create(tokens, new Shape(rows, width));
        NDArray mask = manager.create(keyMask, new Shape(rows, width));
        Policy.Head head = policy.head(ids, mask, true);
        if (head == null) {
            NDArray l = loss(policy.score(ids, mask).logProbs(), manager);
            collector.backward(l);
            return l.getFloat();
        }
        int chunk = ChunkedHead.autoChunk(policy.vocabSize());
        NDArray logProbs = ChunkedHead.scores(head, ids, chunk).logProbs();
        logProbs.setRequiresGradient(true);
        NDArray l = loss(logProbs, manager);
        collector.backward(l);
        ChunkedHead.backward(collector, head, ids, logProbs.getGradient(), chunk);
        return l.getFloat();
    }
}
